/**
 * The engine's typed event stream. The engine publishes these and knows nothing of
 * who listens: the terminal renderer, the run store's recorder, notifications and
 * metrics are all subscribers.
 * @module
 */
import type { OutputStream } from "../tasks/types.ts";

/** A task's state. `interrupted` is set only by crash recovery (the weft process died). */
export type TaskState =
  | "pending"
  | "running"
  | "success"
  | "failed"
  | "timed_out"
  | "skipped"
  | "cancelled"
  | "interrupted";

/** A run's state. `cancelled`: stopped by SIGINT/SIGTERM (exit 130). */
export type RunStatus = "running" | "success" | "failed" | "cancelled" | "interrupted";

/** Why a task ended the way it did, beyond its state. */
export type TaskReason =
  | "condition" // skipped: its condition was false
  | "upstream" // skipped: a dependency failed, timed out, was cancelled or skipped upstream
  | "not_called" // skipped: a callback no task called
  | "timeout" // its own timeout fired
  | "workflow_timeout" // the whole-run timeout fired
  | "signal" // weft got SIGINT/SIGTERM
  | "exit_code" // the process exited non-zero
  | "error" // the runner could not start or failed (message in `error`)
  | "resumed" // kept from an earlier run by --resume
  | "fault" // weft stopped the run: it could not record it (the run's `error` says why)
  | "crash"; // weft died; found by recovery

/** One task's final (or current) record; also the shape inside `weft run --json`. */
export interface TaskRecord {
  id: string;
  name: string;
  type: string;
  status: TaskState;
  /** True for tasks that run only as on_success/on_failure callbacks. */
  callback: boolean;
  exitCode: number | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  reason: TaskReason | null;
  error: string | null;
  outputs: Record<string, string>;
  /**
   * Outputs that hold only part of their value, by name: why (TaskResult.cut). Absent
   * when none is: `${tasks.ID.outputs.NAME}` of one fails the reading task.
   */
  cut?: Record<string, string>;
}

/** Facts about a run known when it starts. */
export interface RunInfo {
  /** Time-sortable id (see engine/ids.ts). */
  id: string;
  workflow: string;
  /** Absolute path of the workflow file, or "-" for stdin. */
  file: string;
  /** SHA-256 of the workflow file's bytes, hex. */
  fileHash: string;
  params: Record<string, string>;
  startedAt: string;
  host: string;
  pid: number;
  /** Set when this run was started with --resume. */
  resumedFrom: string | null;
  /**
   * Set on a child run (a `workflow` task's sub-workflow): the run and task that called
   * it. Absent on other runs, and on every run recorded before sub-workflows existed.
   */
  parentRunId?: string;
  parentTaskId?: string;
  /**
   * The private folder of the run's `$WEFT_OUTPUT` files (engine/work_dir.ts), when the run
   * made it: crash recovery removes it (a run killed with -9 cannot).
   */
  workDir?: string;
  /**
   * What started the run. Absent on runs recorded before triggers were kept: read
   * those as `manual` (or `resume` when `resumedFrom` is set), see {@link triggerOf}.
   */
  trigger?: RunTrigger;
}

/** What starts a run: `weft run`, a schedule (on time, caught up, backfilled), a webhook, a file change, `--resume`. */
export type RunTriggerType =
  | "manual"
  | "schedule"
  | "catch-up"
  | "backfill"
  | "webhook"
  | "file"
  | "resume";

/** A run's trigger, kept on its record (RunInfo.trigger). */
export interface RunTrigger {
  type: RunTriggerType;
  /** For schedule fires: the logical fire time, ISO 8601 with the schedule zone's offset. */
  scheduledFor?: string;
  /** For schedule fires: the schedule's name. */
  schedule?: string;
}

/** A run's trigger, also for records written before triggers were kept. */
export function triggerOf(run: Pick<RunInfo, "trigger" | "resumedFrom">): RunTrigger {
  return run.trigger ?? { type: run.resumedFrom ? "resume" : "manual" };
}

/** The whole outcome of a run; `weft run --json` prints exactly this. */
export interface RunReport {
  id: string;
  workflow: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  tasks: TaskRecord[];
  /**
   * The workflow file as the run's record keeps it (`weft status --json`'s `file`): its
   * path, or `-` when it was read from stdin. Absent in reports built elsewhere.
   */
  file?: string;
  /**
   * Present only when weft stopped the run itself (RunHandle.fail): why, in one line,
   * e.g. "cannot write the log (/…/build.1.log): no space left on the device".
   */
  error?: string;
}

/** Output stream of a task (defined with the task runners, which produce it). */
export type { OutputStream };

/** Everything the engine tells its subscribers, in order. Times are UTC ISO strings. */
export type EngineEvent =
  | { type: "run_started"; run: RunInfo; tasks: TaskRecord[] }
  | { type: "task_started"; runId: string; taskId: string; attempt: number; at: string }
  | {
    type: "output";
    runId: string;
    taskId: string;
    attempt: number;
    stream: OutputStream;
    /** A whole line, or a piece of a line longer than 64 KiB (see the flags). */
    line: string;
    /**
     * The same line as the raw bytes the process printed, when it came from a process
     * and was not masked: stored as they are (`line` is their decoding, made on demand).
     */
    bytes?: Uint8Array;
    at: string;
    /** Set on the pieces of a long line but its last: the line goes on in the next output event of this stream. */
    continues?: true;
    /** Set on the pieces of a long line but its first: this carries on the line of the previous piece. */
    continuation?: true;
    /**
     * Set on the pieces of a line published before its end because the output paused
     * (tasks/line_splitter.ts PARTIAL_FLUSH_MS): a display joins them, not cutting the line.
     */
    early?: true;
    /**
     * Set on a line's last piece when the process's output ended inside the line, which it
     * never ended with a newline (`printf 'abc'`): a line for every reader, but its log
     * keeps that no newline followed (store/log_files.ts), so `weft logs` adds none.
     */
    unended?: true;
  }
  | {
    type: "attempt_finished";
    runId: string;
    taskId: string;
    attempt: number;
    status: TaskState;
    exitCode: number | null;
    error: string | null;
    startedAt: string;
    finishedAt: string;
    /** Delay before the next attempt, or null when this was the last. */
    retryInMs: number | null;
  }
  | {
    /**
     * A retry's back-off is over but its attempt cannot start yet: it waits for a free slot
     * under the concurrency limit (`slot`), or, being `parallel: false`, for the tasks started
     * during its back-off to end (`alone`). Its `task_started` follows once it can start; an
     * attempt that starts at once has no such event. Without it a display would go on showing
     * a back-off long over (`retry in 1.5s`) while the attempt waits for its turn.
     */
    type: "attempt_waiting";
    runId: string;
    taskId: string;
    /** The attempt that waits (2 or more). */
    attempt: number;
    waitingFor: AttemptWait;
    at: string;
  }
  | {
    /**
     * A task attempt started a process; it leads its own process group (group id = pid).
     * Recorded while it runs so that recovery can end the group if weft dies.
     */
    type: "process_started";
    runId: string;
    taskId: string;
    attempt: number;
    pid: number;
    at: string;
  }
  | {
    /** That process and the rest of its group are gone. */
    type: "process_exited";
    runId: string;
    taskId: string;
    attempt: number;
    pid: number;
    at: string;
  }
  | {
    /**
     * Tasks learned once the run is going, pending, in their order: a loop's iterations,
     * published as the loop has its items (they may come from a task's output). Announced
     * as run_started announces the others, so the run's record holds every task it is to
     * run before any of them starts, and a crash leaves none unknown (store/recovery.ts).
     */
    type: "tasks_added";
    runId: string;
    tasks: TaskRecord[];
  }
  | { type: "task_finished"; runId: string; task: TaskRecord }
  | { type: "run_finished"; runId: string; report: RunReport };

/** What a retry waits for once its back-off is over (the `attempt_waiting` event). */
export type AttemptWait = "slot" | "alone";

/** A subscriber. It may be async; the engine does not wait on it unless told to flush. */
export type EventListener = (event: EngineEvent) => void | Promise<void>;

/**
 * A task's record before anything has happened to it.
 * @example pendingTaskRecord("build", "Build application", "shell", false)
 */
export function pendingTaskRecord(
  id: string,
  name: string = id,
  type: string = "shell",
  callback = false,
  outputs: Record<string, string> = {},
): TaskRecord {
  return {
    id,
    name,
    type,
    status: "pending",
    callback,
    exitCode: null,
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    reason: null,
    error: null,
    outputs,
  };
}
