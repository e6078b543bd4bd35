/**
 * The recorder's write queue: record updates wait a short window for company and go out
 * as one atomic write; a process group's start is written at once; a group's start time
 * is read only if the group is still there when its batch is written.
 */
import assert from "node:assert/strict";
import { MemoryRunStore } from "../src/store/memory.ts";
import type { ProcessRecord, RecordBatch } from "../src/store/run_store.ts";
import {
  type PendingProcess,
  type StartTicksReader,
  WriteQueue,
} from "../src/store/write_queue.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { processStartTicks } from "../src/store/recovery.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";
import type { TaskRecord } from "../src/engine/events.ts";
import { emptyAttempt } from "../src/store/records.ts";
import { testTempDir } from "./_tmp.ts";

/** A memory store that keeps every batch it was given, in order. */
class BatchLog extends MemoryRunStore {
  readonly batches: RecordBatch[] = [];
  override writeRecords(batch: RecordBatch): Promise<void> {
    this.batches.push(batch);
    return super.writeRecords(batch);
  }
}

function proc(runId: string, pid: number): PendingProcess {
  return { runId, taskId: "a", attempt: 1, pid, startedAt: new Date().toISOString() };
}

async function withRun(fn: (store: BatchLog, runId: string) => Promise<void>): Promise<void> {
  const store = new BatchLog();
  const runId = fakeRunId();
  await store.createRun(runInfo({ id: runId }), []);
  await fn(store, runId);
}

Deno.test("records queued in one turn go out as one write", async () => {
  await withRun(async (store, runId) => {
    const queue = new WriteQueue(store);
    const writes = [1, 2, 3].map((n) =>
      queue.records((b) => b.process({ ...proc(runId, 100 + n), startTicks: n }, true))
    );
    await Promise.all(writes);
    assert.equal(store.batches.length, 1);
    assert.deepEqual((await store.listProcesses(runId)).map((p) => p.pid).sort(), [101, 102, 103]);
  });
});

Deno.test("an urgent record is written at once, taking along what waits", async () => {
  await withRun(async (store, runId) => {
    const queue = new WriteQueue(store);
    const first = queue.records((b) => b.process({ ...proc(runId, 201), startTicks: 1 }, true));
    const urgent = queue.records(
      (b) => b.process({ ...proc(runId, 202), startTicks: 2 }, true),
      true,
    );
    await Promise.all([first, urgent]);
    assert.equal(store.batches.length, 1, "one write for both");
    assert.equal((await store.listProcesses(runId)).length, 2);
  });
});

Deno.test("start ticks: read when the batch is built; a group gone by then is not written", async () => {
  await withRun(async (store, runId) => {
    const read: number[] = [];
    const ticks: StartTicksReader = (pid) => {
      read.push(pid);
      return pid === 301 ? 4242 : "gone";
    };
    const queue = new WriteQueue(store, () => {}, ticks);
    await Promise.all([
      queue.records((b) => b.process(proc(runId, 301), true)), // still running
      queue.records((b) => b.process(proc(runId, 302), true)), // reaped already
      queue.records((b) => b.process(proc(runId, 303), true)), // started and ended...
      queue.records((b) => b.process({ ...proc(runId, 303), startTicks: null }, false)),
    ]);
    assert.deepEqual(read.sort(), [301, 302], "no read for a group that ended in the batch");
    const written: ProcessRecord[] = await store.listProcesses(runId);
    assert.deepEqual(written.map((p) => [p.pid, p.startTicks]), [[301, 4242]]);
  });
});

Deno.test("recorder: a live child's group is recorded with its real start time", async () => {
  const store = new MemoryRunStore();
  const recorder = createRecorder(store, testTempDir("logs-"));
  const runId = fakeRunId();
  const child = new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" })
    .spawn();
  try {
    const at = new Date().toISOString();
    recorder.listener({ type: "run_started", run: runInfo({ id: runId }), tasks: [] });
    recorder.listener({
      type: "process_started",
      runId,
      taskId: "a",
      attempt: 1,
      pid: child.pid,
      at,
    });
    // A pid no process has (pid_max is at most 2^22): as if reaped before the write.
    recorder.listener({
      type: "process_started",
      runId,
      taskId: "b",
      attempt: 1,
      pid: 4_194_999,
      at,
    });
    await recorder.flush();
    const written = await store.listProcesses(runId);
    assert.deepEqual(written.map((p) => p.pid), [child.pid]);
    assert.equal(written[0].startTicks, processStartTicks(child.pid));
    assert.ok(written[0].startTicks !== null, "this machine has /proc");
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
});

/** A BatchLog whose first write waits until `release` is called. */
class GatedLog extends BatchLog {
  readonly #gate = Promise.withResolvers<void>();
  release = () => this.#gate.resolve();
  override async writeRecords(batch: RecordBatch): Promise<void> {
    if (this.batches.length === 0) await this.#gate.promise;
    return await super.writeRecords(batch);
  }
}

function taskRecord(id: string, status: "running" | "success"): TaskRecord {
  return { ...pendingTask(id), status, attempts: 1 };
}

Deno.test("records that pile up behind a write wait out their window: one write with later ones", async () => {
  const store = new GatedLog();
  const runId = fakeRunId();
  await store.createRun(runInfo({ id: runId }), [pendingTask("a"), pendingTask("b")]);
  // A long window: what is asserted cannot depend on the machine's speed.
  const queue = new WriteQueue(store, () => {}, () => null, 60_000);
  const first = queue.records((b) => b.task(runId, taskRecord("a", "running")), true);
  const started = queue.records((b) => b.task(runId, taskRecord("b", "running")));
  store.release();
  await first;
  // b's running state still waits: its end, arriving within its window, replaces it.
  const ended = queue.records((b) => b.task(runId, taskRecord("b", "success")));
  // Something urgent takes along what waits, at once (no 60 s wait).
  const urgent = queue.records((b) => b.task(runId, taskRecord("a", "success")), true);
  await Promise.all([started, ended, urgent]);
  assert.deepEqual(
    store.batches.map((batch) => batch.tasks.map(({ task }) => `${task.id}:${task.status}`)),
    [["a:running"], ["b:success", "a:success"]],
  );
});

Deno.test("a later record of a key wins within a batch; each key is written once", async () => {
  await withRun(async (store, runId) => {
    const queue = new WriteQueue(store);
    const attempt = (status: "running" | "success", n = 1) => ({
      ...emptyAttempt(runId, "a", n),
      status,
    });
    await Promise.all([
      queue.records((b) => {
        b.task(runId, taskRecord("a", "running"));
        b.attempt(attempt("running"));
      }),
      queue.records((b) => {
        b.attempt(attempt("success"));
        b.attempt(attempt("running", 2));
        b.task(runId, taskRecord("a", "success"));
      }),
    ]);
    assert.equal(store.batches.length, 1);
    const [batch] = store.batches;
    assert.deepEqual(batch.tasks.map(({ task }) => task.status), ["success"]);
    assert.deepEqual(
      batch.attempts.map((a) => [a.attempt, a.status]),
      [[1, "success"], [2, "running"]],
    );
  });
});

Deno.test("many records piled up behind a write go out in order, an urgent one among them at once", async () => {
  const store = new GatedLog();
  const runId = fakeRunId();
  const ids = Array.from({ length: 5000 }, (_, i) => `t${i}`);
  await store.createRun(runInfo({ id: runId }), ids.map(pendingTask));
  const queue = new WriteQueue(store, () => {}, () => null, 60_000);
  const first = queue.records((b) => b.task(runId, taskRecord("t0", "running")), true);
  // Queued while the first write is held: they join one op, and go out in order.
  const waiting = ids.map((id) => queue.records((b) => b.task(runId, taskRecord(id, "success"))));
  store.release();
  await first;
  // No 60 s wait: the urgent record takes all 5,000 along in one write.
  const urgent = queue.records((b) => b.task(runId, taskRecord("t1", "success")), true);
  await Promise.all([...waiting, urgent]);
  assert.equal(store.batches.length, 2);
  assert.deepEqual(
    store.batches[1].tasks.map(({ task }) => task.id),
    ids,
    "each key once, in order",
  );
});

Deno.test("records queued one after another share one op: one promise, fills run in order", async () => {
  const store = new GatedLog();
  const runId = fakeRunId();
  await store.createRun(runInfo({ id: runId }), [pendingTask("a"), pendingTask("b")]);
  const queue = new WriteQueue(store, () => {}, () => null, 60_000);
  const first = queue.records((b) => b.task(runId, taskRecord("a", "running")), true);
  const order: string[] = [];
  // Queued while the first write is held: a synchronous fill, an async one, a synchronous one.
  const second = queue.records((b) => {
    order.push("sync 1");
    b.task(runId, taskRecord("b", "running"));
  });
  const third = queue.records(async (b) => {
    await new Promise((r) => setTimeout(r, 5));
    order.push("async");
    b.task(runId, taskRecord("b", "success"));
  });
  const fourth = queue.records((b) => {
    order.push("sync 2");
    b.task(runId, taskRecord("a", "success"));
  }, true); // urgent: no 60 s wait for the op it joins
  assert.equal(second, third);
  assert.equal(third, fourth);
  assert.notEqual(first, second, "the op taken by the write in flight is not joined");
  store.release();
  await Promise.all([first, fourth]);
  assert.deepEqual(order, ["sync 1", "async", "sync 2"]);
  assert.deepEqual(
    store.batches.map((batch) => batch.tasks.map(({ task }) => `${task.id}:${task.status}`)),
    [["a:running"], ["b:success", "a:success"]],
  );
});

Deno.test("a barrier between records keeps them apart: the later ones get their own op", async () => {
  await withRun(async (store, runId) => {
    const queue = new WriteQueue(store);
    const before = queue.records((b) => b.process({ ...proc(runId, 301), startTicks: 1 }, true));
    let barrierRan = false;
    const barrier = queue.barrier(() => {
      barrierRan = true;
      return Promise.resolve();
    });
    const after = queue.records((b) => b.process({ ...proc(runId, 302), startTicks: 2 }, true));
    assert.notEqual(before, after);
    await Promise.all([before, barrier, after]);
    assert.ok(barrierRan);
    assert.deepEqual(
      store.batches.map((batch) => batch.processes?.map(({ process }) => process.pid)),
      [[301], [302]],
    );
  });
});
