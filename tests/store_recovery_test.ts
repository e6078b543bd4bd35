/**
 * Crash recovery with real processes: a recording process SIGKILLed mid-task leaves a
 * run that the next store opening marks interrupted; live runs, other hosts' runs and
 * recycled pids are told apart; the process groups a crashed run left are ended, never
 * a stranger's.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { openStore } from "../src/store/open.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import { isProcessAlive, processStartTicks, recoverInterrupted } from "../src/store/recovery.ts";
import { isOurGroupAlive } from "../src/store/process_groups.ts";
import type { ProcessRecord } from "../src/store/run_store.ts";
import { processesInGroup } from "./_run_cli.ts";
import { recoveryNote } from "../src/cli/history_shared.ts";
import { assertRecoversGroup, killSession, waitForGroupSize } from "./_recovery.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";

/** Tests that need /proc (process start times) are ignored, with the reason in their name, without it. */
const HAS_PROC = processStartTicks(Deno.pid) !== null;
function procTest(name: string, fn: () => Promise<void>) {
  Deno.test({ name: HAS_PROC ? name : `${name} (skipped: no /proc here)`, ignore: !HAS_PROC, fn });
}

const CHILD = new URL("./fixtures/history/crash_child.ts", import.meta.url).pathname;

/** Starts the crash child and waits until it has recorded its run and printed READY. */
async function startChild(home: string, runId: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, home, runId],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("READY")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`child exited before READY: ${seen}`);
    seen += value;
  }
  reader.releaseLock();
  return child;
}

Deno.test("a run whose process was SIGKILLed mid-task is marked interrupted, records kept", async () => {
  const dir = testTempDir("weft_crash_");
  const home = `${dir}/home`;
  const runId = fakeRunId();
  const child = await startChild(home, runId);
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL");
  await child.stdout.cancel().catch(() => {});

  const recovered: string[] = [];
  const store = await openStore(home, { onRecovered: (run) => recovered.push(run.id) });
  assert.deepEqual(recovered, [runId]);
  const details = await store.getRun(runId);
  assert.equal(details.run.status, "interrupted");
  assert.deepEqual(details.tasks.map((t) => [t.id, t.status, t.reason]), [
    ["first", "success", null],
    ["second", "interrupted", "crash"],
    ["third", "interrupted", "crash"],
  ]);
  const attempts = await store.listAttempts(runId);
  assert.deepEqual(attempts.map((a) => [a.taskId, a.status]), [
    ["first", "success"],
    ["second", "interrupted"],
  ]);
  // Output written before the kill survives.
  const log = await Deno.readTextFile(`${store.logsDir}/${runId}/second.1.log`);
  assert.equal(log, "O before the kill\n");
  assert.deepEqual(await store.findRunning(), []);
  store.close();

  // Recovery is done once; opening again changes nothing.
  const again: string[] = [];
  const store2 = await openStore(home, { onRecovered: (run) => again.push(run.id) });
  assert.deepEqual(again, []);
  store2.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run whose process is alive is left running", async () => {
  const dir = testTempDir("weft_alive_");
  const home = `${dir}/home`;
  const runId = fakeRunId();
  const child = await startChild(home, runId);
  try {
    const store = await openStore(home);
    assert.equal((await store.findRun(runId))?.status, "running");
    assert.deepEqual((await store.findRunning()).map((r) => r.id), [runId]);
    store.close();
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
  await Deno.remove(dir, { recursive: true });
});

procTest("pid reuse: a live pid that started at another time is not our process", async () => {
  const ticks = processStartTicks(Deno.pid)!;
  assert.equal(await isProcessAlive(Deno.pid, ticks), true);
  assert.equal(await isProcessAlive(Deno.pid, ticks + 12345), false);
  assert.equal(await isProcessAlive(Deno.pid, null), true);

  const store = new MemoryRunStore();
  const recycled = fakeRunId();
  const ours = fakeRunId();
  await store.createRun(runInfo({ id: recycled, pid: Deno.pid }), [pendingTask("a")], {
    pidStartTicks: ticks + 12345,
  });
  await store.createRun(runInfo({ id: ours, pid: Deno.pid }), [pendingTask("a")], {
    pidStartTicks: ticks,
  });
  const recovered = await recoverInterrupted(store, Deno.hostname());
  assert.deepEqual(recovered.map((r) => r.id), [recycled]);
  assert.equal((await store.findRun(recycled))?.status, "interrupted");
  assert.equal((await store.findRun(ours))?.status, "running");
});

Deno.test("runs of other hosts are never touched; a gone pid on this host is", async () => {
  const store = new MemoryRunStore();
  const elsewhere = fakeRunId();
  const here = fakeRunId();
  // A pid that cannot exist (above Linux's pid_max).
  const deadPid = 2 ** 22 + 7;
  await store.createRun(runInfo({ id: elsewhere, pid: deadPid, host: "other-host.example" }), []);
  await store.createRun(runInfo({ id: here, pid: deadPid }), []);
  assert.equal(await isProcessAlive(deadPid, null), false);
  const recovered = await recoverInterrupted(store, Deno.hostname());
  assert.deepEqual(recovered.map((r) => r.id), [here]);
  assert.equal((await store.findRun(elsewhere))?.status, "running");
});

Deno.test("recovery given the running runs opening read (running option) reads them not again", async () => {
  const store = new MemoryRunStore();
  const deadPid = 2 ** 22 + 9; // above Linux's pid_max: no such process
  const crashed = fakeRunId();
  const endedSince = fakeRunId();
  await store.createRun(runInfo({ id: crashed, pid: deadPid }), []);
  await store.createRun(runInfo({ id: endedSince, pid: deadPid }), []);
  const running = await store.findRunning();
  // Between that read and recovery, one of them was finished (by its own process).
  const report = {
    id: endedSince,
    workflow: "test",
    status: "success" as const,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: 1,
    tasks: [],
  };
  await store.finishRun(report);
  let reads = 0;
  const findRunning = store.findRunning.bind(store);
  store.findRunning = () => (reads++, findRunning());
  const recovered = await recoverInterrupted(store, Deno.hostname(), { running });
  assert.equal(reads, 0, "the list it was given is not read again");
  assert.deepEqual(recovered.map((r) => r.id), [crashed]);
  assert.equal((await store.findRun(crashed))?.status, "interrupted");
  assert.equal((await store.findRun(endedSince))?.status, "success", "an ended run stays ended");
});

/** Starts `sh -c script` as the leader of a new session (pid = process group id). */
function startGroup(script: string): Deno.ChildProcess {
  return new Deno.Command("setsid", { args: ["sh", "-c", script], stdout: "null" }).spawn();
}

async function crashedRunWith(store: MemoryRunStore, groups: ProcessRecord[]): Promise<string> {
  const id = groups[0].runId;
  // A weft pid that cannot exist (above Linux's pid_max): the run's process is gone.
  await store.createRun(runInfo({ id, pid: 2 ** 22 + 11 }), [pendingTask("a")]);
  await store.writeRecords({
    tasks: [],
    attempts: [],
    processes: groups.map((process) => ({ process, running: true })),
  });
  return id;
}

function group(runId: string, pid: number, startTicks: number | null): ProcessRecord {
  return { runId, taskId: "a", attempt: 1, pid, startTicks, startedAt: new Date().toISOString() };
}

/** A store another weft beats to marking a run interrupted (two commands recovering at once). */
class RacedStore extends MemoryRunStore {
  override async markInterrupted(
    ...args: Parameters<MemoryRunStore["markInterrupted"]>
  ): Promise<boolean> {
    assert.equal(await super.markInterrupted(...args), true, "the other weft marks it");
    return super.markInterrupted(...args);
  }
}

procTest(
  "two recoveries at once: the one that ended the groups says so, though the other marked the run",
  async () => {
    const child = startGroup("sleep 300 & wait");
    try {
      await waitForGroupSize(child.pid, 2);
      const store = new RacedStore();
      const id = await crashedRunWith(store, [
        group(fakeRunId(), child.pid, processStartTicks(child.pid)),
      ]);
      const marked: string[] = [];
      const endedHere: [string, number][] = [];
      const recovered = await recoverInterrupted(store, Deno.hostname(), {
        onRecovered: (run) => marked.push(run.id),
        onEndedForOther: (run, ended) => endedHere.push([run.id, ended]),
      });
      assert.deepEqual(recovered, []);
      assert.deepEqual(marked, []);
      assert.deepEqual(endedHere, [[id, 1]]);
      assert.deepEqual(processesInGroup(child.pid), []);
      assert.equal((await store.findRun(id))?.status, "interrupted");
      // The line the CLI prints for it names what this command ended.
      const run = (await store.findRun(id))!;
      assert.equal(
        recoveryNote(run, 1, [], false),
        `weft: run ${id} (${run.workflow}) was still marked running but its process ${run.pid} is gone; another weft marked it interrupted; ended its 1 task process group still running\n`,
      );
      assert.equal(
        recoveryNote(run, 2, ["c1"], true),
        `weft: run ${id} (${run.workflow}) was still marked running but its process ${run.pid} is gone; marked interrupted and ended its 2 task process groups still running; removed its container c1\n`,
      );
    } finally {
      await killSession(child);
    }
  },
);

procTest("recovery ends the process groups a crashed run left running", async () => {
  const child = startGroup("sleep 300 & sleep 300 & wait");
  try {
    await waitForGroupSize(child.pid, 3);
    const store = new MemoryRunStore();
    const id = await crashedRunWith(store, [
      group(fakeRunId(), child.pid, processStartTicks(child.pid)),
    ]);
    await assertRecoversGroup(store, child, id);
    assert.deepEqual(await store.listProcesses(id), []);
  } finally {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch { /* already gone, as it should be */ }
  }
});

procTest("recovery ends what is left of a group whose leader is gone", async () => {
  const child = startGroup("sleep 300 & sleep 0.2; echo");
  const ticks = processStartTicks(child.pid);
  await waitForGroupSize(child.pid, 2);
  await child.status; // the leader exits; its background sleep stays in the group
  assert.equal(processesInGroup(child.pid).length, 1);
  const store = new MemoryRunStore();
  await crashedRunWith(store, [group(fakeRunId(), child.pid, ticks)]);
  await recoverInterrupted(store, Deno.hostname());
  assert.deepEqual(processesInGroup(child.pid), []);
});

procTest(
  "a recycled pid (other start time) or an unknown start time is never signalled",
  async () => {
    const child = startGroup("sleep 300");
    try {
      await waitForGroupSize(child.pid, 1);
      const real = processStartTicks(child.pid)!;
      const store = new MemoryRunStore();
      const runId = fakeRunId();
      await crashedRunWith(store, [group(runId, child.pid, real + 1)]);
      const other = fakeRunId();
      await crashedRunWith(store, [group(other, child.pid, null)]);
      const ended: number[] = [];
      const recovered = await recoverInterrupted(store, Deno.hostname(), {
        onRecovered: (_, n) => ended.push(n),
      });
      assert.deepEqual(recovered.map((r) => r.id).sort(), [runId, other].sort());
      assert.deepEqual(ended, [0, 0]);
      assert.ok(processesInGroup(child.pid).includes(child.pid), "the stranger still runs");
      assert.equal(isOurGroupAlive(child.pid, real), true);
      assert.equal(isOurGroupAlive(child.pid, real + 1), false);
    } finally {
      Deno.kill(-child.pid, "SIGKILL");
      await child.status;
    }
  },
);
