/**
 * How a task record is kept, and assembling a run's details from stored tasks. Shared
 * by the KV and memory stores.
 * @module
 */
import type { TaskReason, TaskRecord } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { RunDetails, RunRecord } from "./run_store.ts";
import { interruptedTask, withLoopCounts } from "./records.ts";

/** A task record with what the store adds to it. */
export interface StoredTask {
  /** Position in the engine's announcement (run_started); later tasks get larger numbers. */
  seq: number;
  /** Hash of the task's definition when the run started (resume safety), if known. */
  hash: string | null;
  /** Output keys whose values were cut to keep the record small. */
  truncated: string[];
  task: TaskRecord;
}

let lastLateSeq = 0;

/**
 * The seq of a task first recorded after the run started (a loop iteration): after
 * every announced task (those count from 0), and strictly increasing within the
 * process, so iterations recorded in one millisecond keep the order they started in.
 */
export function lateSeq(): number {
  lastLateSeq = Math.max(Date.now(), lastLateSeq + 1);
  return lastLateSeq;
}

/** A run's details from its record and stored tasks (any order). */
export function orderTasks(run: RunRecord, stored: StoredTask[]): RunDetails {
  // A loop's iterations (`LOOP[key]`, recorded as they run, so with later seqs) follow
  // their loop; `[` is never in a task id, so the part before it names the loop.
  const seqOf = new Map(stored.map((s) => [s.task.id, s.seq]));
  const place = (s: StoredTask): [number, number] => {
    const cut = s.task.id.indexOf("[");
    const loopSeq = cut > 0 ? seqOf.get(s.task.id.slice(0, cut)) : undefined;
    return loopSeq === undefined ? [s.seq, -Infinity] : [loopSeq, s.seq];
  };
  const sorted = stored.map((s) => ({ s, at: place(s) }))
    .sort((a, b) =>
      a.at[0] - b.at[0] || a.at[1] - b.at[1] || a.s.task.id.localeCompare(b.s.task.id)
    )
    .map(({ s }) => s);
  const taskHashes: Record<string, string> = {};
  const truncatedOutputs: Record<string, string[]> = {};
  for (const s of sorted) {
    if (s.hash) taskHashes[s.task.id] = s.hash;
    if (s.truncated.length) truncatedOutputs[s.task.id] = s.truncated;
  }
  const settled = settleTasks(run, sorted.map((s) => s.task));
  return {
    run,
    tasks: settled.tasks,
    taskHashes,
    truncatedOutputs,
    unrecordedTasks: { ...recoveredTasks(settled.tasks), ...settled.unrecorded },
  };
}

/** Why a task's final record was rebuilt after its weft process died (reason `crash`). */
export const CRASH_UNRECORDED = "weft stopped before recording the task's end";

/**
 * Why, for a task that made no attempt: weft stopped before it got to it (a resumed run's
 * kept iteration it had not reached yet is one: it never ran there, `weft logs` follows
 * it back to the run that ran it).
 */
export const CRASH_NEVER_STARTED = "weft stopped before the task started";

/**
 * Why a task's final record was rebuilt after a crash: {@link CRASH_UNRECORDED}, or
 * {@link CRASH_NEVER_STARTED} for one that made no attempt.
 */
export function crashUnrecorded(task: { attempts: number }): string {
  return task.attempts === 0 ? CRASH_NEVER_STARTED : CRASH_UNRECORDED;
}

/**
 * The tasks of a crashed run whose final records crash recovery wrote in their place
 * (RunStore.markInterrupted: `interrupted`, reason `crash`), each with why: as
 * {@link settleTasks} names those it derives on reading, so a recovered run says the same
 * as one read before its recovery (dead_runs.ts).
 */
function recoveredTasks(tasks: TaskRecord[]): Record<string, string> {
  const rebuilt: Record<string, string> = {};
  for (const task of tasks) {
    if (task.status === "interrupted" && task.reason === "crash") {
      rebuilt[task.id] = crashUnrecorded(task);
    }
  }
  return rebuilt;
}

/** What {@link settleTasks} gives: the tasks as shown, and which of them are derived. */
export interface Settled {
  tasks: TaskRecord[];
  /** taskId → why its final record is missing (RunDetails.unrecordedTasks). */
  unrecorded: Record<string, string>;
}

/**
 * The tasks as a finished run shows them. A run finished on a full disk may lack some
 * of its tasks' final records (kv.ts `finishRun` writes the run record first there):
 * such a task, still pending or running in the store under a run that is not, takes
 * its final state from the run's summary when it has one, else is shown `interrupted`
 * with `reason` (`fault`: its end was not recorded, the run's `error` says why; a dead
 * run's view, dead_runs.ts, passes `crash`), never as still going. Each such task is
 * named in `unrecorded` with why: its state is derived, its outputs and exit code are
 * not known (so --resume must not keep it, resume.ts `resumedTasks`).
 */
export function settleTasks(
  run: RunRecord,
  tasks: TaskRecord[],
  reason: TaskReason = "fault",
): Settled {
  const unrecorded: Record<string, string> = {};
  if (run.status === "running") return { tasks, unrecorded };
  const unfinished = (t: TaskRecord) => t.status === "pending" || t.status === "running";
  if (!tasks.some(unfinished)) return { tasks, unrecorded };
  // Only a full disk (full_disk.ts) finishes a run before its task records; a dead
  // run's tasks lost theirs with the process.
  const why = (task: TaskRecord) =>
    reason === "crash" ? crashUnrecorded(task) : "the disk was full";
  const summary = new Map((run.summary ?? []).map((s) => [s.id, s]));
  const shown = tasks.map((task) => {
    if (!unfinished(task)) return task;
    unrecorded[task.id] = why(task);
    const known = summary.get(task.id);
    return known && known.status !== "pending" && known.status !== "running"
      ? { ...task, status: known.status, durationMs: known.durationMs, reason: task.reason }
      : interruptedTask(task, reason);
  });
  // A loop's outputs are counted from its iterations, as recovery writes them.
  return { tasks: withLoopCounts(shown), unrecorded };
}

/** The user-facing error for an id (prefix) that matches no run, or several. */
export function lookupError(idOrPrefix: string, matches: RunRecord[]): WeftError {
  if (matches.length === 0) {
    return new WeftError(`no run with id ${JSON.stringify(idOrPrefix)}`, {
      hint: "list recent runs with `weft history`; check --home / WEFT_HOME",
      exitCode: ExitCode.Invalid,
    });
  }
  const shown = matches.slice(0, 10).map((r) => `${r.id} (${r.workflow}, ${r.status})`);
  const more = matches.length > 10 ? ", …" : "";
  return new WeftError(
    `run id prefix ${JSON.stringify(idOrPrefix)} is ambiguous: it matches ${
      shown.join(", ")
    }${more}`,
    { hint: "give more characters of the id", exitCode: ExitCode.Invalid },
  );
}
