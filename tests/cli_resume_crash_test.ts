/**
 * A resumed run killed (kill -9) or stopped (Ctrl-C) before it got to what it kept from
 * the run it resumed — loop iterations, parallel children, a sub-workflow's child run —
 * loses none of it: those read as never started in its record (they did not run in it),
 * and resuming it keeps them still, following `resumedFrom` back (engine/resume.ts
 * ResumedChildren, store/resume_children.ts earlierResume), so only what failed runs
 * again (verifier V2 F6); `weft logs` of the last resume shows each kept one's output from
 * the run that ran it, not the killed run it was never run in (verifier V4 F3), and
 * `weft status` of the killed run says they never started there. Through the real CLI.
 */
import assert from "node:assert/strict";
import { historyJson, waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = new URL("./fixtures/resume_crash/flow.yml", import.meta.url).pathname;

interface ShownTask {
  id: string;
  status: string;
  attempts: number;
  reason: string | null;
  unrecorded?: string;
}

/** What ran, one line per task or iteration, sorted; the file emptied for the next run. */
async function ranAndReset(out: string): Promise<string[]> {
  const lines = (await Deno.readTextFile(`${out}/ran`)).trim().split("\n").sort();
  await Deno.writeTextFile(`${out}/ran`, "");
  return lines;
}

/**
 * Resumes `runId` until task `holder` runs (it writes `${out}/${holder}.pid`, then
 * sleeps) and its start is on record, then sends `signal`; the new run's id.
 */
async function resumeAndStop(
  home: string,
  out: string,
  runId: string,
  holder: "first" | "hosts[a]",
  signal: "SIGKILL" | "SIGINT",
): Promise<string> {
  const pidFile = holder === "first" ? "first.pid" : "a.pid";
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", FLOW, "-q", "--resume", runId]),
    env: weftEnv({ WEFT_HOME: home, OUT: out }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pid = Number(await waitForFile(`${out}/${pidFile}`));
  for (let tries = 0; tries < 200; tries++) {
    const [run] = await historyJson(home);
    if (run.id !== runId && (await statusOf(home, run.id))[holder]?.attempts > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill(signal);
  await child.status;
  const [newest] = await historyJson(home); // after kill -9: recovery ends the sleeper
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* ended with its run, as expected */ }
  assert.notEqual(newest.id, runId);
  return newest.id;
}

async function statusOf(home: string, runId: string): Promise<Record<string, ShownTask>> {
  const r = await weft(["status", runId, "--json"], { env: { WEFT_HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  const tasks: ShownTask[] = JSON.parse(r.stdout).tasks;
  return Object.fromEntries(tasks.map((t) => [t.id, t]));
}

/** A first run: `first`, hosts[a], flaky and the child's check fail, the rest succeeds. */
async function failedRun(home: string, out: string): Promise<string> {
  const r = await weft(["run", FLOW, "-q"], { env: { WEFT_HOME: home, OUT: out } });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(await ranAndReset(out), [
    "child check",
    "child setup",
    "first",
    "flaky",
    "hosts a",
    "hosts b",
    "hosts c",
    "migrate",
  ]);
  return (await historyJson(home))[0].id;
}

/** Resumes `runId` with everything fixed: only what never succeeded runs. */
async function resumeFixed(home: string, out: string, runId: string): Promise<string> {
  await Deno.writeTextFile(`${out}/fixed`, "");
  const r = await weft(["run", FLOW, "-q", "--resume", runId], {
    env: { WEFT_HOME: home, OUT: out },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await ranAndReset(out), ["child check", "first", "flaky", "hosts a"]);
  const [last] = await historyJson(home);
  const tasks = await statusOf(home, last.id);
  for (const id of ["hosts[b]", "hosts[c]", "migrate"]) {
    assert.deepEqual([tasks[id].status, tasks[id].attempts, tasks[id].reason], [
      "success",
      0,
      "resumed",
    ], id);
  }
  return last.id;
}

/**
 * `weft logs` of resumed run `last` shows each kept composite child's output from run
 * `ran`, which ran it (not from the run `last` resumed, which never did), and names it.
 */
async function assertLogsFrom(home: string, last: string, ran: string): Promise<void> {
  for (const [id, output] of [["hosts[b]", "hosts b\n"], ["migrate", "migrate\n"]]) {
    const r = await weft(["logs", last, id], { env: { WEFT_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, output, id);
    assert.match(r.stderr, new RegExp(`${id.replace(/[[\]]/g, "\\$&")} was kept from run ${ran} `));
  }
  const all = await weft(["logs", last], { env: { WEFT_HOME: home } });
  assert.equal(all.code, 0, all.stderr);
  assert.match(
    all.stderr,
    new RegExp(`kept by --resume from run ${ran}, .*: hosts\\[b\\], hosts\\[c\\], migrate`),
  );
}

Deno.test("a resumed run killed before its composites started keeps their earlier successes for the next resume", async () => {
  const out = testTempDir("resume-crash-");
  const home = `${out}/home`;
  const first = await failedRun(home, out);
  await Deno.writeTextFile(`${out}/hold`, "");
  const crashed = await resumeAndStop(home, out, first, "first", "SIGKILL");
  await Deno.remove(`${out}/hold`);
  await ranAndReset(out);
  // Its record is true to what happened in it: the composites never started.
  const tasks = await statusOf(home, crashed);
  for (const id of ["hosts", "grp", "migrate", "call"]) {
    assert.deepEqual([tasks[id].status, tasks[id].attempts], ["interrupted", 0], id);
    assert.equal(tasks[id].unrecorded, "weft stopped before the task started", id);
  }
  await assertLogsFrom(home, await resumeFixed(home, out, crashed), first);
});

for (const signal of ["SIGKILL", "SIGINT"] as const) {
  Deno.test(`a resumed run stopped (${signal}) inside its loop keeps the iterations it had not reached`, async () => {
    const out = testTempDir("resume-crash-");
    const home = `${out}/home`;
    const first = await failedRun(home, out);
    await Deno.writeTextFile(`${out}/slowa`, "");
    const stopped = await resumeAndStop(home, out, first, "hosts[a]", signal);
    await Deno.remove(`${out}/slowa`);
    await ranAndReset(out);
    const tasks = await statusOf(home, stopped);
    const never = signal === "SIGKILL" ? "interrupted" : "cancelled";
    for (const id of ["hosts[b]", "hosts[c]"]) {
      assert.deepEqual([tasks[id].status, tasks[id].attempts], [never, 0], id);
    }
    await assertLogsFrom(home, await resumeFixed(home, out, stopped), first);
  });
}
