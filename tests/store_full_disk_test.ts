/**
 * store/full_disk.ts (a run's final record first on a full disk) and stored_task.ts
 * `settleTasks` (how a finished run shows task records that missed their final write).
 */
import assert from "node:assert/strict";
import { pendingTaskRecord, type RunReport, type TaskRecord } from "../src/engine/events.ts";
import {
  finishOnFullDisk,
  finishWithRoom,
  FULL_DISK_BATCH,
  unrecordedReport,
} from "../src/store/full_disk.ts";
import type { Mutation } from "../src/store/kv_io.ts";
import type { RunRecord } from "../src/store/run_store.ts";
import { settleTasks } from "../src/store/stored_task.ts";

/** SQLite's words for a full disk, as Deno KV passes them on. */
const full = () => new Error("database or disk is full");

const writes: Mutation[] = Array.from({ length: 40 }, (_, i) => ({ key: ["task", "r", i] }));

Deno.test("finishOnFullDisk: the run record goes first, then batches while they fit", async () => {
  const done: string[] = [];
  let room = 2; // batches that fit
  await finishOnFullDisk(
    (withSummary) => {
      done.push(`run summary=${withSummary}`);
      return Promise.resolve();
    },
    (batch) => {
      if (room-- <= 0) return Promise.reject(full());
      done.push(`batch ${batch.length}`);
      return Promise.resolve();
    },
    writes,
  );
  assert.deepEqual(done, [
    "run summary=true",
    `batch ${FULL_DISK_BATCH}`,
    `batch ${FULL_DISK_BATCH}`,
  ]);
});

Deno.test("finishOnFullDisk: without the summary when the record with it does not fit", async () => {
  const tried: boolean[] = [];
  await finishOnFullDisk(
    (withSummary) => {
      tried.push(withSummary);
      return withSummary ? Promise.reject(full()) : Promise.resolve();
    },
    () => Promise.resolve(),
    [],
  );
  assert.deepEqual(tried, [true, false]);
});

Deno.test("finishOnFullDisk: a record that fits nowhere, or another error, is thrown", async () => {
  await assert.rejects(
    finishOnFullDisk(() => Promise.reject(full()), () => Promise.resolve(), writes),
    /database or disk is full/,
  );
  await assert.rejects(
    finishOnFullDisk(() => Promise.resolve(), () => Promise.reject(new Error("bad key")), writes),
    /bad key/,
  );
});

Deno.test("finishWithRoom: a final write met by a full disk is written again once room is freed", async () => {
  const report = { id: "r", status: "success", tasks: [pendingTaskRecord("a")] } as RunReport;
  const calls: Array<TaskRecord[] | undefined> = [];
  let room = false;
  const store = {
    finishRun: (_: RunReport, tasks?: TaskRecord[]) => {
      calls.push(tasks);
      return room ? Promise.resolve() : Promise.reject(full());
    },
  };
  let freed = 0;
  const free = () => {
    freed++;
    room = true;
    return Promise.resolve(true);
  };
  await finishWithRoom(store, report, [], free);
  assert.equal(freed, 1);
  // The second write carries every task record (undefined: the report's own).
  assert.deepEqual(calls, [[], undefined]);
  // Nothing freed (no reserve left), or another error: thrown as it is.
  room = false;
  await assert.rejects(
    finishWithRoom(store, report, [], () => Promise.resolve(false)),
    /database or disk is full/,
  );
  await assert.rejects(finishWithRoom(store, report, [], undefined), /disk is full/);
  const broken = { finishRun: () => Promise.reject(new Error("bad key")) };
  await assert.rejects(finishWithRoom(broken, report, [], free), /bad key/);
  assert.equal(freed, 1, "freeSpace only for a full disk");
});

Deno.test("finishWithRoom: a final record that does not fit whole is written again as unrecorded", async () => {
  const report = { id: "r", status: "success", tasks: [pendingTaskRecord("a")] } as RunReport;
  const calls: Array<[string, TaskRecord[] | undefined]> = [];
  const store = {
    finishRun: (r: RunReport, tasks?: TaskRecord[]) => {
      calls.push([r.status, tasks]);
      // Only the run record alone fits.
      return tasks?.length === 0 ? Promise.resolve() : Promise.reject(full());
    },
  };
  const mark = (r: RunReport, e: unknown) => unrecordedReport(r, `lost: ${(e as Error).message}`);
  await assert.rejects(
    finishWithRoom(store, report, undefined, () => Promise.resolve(true), mark),
    /disk is full/,
  );
  // The whole record, again once room was freed, then the run record alone, failed.
  assert.deepEqual(calls, [["success", undefined], ["success", undefined], ["failed", []]]);
  // A report already marked (a record was lost earlier) is not written a third time.
  calls.length = 0;
  const marked = unrecordedReport(report, "lost earlier");
  await assert.rejects(finishWithRoom(store, marked, undefined, undefined, mark), /disk is full/);
  assert.deepEqual(calls, [["failed", undefined]]);
});

Deno.test("unrecordedReport: never a success; an error of its own is kept", () => {
  const base = { id: "r", status: "success", tasks: [] } as unknown as RunReport;
  assert.deepEqual(unrecordedReport(base, "why"), { ...base, status: "failed", error: "why" });
  const failed = { ...base, status: "failed" } as RunReport;
  assert.deepEqual(unrecordedReport(failed, "why"), { ...failed, error: "why" });
  const stopped = { ...base, status: "failed", error: "task x timed out" } as RunReport;
  assert.equal(unrecordedReport(stopped, "why"), stopped);
  const cancelled = { ...base, status: "cancelled" } as RunReport;
  assert.deepEqual(unrecordedReport(cancelled, "why"), { ...cancelled, error: "why" });
});

function run(status: RunRecord["status"], summary: RunRecord["summary"]): RunRecord {
  return {
    id: "r",
    workflow: "w",
    status,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: null,
    durationMs: null,
    host: "h",
    pid: 1,
    pidStartTicks: null,
    summary,
    trigger: { type: "manual" },
  } as RunRecord;
}

Deno.test("settleTasks: a finished run's unfinished records take the summary, else interrupted", () => {
  const done: TaskRecord = { ...pendingTaskRecord("c"), status: "success" };
  const tasks = [pendingTaskRecord("a"), pendingTaskRecord("b"), done];
  const summary = [{ id: "a", status: "cancelled" as const, durationMs: 3, callback: false }];
  const shown = settleTasks(run("failed", summary), tasks).tasks;
  assert.deepEqual(shown.map((t) => [t.id, t.status]), [
    ["a", "cancelled"],
    ["b", "interrupted"],
    ["c", "success"],
  ]);
  assert.equal(shown[1].reason, "fault");
  assert.equal(settleTasks(run("failed", null), tasks, "crash").tasks[0].reason, "crash");
  // A running run's tasks are as recorded.
  assert.equal(settleTasks(run("running", null), tasks).tasks, tasks);
});

Deno.test("settleTasks names the tasks whose state it derived, with why", () => {
  const done: TaskRecord = { ...pendingTaskRecord("c"), status: "success" };
  const tasks = [pendingTaskRecord("a"), pendingTaskRecord("b"), done];
  const summary = [{ id: "a", status: "success" as const, durationMs: 3, callback: false }];
  const full = settleTasks(run("failed", summary), tasks);
  assert.equal(full.tasks[0].status, "success");
  assert.deepEqual(full.unrecorded, { a: "the disk was full", b: "the disk was full" });
  assert.deepEqual(settleTasks(run("interrupted", null), tasks, "crash").unrecorded, {
    // They made no attempt: never started, not ended unrecorded.
    a: "weft stopped before the task started",
    b: "weft stopped before the task started",
  });
  const ran = tasks.map((t) => ({ ...t, status: "running" as const, attempts: 1 }));
  assert.deepEqual(settleTasks(run("interrupted", null), ran, "crash").unrecorded, {
    a: "weft stopped before recording the task's end",
    b: "weft stopped before recording the task's end",
    c: "weft stopped before recording the task's end",
  });
  assert.deepEqual(settleTasks(run("running", null), tasks).unrecorded, {});
  assert.deepEqual(settleTasks(run("failed", summary), [done]).unrecorded, {});
});
