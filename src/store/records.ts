/**
 * Record rules shared by every RunStore implementation: size caps (a Deno KV value
 * holds at most 64 KiB), run summaries, filters, and what "interrupted" means for a
 * task and a run, and how an attempt record starts and why it ended.
 * @module
 */
import type { RunReport, TaskReason, TaskRecord, TaskState } from "../engine/events.ts";
import type { AttemptRecord, RunFilter, RunRecord, TaskSummary } from "./run_store.ts";

/** Most bytes kept of one output value. */
export const MAX_OUTPUT_VALUE_BYTES = 16 * 1024;
/** Most bytes kept of all of one task's outputs together. */
export const MAX_OUTPUTS_BYTES = 40 * 1024;
/** Most bytes kept of an error message. */
export const MAX_ERROR_BYTES = 4 * 1024;
/** A summary bigger than this is not stored in the run record (metrics read tasks instead). */
export const MAX_SUMMARY_BYTES = 32 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** Cuts text to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateBytes(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  return decoder.decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD+$/, "");
}

/**
 * Caps a task's outputs so its record stays far below the KV value limit. Values are
 * cut at their end; the names of cut (or, past the total budget, emptied) outputs are
 * returned so the cut is visible to `weft status`.
 */
export function capOutputs(
  outputs: Record<string, string>,
): { outputs: Record<string, string>; truncated: string[] } {
  const capped: Record<string, string> = {};
  const truncated: string[] = [];
  let budget = MAX_OUTPUTS_BYTES;
  for (const [key, value] of Object.entries(outputs)) {
    const limit = Math.max(0, Math.min(MAX_OUTPUT_VALUE_BYTES, budget - byteLength(key)));
    const kept = truncateBytes(value, limit);
    if (kept.length !== value.length) truncated.push(key);
    capped[key] = kept;
    budget -= byteLength(key) + byteLength(kept);
  }
  return { outputs: capped, truncated };
}

/**
 * Whether outputs and error are surely within every cap of {@link capOutputs} and
 * {@link capTask} (a UTF-16 unit is at most 3 UTF-8 bytes), so capping would only copy
 * them: the common case, checked without encoding or copying anything.
 */
function withinCaps(outputs: Record<string, string> | undefined, error: string | null): boolean {
  if (outputs === undefined) return false; // stored as {}: let the copy fill it in
  if (error !== null && error.length * 3 > MAX_ERROR_BYTES) return false;
  let total = 0;
  for (const key in outputs) {
    const value = outputs[key];
    if (value.length * 3 > MAX_OUTPUT_VALUE_BYTES) return false;
    total += (key.length + value.length) * 3;
    if (total > MAX_OUTPUTS_BYTES) return false;
  }
  return true;
}

/** A task record made safe to store: outputs and error capped (a copy). */
export function capTask(task: TaskRecord): { task: TaskRecord; truncated: string[] } {
  const { outputs, truncated } = capOutputs(task.outputs ?? {});
  const error = task.error === null ? null : truncateBytes(task.error, MAX_ERROR_BYTES);
  return { task: { ...task, outputs, error }, truncated };
}

/** An attempt record made safe to store (a copy). */
export function capAttempt(attempt: AttemptRecord): AttemptRecord {
  return {
    ...attempt,
    outputs: capOutputs(attempt.outputs ?? {}).outputs,
    error: attempt.error === null ? null : truncateBytes(attempt.error, MAX_ERROR_BYTES),
  };
}

/**
 * {@link capTask}, but the record itself when nothing needs capping: for a store that
 * serializes what it is given as it writes it (KV), so a copy per write is waste.
 */
export function capTaskForWrite(task: TaskRecord): { task: TaskRecord; truncated: string[] } {
  return withinCaps(task.outputs, task.error) ? { task, truncated: [] } : capTask(task);
}

/** {@link capAttempt}, but the record itself when nothing needs capping (see capTaskForWrite). */
export function capAttemptForWrite(attempt: AttemptRecord): AttemptRecord {
  return withinCaps(attempt.outputs, attempt.error) ? attempt : capAttempt(attempt);
}

/**
 * Whether a task ended without an attempt because the run stopped first — weft died
 * (`interrupted`), or a timeout or Ctrl-C stopped the run (`cancelled`, "not started"):
 * no run of that task took place, so `weft metrics` does not count one.
 */
function neverStarted(t: TaskRecord): boolean {
  return t.attempts === 0 && (t.status === "interrupted" || t.status === "cancelled");
}

/**
 * Whether a task of a resumed run was kept from the run it resumed (engine/resume.ts
 * `keptOutcome`: reason `resumed`, no attempt made here).
 */
export function isKeptTask(task: { reason?: string | null; attempts: number }): boolean {
  return task.reason === "resumed" && task.attempts === 0;
}

/**
 * The compact per-task outcome list of a run. A kept task made no attempt here: its
 * duration is the earlier run's, so none is given (status shows `-` too).
 */
export function summarize(tasks: TaskRecord[]): TaskSummary[] {
  return tasks.map((t) => {
    const kept = isKeptTask(t);
    return {
      id: t.id,
      status: t.status,
      durationMs: kept ? null : t.durationMs,
      callback: t.callback,
      ...(neverStarted(t) ? { neverStarted: true as const } : {}),
      ...(kept ? { kept: true as const } : {}),
    };
  });
}

/** The summary to keep inside the run record, or null when it would make it too big. */
export function summaryForRecord(tasks: TaskRecord[]): TaskSummary[] | null {
  const summary = summarize(tasks);
  return byteLength(JSON.stringify(summary)) <= MAX_SUMMARY_BYTES ? summary : null;
}

/** The run record after its report arrived. */
export function finishedRecord(run: RunRecord, report: RunReport): RunRecord {
  return {
    ...run,
    status: report.status,
    finishedAt: report.finishedAt,
    durationMs: report.durationMs,
    summary: summaryForRecord(report.tasks),
    ...(report.error === undefined ? {} : { error: report.error }),
  };
}

/** Whether a run passes a filter's workflow, status, parent and time conditions (not limit). */
export function matchesFilter(run: RunRecord, filter: RunFilter): boolean {
  if (filter.workflow !== undefined && run.workflow !== filter.workflow) return false;
  if (filter.status !== undefined && run.status !== filter.status) return false;
  if (filter.children === false && run.parentRunId !== undefined) return false;
  if (filter.parentRunId !== undefined && run.parentRunId !== filter.parentRunId) return false;
  return timeBound(run, filter) === "take";
}

/**
 * How far (ms) run ids may be out of start-time order. Ids carry the start time to the
 * millisecond (engine/ids.ts), but ids of earlier versions carry whole seconds and sort
 * after new ones of the same second, and another host's clock may be a little off.
 */
export const ID_ORDER_SLACK_MS = 2_000;

/**
 * What a listing does with a run given the filter's time bounds. Run ids sort by start
 * time, so walking newest first, a run older than `since` by more than the slack ends
 * the walk; walking oldest first, one newer than `before` by as much does.
 */
export function timeBound(run: RunRecord, filter: RunFilter): "take" | "skip" | "stop" {
  const started = Date.parse(run.startedAt);
  const since = filter.since?.getTime() ?? -Infinity;
  const before = filter.before?.getTime() ?? Infinity;
  if (started >= since && started < before) return "take";
  const beyond = filter.oldestFirst
    ? started >= before + ID_ORDER_SLACK_MS
    : started < since - ID_ORDER_SLACK_MS;
  return beyond ? "stop" : "skip";
}

/** Whether the run started before `time`. */
export function startedBefore(run: RunRecord, time: Date): boolean {
  return Date.parse(run.startedAt) < time.getTime();
}

/** States of a task that was not done when weft died. */
export function isUnfinished(status: TaskRecord["status"]): boolean {
  return status === "running" || status === "pending";
}

/** A task found unfinished by crash recovery. */
export function interruptedTask(task: TaskRecord, reason: TaskReason = "crash"): TaskRecord {
  // A callback nobody called reads as in a finished run: skipped, shown "not called";
  // "interrupted" would count as a failed run of it in `weft metrics`.
  if (task.callback && task.attempts === 0 && task.status === "pending") {
    return { ...task, status: "skipped", reason };
  }
  return { ...task, status: "interrupted", reason };
}

/**
 * `tasks` with each loop that a crash left unfinished (`interrupted`, no outputs) given
 * the outputs its end would have given (engine/loop.ts), counted from its iterations'
 * records (`LOOP[key]`) as a stopped loop counts them: `total` every iteration on record
 * (all are, from the loop's start), `count` those that ran — one the crash kept from
 * starting (0 attempts) is in no count, so `total` minus `count` never ran — `succeeded`
 * those that succeeded or were skipped, `failed` the others, one the crash ended while it
 * ran among them (as a stop's). Recovery does not know the workflow: an iteration allowed
 * to fail (`continue_on_error`) is counted failed. Other tasks are kept as they are.
 */
export function withLoopCounts(tasks: TaskRecord[]): TaskRecord[] {
  const crashed = (t: TaskRecord) =>
    t.type === "loop" && t.status === "interrupted" && Object.keys(t.outputs ?? {}).length === 0;
  if (!tasks.some(crashed)) return tasks;
  return tasks.map((loop) => {
    if (!crashed(loop)) return loop;
    let total = 0;
    let count = 0;
    let succeeded = 0;
    for (const task of tasks) {
      if (!task.id.startsWith(`${loop.id}[`)) continue;
      total++;
      if (neverStarted(task)) continue;
      count++;
      if (task.status === "success" || task.status === "skipped") succeeded++;
    }
    const outputs = {
      total: String(total),
      count: String(count),
      succeeded: String(succeeded),
      failed: String(count - succeeded),
    };
    return { ...loop, outputs };
  });
}

/** An attempt found unfinished by crash recovery. */
export function interruptedAttempt(attempt: AttemptRecord): AttemptRecord {
  return { ...attempt, status: "interrupted", reason: "crash" };
}

/**
 * The last moment the dead run was known alive: its last heartbeat (written every few
 * seconds while it ran, see recorder.ts) or the latest time recorded in its tasks and
 * attempts, whichever is later (never earlier than its start). Used as its finish time,
 * so a crash found days later does not inflate it.
 */
export function lastSignOfLife(
  run: RunRecord,
  tasks: TaskRecord[],
  attempts: AttemptRecord[],
  lastHeartbeat: string | null = null,
): string {
  let latest = Date.parse(run.startedAt);
  const times = [
    lastHeartbeat,
    ...tasks.flatMap((t) => [t.startedAt, t.finishedAt]),
    ...attempts.flatMap((a) => [a.startedAt, a.finishedAt]),
  ];
  for (const time of times) {
    if (time) latest = Math.max(latest, Date.parse(time));
  }
  return new Date(latest).toISOString();
}

/**
 * The run record of a run found dead: finished at its last sign of life, duration
 * unknown (null). The process died some time after that sign (up to a heartbeat
 * interval later), so no duration would be true; `finishedAt` says how long it is at
 * least known to have lived.
 */
export function interruptedRecord(
  run: RunRecord,
  tasks: TaskRecord[],
  attempts: AttemptRecord[],
  lastHeartbeat: string | null = null,
): RunRecord {
  return {
    ...run,
    status: "interrupted",
    finishedAt: lastSignOfLife(run, tasks, attempts, lastHeartbeat),
    durationMs: null,
    summary: summaryForRecord(tasks),
  };
}

/** The record of an attempt that starts now: running, no outcome or log yet. */
export function emptyAttempt(runId: string, taskId: string, attempt: number): AttemptRecord {
  return {
    runId,
    taskId,
    attempt,
    status: "running",
    exitCode: null,
    reason: null,
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    durationMs: null,
    outputs: {},
    logPath: null,
    logBytes: 0,
  };
}

/** Why an attempt ended with `status` (null for success or a skip); see AttemptRecord.reason. */
export function attemptReason(status: TaskState, exitCode: number | null, error: string | null) {
  if (status === "timed_out") return "timeout" as const;
  if (status === "cancelled") return "signal" as const;
  if (status === "failed") {
    return error && exitCode === null ? "error" as const : "exit_code" as const;
  }
  return null;
}
