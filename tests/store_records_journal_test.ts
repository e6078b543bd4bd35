/**
 * The records journal (src/store/records_journal.ts): the write queue appends a run's
 * records there and gives them to the store in larger batches (write_queue.ts); crash
 * recovery takes what it still holds where the store's records are older, never undoing a
 * finished one (KV and memory stores).
 */
import assert from "node:assert/strict";
import { MemoryRunStore } from "../src/store/memory.ts";
import { openStore } from "../src/store/open.ts";
import {
  readRecordsJournal,
  RecordsJournal,
  recordsJournalPath,
} from "../src/store/records_journal.ts";
import { recoverInterrupted } from "../src/store/recovery.ts";
import type { AttemptRecord, RecordBatch, RunStore } from "../src/store/run_store.ts";
import { WriteQueue } from "../src/store/write_queue.ts";
import { emptyAttempt } from "../src/store/records.ts";
import type { TaskRecord } from "../src/engine/events.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";
import { testTempDir } from "./_tmp.ts";

function ended(id: string, status: "success" | "failed" = "success"): TaskRecord {
  const at = new Date().toISOString();
  return {
    ...pendingTask(id),
    status,
    exitCode: status === "success" ? 0 : 1,
    attempts: 1,
    startedAt: at,
    finishedAt: at,
    durationMs: 1,
  };
}

function running(id: string): TaskRecord {
  return {
    ...pendingTask(id),
    status: "running",
    attempts: 1,
    startedAt: new Date().toISOString(),
  };
}

function attemptOf(runId: string, task: TaskRecord): AttemptRecord {
  const attempt = emptyAttempt(runId, task.id, 1);
  if (task.status === "running") return attempt;
  return {
    ...attempt,
    status: task.status as AttemptRecord["status"],
    exitCode: task.exitCode,
    finishedAt: task.finishedAt,
    durationMs: 1,
  };
}

/** Waits until `store` got a batch, looking every `stepMs` ms, 200 times at most. */
async function untilWritten(store: { batches: unknown[] }, stepMs: number): Promise<void> {
  for (let i = 0; i < 200 && store.batches.length === 0; i++) {
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

Deno.test("records journal: appended records read back, the last of each key; a cut line is skipped", async () => {
  const logs = await testTempDir();
  const runId = fakeRunId();
  const journal = RecordsJournal.open(logs, runId)!;
  assert.ok(journal.append([running("a")], [attemptOf(runId, running("a"))]));
  assert.ok(journal.append([ended("a"), running("b")], [attemptOf(runId, ended("a"))]));
  const path = recordsJournalPath(logs, runId);
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  // A crash in the middle of a write leaves the last line cut.
  Deno.writeTextFileSync(path, '{"task":{"id":"c","sta', { append: true });
  const read = (await readRecordsJournal(logs, runId))!;
  assert.deepEqual([...read.tasks.keys()], ["a", "b"]);
  assert.equal(read.tasks.get("a")!.status, "success");
  assert.equal([...read.attempts.values()].length, 1);
  assert.equal([...read.attempts.values()][0].status, "success");

  journal.committed();
  assert.equal(await readRecordsJournal(logs, runId), null, "emptied once the store has them");
  assert.ok(journal.append([ended("b")], []), "appends go on after it was emptied");
  assert.equal((await readRecordsJournal(logs, runId))!.tasks.get("b")!.status, "success");
  journal.close(true);
  assert.equal(await readRecordsJournal(logs, runId), null);
  assert.throws(() => Deno.statSync(path.slice(0, path.lastIndexOf("/"))), Deno.errors.NotFound);
});

Deno.test("records journal: none where the run's log folder cannot be made", async () => {
  const dir = await testTempDir();
  Deno.writeTextFileSync(`${dir}/logs`, "a file, not a folder");
  assert.equal(RecordsJournal.open(`${dir}/logs`, fakeRunId()), null);
});

/** A memory store that keeps every batch it was given, in order. */
class BatchLog extends MemoryRunStore {
  readonly batches: RecordBatch[] = [];
  override writeRecords(batch: RecordBatch): Promise<void> {
    this.batches.push(batch);
    return super.writeRecords(batch);
  }
}

Deno.test("write queue: journaled records reach the store after the store window, not per batch", async () => {
  const logs = await testTempDir();
  const store = new BatchLog(logs);
  const runId = fakeRunId();
  await store.createRun(runInfo({ id: runId }), [pendingTask("a"), pendingTask("b")]);
  const journal = RecordsJournal.open(logs, runId)!;
  // A record window of 0 (each batch at once) and a store window no test waits out.
  const queue = new WriteQueue(store, () => {}, () => null, 0, () => journal, 60_000);
  await queue.records((b) => b.task(runId, running("a")));
  await queue.records((b) => b.task(runId, ended("a")));
  assert.equal(store.batches.length, 0, "nothing written to the store yet");
  assert.equal((await readRecordsJournal(logs, runId))!.tasks.get("a")!.status, "success");

  // A barrier (a run's end, a heartbeat) writes what is held first, in one batch.
  let seen: string | undefined;
  await queue.barrier(async () => {
    seen = (await store.getRun(runId)).tasks.find((t) => t.id === "a")?.status;
  });
  assert.equal(seen, "success");
  assert.equal(store.batches.length, 1);
  assert.deepEqual(store.batches[0].tasks.map((t) => t.task.status), ["success"]);
  assert.equal(await readRecordsJournal(logs, runId), null, "emptied once the store has them");

  await queue.records((b) => b.task(runId, ended("b")));
  assert.equal(store.batches.length, 1);
  await queue.idle();
  assert.equal(store.batches.length, 2, "idle() writes what is held");
  journal.close(true);
});

Deno.test("write queue: the store window's timer writes held records; a run without a journal goes at once", async () => {
  const logs = await testTempDir();
  const store = new BatchLog(logs);
  const journaled = fakeRunId();
  const plain = fakeRunId();
  await store.createRun(runInfo({ id: journaled }), [pendingTask("a")]);
  await store.createRun(runInfo({ id: plain }), [pendingTask("a")]);
  const journal = RecordsJournal.open(logs, journaled)!;
  const queue = new WriteQueue(
    store,
    () => {},
    () => null,
    0,
    (runId) => runId === journaled ? journal : null,
    20,
  );
  await queue.records((b) => b.task(journaled, ended("a")));
  assert.equal(store.batches.length, 0);
  await untilWritten(store, 10);
  assert.equal(store.batches.length, 1, "written once the store window passed");

  await queue.records((b) => b.task(plain, ended("a")));
  assert.equal(store.batches.length, 2, "no journal: written with its own batch");
  journal.close(true);
});

Deno.test("write queue: soon() brings the held records' store write forward to the record window", async () => {
  const logs = await testTempDir();
  const store = new BatchLog(logs);
  const runId = fakeRunId();
  await store.createRun(runInfo({ id: runId }), [pendingTask("a")]);
  const journal = RecordsJournal.open(logs, runId)!;
  const queue = new WriteQueue(store, () => {}, () => null, 5, () => journal, 60_000);
  // Asked before the record is even taken in (a task's first output right after its start).
  const queued = queue.records((b) => b.task(runId, running("a")));
  queue.soon();
  await queued;
  await untilWritten(store, 5);
  assert.equal(store.batches.length, 1, "in the store long before the store window");
  await queue.records((b) => b.task(runId, ended("a")));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(store.batches.length, 1, "later records wait for the store window again");
  journal.close(true);
});

/** A crashed run (its pid cannot exist) with tasks a, b, c and the store's view of them. */
async function crashedRun(store: RunStore): Promise<string> {
  const runId = fakeRunId();
  await store.createRun(runInfo({ id: runId, pid: 2 ** 22 + 13 }), [
    pendingTask("a"),
    pendingTask("b"),
    pendingTask("c"),
  ]);
  // The store had a running and b finished when weft died.
  await store.writeRecords({
    tasks: [{ runId, task: running("a") }, { runId, task: ended("b", "failed") }],
    attempts: [attemptOf(runId, running("a")), attemptOf(runId, ended("b", "failed"))],
  });
  // The journal held a's end, and an older state of b.
  const journal = RecordsJournal.open(store.logsDir, runId)!;
  journal.append([ended("a"), running("b")], [attemptOf(runId, ended("a"))]);
  journal.close(false);
  return runId;
}

async function assertRecovered(store: RunStore, runId: string): Promise<void> {
  const recovered = await recoverInterrupted(store, Deno.hostname());
  assert.deepEqual(recovered.map((r) => r.id), [runId]);
  const run = await store.getRun(runId);
  assert.equal(run.run.status, "interrupted");
  const status = Object.fromEntries(run.tasks.map((t) => [t.id, t.status]));
  assert.deepEqual(status, { a: "success", b: "failed", c: "interrupted" });
  const attempts = await store.listAttempts(runId);
  assert.deepEqual(attempts.map((a) => `${a.taskId}:${a.status}`).sort(), [
    "a:success",
    "b:failed",
  ]);
  assert.equal(await readRecordsJournal(store.logsDir, runId), null, "removed with the recovery");
}

Deno.test("recovery takes the journal's records where the KV store's are older, never undoing an end", async () => {
  const home = await testTempDir();
  const store = await openStore(home);
  try {
    const runId = await crashedRun(store);
    await assertRecovered(store, runId);
  } finally {
    store.close();
  }
});

Deno.test("recovery takes the journal's records where the memory store's are older, never undoing an end", async () => {
  const store = new MemoryRunStore(await testTempDir());
  await assertRecovered(store, await crashedRun(store));
});
