/**
 * A loop's iterations in the record of a run whose weft died (kill -9), through the real
 * CLI: every iteration is on record from the loop's start (engine `tasks_added`), so
 * those the crash kept from starting read as never started — `interrupted`, 0 attempts,
 * in `weft status`, `--json` and `weft logs RUN ID` — as a plain task that never started
 * does, and as Ctrl-C records them (`cancelled`, 0 attempts): the same tasks either way,
 * and the loop's outputs count them alike (store/records.ts withLoopCounts).
 */
import assert from "node:assert/strict";
import { waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = new URL("./fixtures/loop_crash/hosts.yml", import.meta.url).pathname;

interface ShownTask {
  id: string;
  status: string;
  reason: string | null;
  attempts: number;
  outputs: Record<string, string>;
}

/** `weft status --json` of the last run of `home`. */
async function statusJson(home: string): Promise<{ id: string; tasks: ShownTask[] }> {
  const r = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * Runs the fixture until `hosts[a]` runs and its start is on record, then sends `signal`
 * to weft and waits for it to end. Returns the WEFT_HOME.
 */
async function runAndStop(signal: "SIGKILL" | "SIGINT"): Promise<string> {
  const dir = testTempDir("loop-crash-");
  const home = `${dir}/home`;
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", FLOW, "-q"]),
    env: weftEnv({ WEFT_HOME: home, LOOP_PID_DIR: dir }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pid = Number(await waitForFile(`${dir}/a.pid`));
  try {
    for (let tries = 0; tries < 200; tries++) {
      const started = (await statusJson(home)).tasks.some((t) =>
        t.id === "hosts[a]" && t.attempts > 0
      );
      if (started) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill(signal);
    await child.status;
    return home;
  } finally {
    if (signal === "SIGKILL") {
      // Recovery (the next command) ends it; this is only in case an assertion failed first.
      await weft(["history"], { env: { WEFT_HOME: home } });
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* ended by recovery, as expected */ }
    }
  }
}

Deno.test("after kill -9, a loop's iterations that never started are on record as interrupted, 0 attempts, as Ctrl-C records them cancelled", async () => {
  const crashed = await runAndStop("SIGKILL");
  const report = await statusJson(crashed);
  const byId = Object.fromEntries(report.tasks.map((t) => [t.id, t]));
  const ids = ["list", "hosts", "hosts[a]", "hosts[b]", "hosts[c]", "hosts[d]", "after"];
  assert.deepEqual(report.tasks.map((t) => t.id), ids);
  assert.deepEqual(
    [byId["hosts[a]"].status, byId["hosts[a]"].attempts, byId["hosts[a]"].reason],
    ["interrupted", 1, "crash"],
  );
  for (const id of ["hosts[b]", "hosts[c]", "hosts[d]", "after"]) {
    assert.deepEqual([byId[id].status, byId[id].attempts, byId[id].reason], [
      "interrupted",
      0,
      "crash",
    ], id);
  }
  // The loop says how many it started (`count`) of how many (`total`), as a stopped one does.
  const counts = { total: "4", count: "1", succeeded: "0", failed: "1" };
  assert.deepEqual([byId.hosts.status, byId.hosts.outputs], ["interrupted", counts]);

  // The text says the same, and `weft logs` knows the iteration (it printed nothing).
  const text = await weft(["status"], { env: { WEFT_HOME: crashed } });
  assert.equal(text.code, 0, text.stderr);
  const row = text.stdout.split("\n").find((line) => line.startsWith("hosts[c] "));
  assert.match(row ?? "", /^hosts\[c\]\s+interrupted\s+-\s+-\s+0\s+crash/);
  const logs = await weft(["logs", report.id, "hosts[c]"], { env: { WEFT_HOME: crashed } });
  assert.equal(logs.code, 0, logs.stderr);
  assert.doesNotMatch(logs.stderr, /has no task/);

  // Ctrl-C of the same run records the same tasks, the never-started ones cancelled.
  const stopped = await statusJson(await runAndStop("SIGINT"));
  assert.deepEqual(stopped.tasks.map((t) => t.id), ids);
  for (const id of ["hosts[b]", "hosts[c]", "hosts[d]"]) {
    const task = stopped.tasks.find((t) => t.id === id)!;
    assert.deepEqual([task.status, task.attempts], ["cancelled", 0], id);
  }
  assert.deepEqual(stopped.tasks.find((t) => t.id === "hosts")!.outputs, counts);
});
