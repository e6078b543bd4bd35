/**
 * History stays truthful through the real CLI: a `weft run` killed with -9 is found by
 * the next `weft history`, marked interrupted with an unknown duration, and the task
 * process groups it left are ended; metrics leave it out of durations; runs started
 * in the same second (by several processes) list newest first; a run with values far
 * beyond Deno KV's limits is recorded and found by history, status and logs.
 */
import assert from "node:assert/strict";
import { historyJson, processesInGroup, waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { killSession, startSession, waitForGroupSize } from "./_recovery.ts";
import { testTempDir } from "./_tmp.ts";
import { workFolders } from "./_work_dirs.ts";

const FIXTURES = new URL("./fixtures/crash/", import.meta.url).pathname;

interface HistoryEntry {
  id: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

const history = (home: string) => historyJson<HistoryEntry>(home);

Deno.test("kill -9 of weft run: interrupted, duration unknown, its task groups ended", async () => {
  const home = testTempDir("home-");
  const out = testTempDir("out-");
  const tmp = testTempDir("tmp-"); // where the run makes its work folder (TMPDIR wins)
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${FIXTURES}orphans.yml`, "-q", "-p", `out=${out}`]),
    env: weftEnv({ WEFT_HOME: home, TMPDIR: tmp }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pids = [
    Number(await waitForFile(`${out}/long.pid`)),
    Number(await waitForFile(`${out}/tree.pid`)),
  ];
  try {
    assert.ok(processesInGroup(pids[1]).length >= 3, "tree runs with its children");
    assert.equal(workFolders(tmp).length, 1, "the run's work folder exists while it runs");
    child.kill("SIGKILL");
    await child.status;

    const result = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /marked interrupted and ended its 2 task process groups/);
    for (const pid of pids) assert.deepEqual(processesInGroup(pid), [], `group ${pid} ended`);
    const [run] = JSON.parse(result.stdout) as HistoryEntry[];
    assert.equal(run.status, "interrupted");
    assert.equal(run.durationMs, null, "how long it lived after its last sign is unknown");
    assert.ok(run.finishedAt !== null && run.finishedAt >= run.startedAt);
    assert.deepEqual(workFolders(tmp), [], "recovery removed the crashed run's work folder");

    // Counted as a failure, left out of durations.
    const metrics = await weft(["metrics", "--json"], { env: { WEFT_HOME: home } });
    const report = JSON.parse(metrics.stdout);
    assert.equal(report.overall.failures, 1);
    assert.equal(report.overall.meanDurationMs, null);
  } finally {
    for (const pid of pids) {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch { /* ended, as expected */ }
    }
  }
});

/** Runs the crash child (a recorder SIGKILLed mid-task) to its death: run `runId` crashed. */
async function crashedRun(home: string, runId: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./fixtures/history/crash_child.ts", import.meta.url).pathname,
      home,
      runId,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  for (let seen = ""; !seen.includes("READY");) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the crash child exited before READY: ${seen}`);
    seen += value;
  }
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
}

Deno.test("kill -9 between a task's exec and its journal line: recovery finds the group by WEFT_RUN_ID", async () => {
  const home = testTempDir("home-");
  const runId = `20260101T000000Z-window-${crypto.randomUUID().slice(0, 8)}`;
  // The groups as weft leaves them when killed before their `S` line: session leaders
  // with the run's id in their environment, named by no journal.
  const ours = [
    startSession("sleep 300 & sleep 300 & wait", { WEFT_RUN_ID: runId }),
    startSession("sleep 300 & wait", { WEFT_RUN_ID: runId }),
  ];
  const other = startSession("sleep 300 & wait", { WEFT_RUN_ID: `${runId}-other` });
  const nobody = Deno.uid() === 0
    ? startSession("sleep 300 & wait", { WEFT_RUN_ID: runId }, 65534)
    : null;
  try {
    await crashedRun(home, runId);
    for (const child of [...ours, other]) await waitForGroupSize(child.pid, 2);
    if (nobody) await waitForGroupSize(nobody.pid, 2);
    const result = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /marked interrupted and ended its 2 task process groups/);
    for (const child of ours) {
      assert.notEqual((await child.status).code, 0, "the leader was signalled");
      assert.deepEqual(processesInGroup(child.pid), [], `group ${child.pid} ended`);
    }
    assert.ok(processesInGroup(other.pid).length >= 2, "another run's group runs on");
    if (nobody) assert.ok(processesInGroup(nobody.pid).length >= 2, "another user's too");
    const [run] = JSON.parse(result.stdout) as HistoryEntry[];
    assert.deepEqual([run.id, run.status], [runId, "interrupted"]);
  } finally {
    for (const child of [...ours, other, ...nobody ? [nobody] : []]) await killSession(child);
  }
});

Deno.test("runs started within the same second, by several processes, list newest first", async () => {
  const home = testTempDir("home-");
  const run = () => weft(["run", `${FIXTURES}quick.yml`, "-q"], { env: { WEFT_HOME: home } });
  for (let i = 0; i < 3; i++) assert.equal((await run()).code, 0);
  const together = await Promise.all([run(), run(), run()]);
  assert.ok(together.every((r) => r.code === 0));
  const runs = await history(home);
  assert.equal(runs.length, 6);
  assert.equal(new Set(runs.map((r) => r.id)).size, 6, "ids are unique");
  const starts = runs.map((r) => r.startedAt);
  assert.deepEqual(starts, [...starts].sort().reverse(), "newest first, to the millisecond");
  const latest = await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } });
  assert.equal(latest.stdout.trim(), runs[0].id);
});

Deno.test("a run with a 100 KB param, a 200 KB task name, the longest name and a long id is recorded", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("wf-");
  const longId = "t" + "x".repeat(120);
  const workflow = {
    name: "big-" + "w".repeat(252), // the longest name validate allows (256)
    params: { payload: { default: "" } },
    tasks: [
      { id: "a", name: "n".repeat(200_000), command: 'printf %s "${params.payload}" | wc -c' },
      { id: longId, name: "é".repeat(40_000), command: "echo from-the-long-id" },
    ],
  };
  await Deno.writeTextFile(`${dir}/big.json`, JSON.stringify(workflow));
  const payload = "p".repeat(100_000);
  const env = { WEFT_HOME: home };
  const ran = await weft(["run", `${dir}/big.json`, "-q", "-p", `payload=${payload}`], { env });
  assert.equal(ran.code, 0, ran.stderr);
  assert.doesNotMatch(ran.stderr, /not fully recorded/);

  const [run] = await history(home);
  assert.equal(run.status, "success");
  const status = await weft(["status", run.id, "--json"], { env });
  assert.equal(status.code, 0, status.stderr);
  const details = JSON.parse(status.stdout);
  assert.equal(details.workflow, workflow.name);
  assert.deepEqual(
    details.tasks.map((t: { id: string; name: string }) => [t.id, t.name.length]),
    [["a", 200_000], [longId, 40_000]],
  );
  const logs = await weft(["logs", run.id, "a"], { env });
  assert.equal(logs.stdout.trim(), "100000");
  const longLogs = await weft(["logs", run.id, longId], { env });
  assert.equal(longLogs.stdout, "from-the-long-id\n");
});

Deno.test("kill -9 of weft run: a task that never started is not a failed run of it in metrics", async () => {
  const home = testTempDir("home-");
  const out = testTempDir("out-");
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${FIXTURES}never_started.yml`, "-q", "-p", `out=${out}`]),
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const pid = Number(await waitForFile(`${out}/long.pid`));
  try {
    // Killed once `long`'s start is on record (records are written within a few ms of
    // the start): a kill before that leaves `long` never started too.
    for (let tries = 0; tries < 200; tries++) {
      const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
      const recorded = shown.code === 0 &&
        (JSON.parse(shown.stdout).tasks as { id: string; attempts: number }[])
          .some((t) => t.id === "long" && t.attempts > 0);
      if (recorded) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await child.status;
    const metrics = await weft(["metrics", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(metrics.code, 0, metrics.stderr);
    const report = JSON.parse(metrics.stdout);
    const [workflow] = report.workflows;
    const byId = Object.fromEntries(
      workflow.tasks.map((t: { id: string; runs: number; failures: number }) => [t.id, t]),
    );
    // `long` ran and was interrupted: one failed run; `after` never started: no run at all.
    assert.deepEqual([byId.long.runs, byId.long.failures], [1, 1]);
    assert.deepEqual([byId.after.runs, byId.after.failures], [0, 0]);
    assert.equal(byId.after.successRateText, "n/a");
    // Its record still says what happened to it.
    const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    const tasks = JSON.parse(status.stdout).tasks as { id: string; status: string }[];
    assert.equal(tasks.find((t) => t.id === "after")?.status, "interrupted");
  } finally {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch { /* ended by recovery, as expected */ }
  }
});
