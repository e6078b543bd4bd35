/**
 * What a running run leaves in the store so that a crash can be told truthfully and
 * cleaned up: heartbeats (the last sign of life) and the process groups it started.
 * Run against both stores, and through the recorder from engine events.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { Heartbeats, PAUSE_CHECK_MS } from "../src/store/heartbeat.ts";
import { KvRunStore } from "../src/store/kv.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { processStartTicks } from "../src/store/recovery.ts";
import type { ProcessRecord, RunStore } from "../src/store/run_store.ts";
import { fakeRunId, pendingTask, runEvents, runInfo } from "./fixtures/history/events.ts";

const stores: Record<string, () => Promise<{ store: RunStore; dir: string }>> = {
  kv: async () => {
    const dir = testTempDir("weft_beat_");
    return { store: await KvRunStore.open(`${dir}/weft.kv`, `${dir}/logs`), dir };
  },
  memory: () => Promise.resolve({ store: new MemoryRunStore(), dir: testTempDir() }),
};

function proc(runId: string, taskId: string, pid: number): ProcessRecord {
  return { runId, taskId, attempt: 1, pid, startTicks: 42, startedAt: new Date().toISOString() };
}

for (const [name, open] of Object.entries(stores)) {
  const test = (title: string, fn: (store: RunStore) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const { store, dir } = await open();
      try {
        await fn(store);
      } finally {
        store.close();
        await Deno.remove(dir, { recursive: true });
      }
    });

  test("an interrupted run ends at its last heartbeat, duration unknown", async (store) => {
    const id = fakeRunId();
    const startedAt = "2026-01-10T12:00:00.000Z";
    await store.createRun(runInfo({ id, startedAt, pid: 2 ** 22 + 3 }), [pendingTask("a")]);
    await store.heartbeat(id, "2026-01-10T12:00:05.000Z");
    await store.heartbeat(id, "2026-01-10T12:00:10.000Z");
    assert.equal(await store.markInterrupted(id), true);
    const run = await store.findRun(id);
    assert.equal(run?.finishedAt, "2026-01-10T12:00:10.000Z");
    assert.equal(run?.durationMs, null);
  });

  test("process records live from start to end of their group", async (store) => {
    const id = fakeRunId();
    await store.createRun(runInfo({ id }), [pendingTask("a"), pendingTask("b")]);
    const a = proc(id, "a", 1001), b = proc(id, "b", 1002);
    await store.writeRecords({
      tasks: [],
      attempts: [],
      processes: [{ process: a, running: true }, { process: b, running: true }],
    });
    assert.deepEqual((await store.listProcesses(id)).map((p) => p.pid).sort(), [1001, 1002]);
    await store.writeRecords({
      tasks: [],
      attempts: [],
      processes: [{ process: a, running: false }],
    });
    assert.deepEqual(await store.listProcesses(id), [b]);
    assert.equal(await store.markInterrupted(id), true);
    assert.deepEqual(await store.listProcesses(id), [], "interruption clears them");
  });

  test("a finished run keeps no heartbeat or process records", async (store) => {
    const id = fakeRunId();
    const events = runEvents({ id, tasks: [{ id: "a" }] });
    const report = events.at(-1)!;
    assert.equal(report.type, "run_finished");
    await store.createRun(runInfo({ id }), [pendingTask("a")]);
    await store.heartbeat(id, new Date().toISOString());
    await store.writeRecords({
      tasks: [],
      attempts: [],
      processes: [{ process: proc(id, "a", 1003), running: true }],
    });
    if (report.type === "run_finished") await store.finishRun(report.report);
    assert.deepEqual(await store.listProcesses(id), []);
    assert.equal((await store.findRun(id))?.status, "success");
  });
}

Deno.test("the recorder records a process from process_started to process_exited", async () => {
  const store = new MemoryRunStore();
  const recorder = createRecorder(store, testTempDir());
  const id = fakeRunId();
  const [started] = runEvents({ id, tasks: [{ id: "a" }] });
  await recorder.listener(started);
  const at = new Date().toISOString();
  await recorder.listener({
    type: "process_started",
    runId: id,
    taskId: "a",
    attempt: 1,
    pid: Deno.pid,
    at,
  });
  await recorder.flush();
  const [recorded] = await store.listProcesses(id);
  assert.equal(recorded.pid, Deno.pid);
  // Read at spawn time from /proc/<pid>/stat field 22 (null without /proc).
  assert.equal(recorded.startTicks, processStartTicks(Deno.pid));
  await recorder.listener({
    type: "process_exited",
    runId: id,
    taskId: "a",
    attempt: 1,
    pid: Deno.pid,
    at,
  });
  await recorder.flush();
  assert.deepEqual(await store.listProcesses(id), []);
});

Deno.test("Heartbeats beat per run until stopped", async () => {
  const beats: string[] = [];
  const hb = new Heartbeats((runId) => Promise.resolve(beats.push(runId) > 0), 5);
  hb.start("r1");
  hb.start("r1"); // no second timer
  while (beats.length < 3) await new Promise((r) => setTimeout(r, 5));
  hb.stop("r1");
  const count = beats.length;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(beats.length, count, "no beat after stop");
  assert.ok(beats.every((b) => b === "r1"));
});

Deno.test("Heartbeats.confirm: nothing to wait for while beats are taken, a beat first after a pause", async () => {
  let clock = 1_000_000;
  const beats: [string, number][] = [];
  let take = true;
  const hb = new Heartbeats(
    (runId, at) => {
      beats.push([runId, at.getTime()]);
      return Promise.resolve(take);
    },
    3_600_000,
    () => clock,
  );
  assert.equal(hb.confirm("r1"), undefined, "a run not beating: nothing to confirm");
  hb.start("r1");
  clock += PAUSE_CHECK_MS - 1;
  assert.equal(hb.confirm("r1"), undefined, "within two beats of its start");
  clock += 1; // paused past two beats (SIGSTOP): the store is asked first
  await hb.confirm("r1");
  assert.deepEqual(beats, [["r1", clock]]);
  assert.equal(hb.confirm("r1"), undefined, "that beat was taken");
  clock += PAUSE_CHECK_MS;
  take = false; // refused (the run marked interrupted elsewhere): asked again next time
  await hb.confirm("r1");
  assert.notEqual(hb.confirm("r1"), undefined);
  hb.stop("r1");
  assert.equal(hb.confirm("r1"), undefined, "stopped");
});
