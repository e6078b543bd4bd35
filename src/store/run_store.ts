/**
 * The run store's contract: what the recorder writes and what the history verbs
 * (`history`, `status`, `logs`, `metrics`), recovery, resume and retention read.
 * `kv.ts` implements it on Deno KV (the default); `memory.ts` in memory for tests.
 * Records are plain JSON-able objects; times are UTC ISO strings.
 * @module
 */
import type { JournaledRecords } from "./records_journal.ts";
import type {
  RunInfo,
  RunReport,
  RunStatus,
  TaskReason,
  TaskRecord,
  TaskState,
} from "../engine/events.ts";

/** One task's outcome in a run, compact: what metrics read without opening task records. */
export interface TaskSummary {
  id: string;
  status: TaskState;
  durationMs: number | null;
  callback: boolean;
  /**
   * Present (true) for a task interrupted or cancelled before its first attempt (weft
   * died, or a timeout or Ctrl-C stopped the run first): not a run of that task, so `weft
   * metrics` leaves it out. Absent in records written before it existed (they count it
   * as a failure).
   */
  neverStarted?: true;
  /**
   * Present (true) for a task a `--resume` kept from the run it resumed (reason
   * `resumed`, 0 attempts here): it ran in that earlier run, which counts it, so
   * `weft metrics` leaves it out of this one (tester22 F3). Absent in older records.
   */
  kept?: true;
}

/** A run as stored: what was known at its start plus how it ended. */
export interface RunRecord extends RunInfo {
  status: RunStatus;
  finishedAt: string | null;
  durationMs: number | null;
  /**
   * Start time of `pid` (clock ticks since boot, /proc/<pid>/stat field 22) when it was
   * recorded, so recovery can tell our process from a later one that reuses the pid.
   */
  pidStartTicks: number | null;
  /**
   * The kernel boot id and PID namespace `pid` was recorded in (run_owner.ts): a pid means
   * something only there. Absent on records written before they were kept, or without /proc.
   */
  bootId?: string;
  pidNs?: string;
  /** Every task's outcome, written when the run ends; null while running or when too big. */
  summary: TaskSummary[] | null;
  /** Why weft stopped the run itself (RunReport.error, e.g. a full disk); absent otherwise. */
  error?: string;
  /** Notifications and alerts sent (or that failed) after the run; absent when none. */
  notifications?: NotificationRecord[];
}

/** One notification (or fired alert) sent after a run, on one channel (src/notify/). */
export interface NotificationRecord {
  /** "slack", "email" or "webhook". */
  channel: string;
  /** The alert rule that sent it; absent for the run's own notification. */
  alert?: string;
  /** The task whose own `notifications` sent it (when it ended). */
  task?: string;
  ok: boolean;
  /** Tries made (at most 3). */
  attempts: number;
  /** Why the last try failed (masked); absent when it was sent. */
  error?: string;
  /** UTC ISO time of the last try. */
  at: string;
}

/** One try of one task. */
export interface AttemptRecord {
  runId: string;
  taskId: string;
  /** 1-based. */
  attempt: number;
  status: TaskState;
  exitCode: number | null;
  reason: TaskReason | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Outputs of the task after this attempt (set on the final attempt). */
  outputs: Record<string, string>;
  /** Log file path relative to the store's `logsDir`, or null when nothing was logged. */
  logPath: string | null;
  /** Size of the log file in bytes when the attempt ended. */
  logBytes: number;
  /**
   * Lines in the log file when the attempt ended (a long line written in pieces counts
   * once): `weft status` tells "last 10 of 17 lines" by it. Absent on records written
   * before it was counted, and where recovery rebuilt the attempt.
   */
  logLines?: number;
  /**
   * Why lines the attempt printed are not (all) in its log: a fault of the machine (disk
   * full, I/O error) kept them out (the StorageError's summary). Absent when all went in.
   */
  logLost?: string;
}

/** A run with every task: what `weft status` and `--resume` read. */
export interface RunDetails {
  run: RunRecord;
  /** In the order the engine announced them (later-added tasks last). */
  tasks: TaskRecord[];
  /** taskId → hash of the task's definition when the run started (see resume.ts). */
  taskHashes: Record<string, string>;
  /** taskId → output keys whose values were cut to keep records small. */
  truncatedOutputs: Record<string, string[]>;
  /**
   * taskId → why its final record was never written (e.g. "the disk was full"): its
   * state is derived on reading (stored_task.ts `settleTasks`: from the run's summary,
   * else `interrupted`), its exit code and outputs are unknown. Never stored; absent
   * or empty when every task's record is whole.
   */
  unrecordedTasks?: Record<string, string>;
}

/** Filters for {@link RunStore.listRuns}. */
export interface RunFilter {
  workflow?: string;
  status?: RunStatus;
  /** Only runs started at or after this time. */
  since?: Date;
  /** Only runs started before this time. */
  before?: Date;
  /** At most this many. */
  limit?: number;
  /** Oldest first instead of newest first (retention walks from the old end). */
  oldestFirst?: boolean;
  /** False: leave out child runs (those of `workflow` tasks); default: include them. */
  children?: boolean;
  /** Only the child runs of this run. */
  parentRunId?: string;
}

/** Filters for {@link RunStore.listFinished}. */
export interface FinishedFilter {
  /** At most this many. */
  limit: number;
  /** False: leave out child runs (those of `workflow` tasks); default: include them. */
  children?: boolean;
}

/** A finished or running run with its task outcomes, for metrics. */
export interface MetricsRun {
  run: RunRecord;
  tasks: TaskSummary[];
}

/**
 * A process group a run started, kept while it runs so that crash recovery can end it
 * (see recovery.ts). Each task process leads its own session, so its pid is its group id.
 */
export interface ProcessRecord {
  runId: string;
  taskId: string;
  attempt: number;
  /** Pid of the group leader, which is also the process group id. */
  pid: number;
  /**
   * The leader's start time in clock ticks since boot (/proc/<pid>/stat field 22), so a
   * recycled pid is never taken for it; null where /proc is unavailable (never signalled).
   */
  startTicks: number | null;
  startedAt: string;
}

/** Task and attempt records written together in one atomic write. */
export interface RecordBatch {
  tasks: Array<{ runId: string; task: TaskRecord }>;
  attempts: AttemptRecord[];
  /** Process groups started (`running`) or ended (not `running`: the record is removed). */
  processes?: Array<{ process: ProcessRecord; running: boolean }>;
}

/** Extra facts the recorder adds to a run when creating it. */
export interface CreateRunExtras {
  taskHashes?: Record<string, string>;
  pidStartTicks?: number | null;
  /** See RunRecord.bootId and pidNs. */
  bootId?: string;
  pidNs?: string;
}

/**
 * Where runs are kept. Implementations make each method's writes atomic and safe
 * when several weft processes share the store.
 */
export interface RunStore {
  /** Folder holding the per-attempt log files (`<run>/<task>.<attempt>.log`, see log_files.ts). */
  readonly logsDir: string;

  /** Records a new run (status "running") and its initial task records. */
  createRun(run: RunInfo, tasks: TaskRecord[], extras?: CreateRunExtras): Promise<void>;
  /**
   * Writes task and attempt records atomically (the recorder's group commit: updates
   * that queue up while a write is in flight go out together).
   */
  writeRecords(batch: RecordBatch): Promise<void>;
  /** Replaces one task's record (each state change). */
  updateTask(runId: string, task: TaskRecord): Promise<void>;
  /** Writes one attempt record, and the task's record in the same atomic write when given. */
  recordAttempt(attempt: AttemptRecord, task?: TaskRecord): Promise<void>;
  /**
   * Marks the run finished from its report; writes `tasks` (default: all of the report's)
   * and `attempts` (final attempt records the run's own writes may have missed: those
   * whose log lost lines, recorder.ts). Drops its heartbeat and any process records left.
   */
  finishRun(report: RunReport, tasks?: TaskRecord[], attempts?: AttemptRecord[]): Promise<void>;
  /**
   * Records that the run's process was alive at `at` (UTC ISO): the recorder calls it
   * every few seconds, so a crashed run's last sign of life is known (see records.ts).
   */
  heartbeat(runId: string, at: string): Promise<void>;
  /** The last heartbeat written for a running run (UTC ISO time), or null; absent: unknown. */
  lastHeartbeat?(runId: string): Promise<string | null>;
  /** The process groups recorded as running for a run (what crash recovery ends). */
  listProcesses(runId: string): Promise<ProcessRecord[]>;

  /** The run with this exact id, or null. */
  findRun(id: string): Promise<RunRecord | null>;
  /**
   * The run whose id is `idOrPrefix` or uniquely starts with it, with its tasks.
   * Throws WeftError (exit 2) when none matches or the prefix is ambiguous.
   */
  getRun(idOrPrefix: string): Promise<RunDetails>;
  /**
   * The whole outputs (masked like every stored output, but not cut) of those of
   * `taskIds` whose stored outputs were cut (RunDetails.truncatedOutputs), for `--resume`:
   * taskId → outputs. A task is missing when its run was recorded before whole outputs
   * were kept, or when nothing of it was cut.
   */
  wholeOutputs(runId: string, taskIds: string[]): Promise<Record<string, Record<string, string>>>;
  /** Every attempt of a run (optionally of one task), by task then attempt number. */
  listAttempts(runId: string, taskId?: string): Promise<AttemptRecord[]>;
  /**
   * Runs newest first (or oldest first); reads only as many records as the filter
   * needs: it stops at `limit` and at the first run beyond `since`/`before`.
   */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /**
   * The runs that finished last (any state but running), newest finish first (the same
   * finish time: newest id first), at most `filter.limit`: what "the last finished runs"
   * means, whenever they started (finished_runs.ts).
   */
  listFinished(filter: FinishedFilter): Promise<RunRecord[]>;
  /** Runs started since `since` (optionally of one workflow) with task outcomes. */
  runsForMetrics(options: { since?: Date; workflow?: string }): Promise<MetricsRun[]>;
  /** Runs still marked running (candidates for crash recovery). */
  findRunning(): Promise<RunRecord[]>;
  /**
   * Marks a run that is still recorded as running `interrupted`, and its pending and
   * running tasks and attempts `interrupted` (reason "crash"); its finish time is its
   * last sign of life and its duration unknown (null), see `interruptedRecord`. Drops its
   * heartbeat and process records. Returns false when the run is not running (any more).
   * `journaled`: the run's records journal (records_journal.ts), whose records are taken
   * first where the store's are older: a task or attempt the store holds as unfinished
   * (or not at all); a finished one is never undone.
   */
  markInterrupted(runId: string, journaled?: JournaledRecords): Promise<boolean>;
  /**
   * Removes a run, its tasks, attempts and log files: its record first, its logs last,
   * so an interruption leaves it whole or gone from history (never without its logs).
   */
  deleteRun(runId: string): Promise<void>;
  /**
   * Finishes the deletes a prune stopped part way left (the run's record gone, its
   * tasks, attempts or logs not yet: kv.ts marks them `["gone", id]`); resolves to how
   * many runs it finished. Throws what the store throws (e.g. a full disk).
   */
  finishDeletes(): Promise<number>;
  /** Appends to a recorded run's `notifications` (atomically; a missing run is an error). */
  addNotifications(runId: string, records: NotificationRecord[]): Promise<void>;
  /**
   * Small JSON state kept across runs by subscribers such as alert rules (never by the
   * engine): `key` is its path, e.g. `["alert", workflow, rule]`; null when absent.
   */
  getState<T>(key: string[]): Promise<T | null>;
  /** Writes (or with `undefined` removes) one state value. */
  setState(key: string[], value: unknown): Promise<void>;
  /** Every state value whose key starts with `prefix`, in key order. */
  listState<T>(prefix: string[]): Promise<Array<{ key: string[]; value: T }>>;
  /** Releases the store. */
  close(): void;
}
