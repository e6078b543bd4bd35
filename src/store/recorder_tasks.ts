/**
 * What the recorder (recorder.ts) last queued for each task of each run it records: the
 * task's record and its current attempt's record, updated at each task event so that the
 * next write builds on them, and so that the run's final report need not write again
 * what is already queued (unchanged.ts).
 * @module
 */
import { type EngineEvent, pendingTaskRecord, type TaskRecord } from "../engine/events.ts";
import { logFilePath } from "./log_files.ts";
import { attemptReason, emptyAttempt } from "./records.ts";
import type { AttemptRecord } from "./run_store.ts";
import { elapsedMs } from "../elapsed.ts";

/** One task's records as last queued. */
export interface TaskState {
  record: TaskRecord;
  attempt: AttemptRecord | null;
  /**
   * True when the current attempt ended announcing a retry: a task that then ends without
   * another attempt was stopped in its back-off, and that attempt's reason stays its own.
   */
  retrying?: boolean;
}

type Event<T extends EngineEvent["type"]> = Extract<EngineEvent, { type: T }>;

/** The task states of the runs being recorded. */
export class RecordedTasks {
  /**
   * runId → taskId → state. Nested, not one map keyed by a joined string: ids are the
   * engine's own strings, whose hashes are kept, where a joined key is a new string
   * to build and hash at each of a task's events.
   */
  readonly #runs = new Map<string, Map<string, TaskState>>();

  /** The run starts with `tasks` (pending), as the engine announced them. */
  announce(runId: string, tasks: readonly TaskRecord[]): void {
    const states = this.#runs.get(runId) ?? new Map<string, TaskState>();
    for (const task of tasks) states.set(task.id, { record: task, attempt: null });
    this.#runs.set(runId, states);
  }

  /** A task's attempt started: its task record is running, with a fresh attempt record. */
  started(event: Event<"task_started">): { record: TaskRecord; attempt: AttemptRecord } {
    const state = this.state(event.runId, event.taskId);
    const record: TaskRecord = {
      ...state.record,
      status: "running",
      attempts: event.attempt,
      startedAt: state.record.startedAt ?? event.at,
      finishedAt: null,
      durationMs: null,
    };
    const attempt: AttemptRecord = {
      runId: event.runId,
      taskId: event.taskId,
      attempt: event.attempt,
      status: "running",
      exitCode: null,
      reason: null,
      error: null,
      startedAt: event.at,
      finishedAt: null,
      durationMs: null,
      outputs: {},
      logPath: logFilePath(event.runId, event.taskId, event.attempt),
      logBytes: 0,
    };
    state.record = record;
    state.attempt = attempt;
    return { record, attempt };
  }

  /**
   * An attempt ended: its record, with its status, reason and times (its log's path and
   * size are set by the caller once its log is closed, see recorder.ts).
   */
  attemptFinished(event: Event<"attempt_finished">): AttemptRecord {
    const state = this.state(event.runId, event.taskId);
    const attempt: AttemptRecord = {
      ...(state.attempt ?? emptyAttempt(event.runId, event.taskId, event.attempt)),
      status: event.status,
      exitCode: event.exitCode,
      error: event.error,
      reason: attemptReason(event.status, event.exitCode, event.error),
      startedAt: event.startedAt,
      finishedAt: event.finishedAt,
      durationMs: elapsedMs(event.startedAt, event.finishedAt),
    };
    state.attempt = attempt;
    state.retrying = event.retryInMs !== null;
    return attempt;
  }

  /**
   * taskId → the state of each task of `runId` (the recorder's writes still queued update
   * them: read once they are done).
   */
  states(runId: string): ReadonlyMap<string, TaskState> {
    return new Map(this.#runs.get(runId) ?? []);
  }

  /** The run ended: forgets it, giving taskId → the task record last queued. */
  take(runId: string): Map<string, TaskRecord> {
    const queued = new Map<string, TaskRecord>();
    for (const [taskId, state] of this.#runs.get(runId) ?? []) {
      queued.set(taskId, state.record);
    }
    this.#runs.delete(runId);
    return queued;
  }

  /** The state of a task, made pending when the engine did not announce it. */
  state(runId: string, taskId: string): TaskState {
    let states = this.#runs.get(runId);
    if (!states) this.#runs.set(runId, states = new Map());
    let state = states.get(taskId);
    if (!state) {
      // A task the engine did not announce at run_started (e.g. a nested one).
      state = { record: pendingTaskRecord(taskId), attempt: null };
      states.set(taskId, state);
    }
    return state;
  }
}
