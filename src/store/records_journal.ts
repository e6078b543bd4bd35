/**
 * The per-run records journal: the task and attempt records a run wrote that the store
 * does not hold yet, in an append-only text file (0600) in the run's log folder,
 * `<logsDir>/<run>/records`, beside the process-group journal (group_journal.ts).
 *
 * Why: a store commit (an SQLite transaction with its fsync, on a thread of its own)
 * costs ~0.5 ms of a 2-CPU machine, and the write queue (write_queue.ts) made one every
 * ~9 ms while short tasks ended: 6-10% of a 1,000-task chain's time (issue 8 §5;
 * scripts/bench/dag_vs_make.ts --shape chain, with and without those commits).
 * A write() without fsync costs microseconds and lands in the page cache, which survives
 * the death of the process (kill -9), what crash recovery is for. So records go here
 * within the queue's window (RECORD_WINDOW_MS), and to the store in batches at most
 * STORE_WINDOW_MS apart (and before every barrier: a run's creation, heartbeat and end);
 * once the store holds them the file is emptied, so it never holds more than one such
 * window of records. Crash recovery (recovery.ts) gives the store what the file still
 * holds before it marks the run interrupted. Only a crash of the machine loses what the
 * page cache held: the records of the last STORE_WINDOW_MS.
 *
 * The records that hold outputs stay (masked again as the run learns secrets) until the
 * run ends: see {@link RecordsJournal}.
 *
 * Lines (one record each, JSON, appended in order; a later one of the same key wins):
 * - `{"task": TaskRecord}`;
 * - `{"attempt": AttemptRecord}`.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import { removeJournalFile } from "./group_journal.ts";
import { logDirName } from "./log_format.ts";
import { isUnfinished } from "./records.ts";
import type { AttemptRecord } from "./run_store.ts";
import { sameValue } from "./unchanged.ts";
import { readSmallText } from "./small_file.ts";

/** Name of the journal inside the run's log folder (log files end in `.log`). */
const JOURNAL_NAME = "records";

/**
 * Most bytes of a journal read back (1 GiB). The file holds one store window of records,
 * each a few hundred bytes but for its outputs and error (up to the caps of records.ts).
 */
const JOURNAL_MAX_BYTES = 1024 * 1024 * 1024;

/** The journal's path for `runId` under the store's logs folder. */
export function recordsJournalPath(logsDir: string, runId: string): string {
  return `${logsDir}/${logDirName(runId)}/${JOURNAL_NAME}`;
}

/** Masks a record's outputs with the run's secrets as known now (see {@link RecordsJournal}). */
export type OutputsMask = (outputs: Record<string, string>) => Record<string, string>;

/** One line of the journal: a task's record or an attempt's. */
type Entry = { task: TaskRecord } | { attempt: AttemptRecord };

/** Whether a record holds outputs. */
export function hasOutputs(record: { outputs?: Record<string, string> }): boolean {
  for (const _ in record.outputs ?? {}) return true;
  return false;
}

/**
 * A copy of `record` without its outputs, or the record itself when it has none: what the
 * store gets while the run goes on (the journal keeps the outputs, see {@link RecordsJournal}).
 */
export function withoutOutputs<T extends { outputs: Record<string, string> }>(record: T): T {
  return hasOutputs(record) ? { ...record, outputs: {} } : record;
}

/**
 * Appends one run's records to its journal. Write errors stop it: it empties itself (so
 * that recovery never takes an older record of it for a newer one in the store) and
 * {@link append} says false from then on; the caller then writes to the store at once.
 *
 * The records that hold outputs stay in the journal until the run ends (the store gets
 * them without their outputs meanwhile, write_queue.ts): a value a task outputs may become
 * a secret later in the run (another task's `API_TOKEN: ${tasks.login.outputs.token}`),
 * and a store (SQLite) keeps the bytes of a record it overwrote, where this file is
 * rewritten whole with them masked ({@link remask}). The run's final records (recorder.ts)
 * then give the store those outputs masked with every secret of the run.
 */
export class RecordsJournal {
  #file: Deno.FsFile;
  readonly #encoder = new TextEncoder();
  /** Bytes in the file. */
  #held = 0;
  /** Bytes the file held after it was last rewritten: it is compacted once far larger. */
  #rewritten = 0;
  #off = false;
  /**
   * The last record of each key the file holds that the store may not have as it is:
   * those appended since the store last took them all, and every one with outputs.
   */
  readonly #live = new Map<string, Entry>();
  /**
   * Whether a record with outputs was appended since the file was last rewritten: its
   * line may hold a secret learned since, though a later record of its key replaced it.
   */
  #outputsAppended = false;

  private constructor(
    file: Deno.FsFile,
    readonly path: string,
    /** The run whose records it holds. */
    readonly runId: string,
    private readonly mask: OutputsMask,
  ) {
    this.#file = file;
  }

  /**
   * Opens (creating, emptying) the journal of `runId`; the run's log folder is made (0700)
   * when missing. Null when it cannot be made: the run's records then go to the store
   * only, as they did before this journal existed. `mask` masks outputs with the run's
   * secrets as known when it is called.
   */
  static open(
    logsDir: string,
    runId: string,
    mask: OutputsMask = (outputs) => outputs,
  ): RecordsJournal | null {
    const path = recordsJournalPath(logsDir, runId);
    try {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
      const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
      file.truncateSync(0);
      return new RecordsJournal(file, path, runId, mask);
    } catch {
      return null;
    }
  }

  /** Whether it is still written (no write failed). */
  get on(): boolean {
    return !this.#off;
  }

  /**
   * Appends the records in one write(); false when it is (now) off. Their outputs are
   * masked with the secrets known now.
   */
  append(tasks: readonly TaskRecord[], attempts: readonly AttemptRecord[]): boolean {
    if (this.#off) return false;
    const entries: Entry[] = [];
    for (const task of tasks) entries.push({ task: this.#masked(task) });
    for (const attempt of attempts) entries.push({ attempt: this.#masked(attempt) });
    if (entries.length === 0) return true;
    for (const entry of entries) {
      this.#live.set(entryKey(entry), entry);
      if (hasOutputs(recordOf(entry))) this.#outputsAppended = true;
    }
    return this.#write(entries);
  }

  /**
   * The store holds every record appended so far: the file is emptied, but for the
   * records with outputs, which it keeps until the run ends.
   */
  committed(): void {
    if (this.#off || this.#held === 0) return;
    for (const [key, entry] of this.#live) if (!hasOutputs(recordOf(entry))) this.#live.delete(key);
    if (this.#live.size === 0) return this.#rewrite();
    // The kept records are in the file already: rewritten only once it grew far larger.
    if (this.#held > 4 * this.#rewritten + 256 * 1024) this.#rewrite();
  }

  /**
   * The run learned a secret: the file is rewritten with every output it holds masked
   * with it, so that no byte of the value stays in it.
   */
  remask(): void {
    if (this.#off || this.#held === 0) return;
    let changed = false;
    for (const [key, entry] of this.#live) {
      const record = recordOf(entry);
      if (!hasOutputs(record)) continue;
      const masked = this.#masked(record);
      if (masked === record) continue;
      this.#live.set(
        key,
        "task" in entry ? { task: masked as TaskRecord } : { attempt: masked as AttemptRecord },
      );
      changed = true;
    }
    // A record no longer live was appended before a later one of its key: it goes too.
    if (changed || this.#outputsAppended) this.#rewrite();
  }

  /**
   * The records with outputs it kept (masked as they were last), taken from it: for the
   * store, when the journal stopped and can no longer keep them for the run's end.
   */
  takeOutputs(): { tasks: TaskRecord[]; attempts: AttemptRecord[] } {
    const tasks: TaskRecord[] = [];
    const attempts: AttemptRecord[] = [];
    for (const entry of this.#live.values()) {
      if (!hasOutputs(recordOf(entry))) continue;
      if ("task" in entry) tasks.push(entry.task);
      else attempts.push(entry.attempt);
    }
    this.#live.clear();
    return { tasks, attempts };
  }

  /** Stops the journal; `remove`: the file is deleted (the run ended, all in the store). */
  close(remove: boolean): void {
    if (!this.#off) {
      this.#off = true;
      try {
        this.#file.close();
      } catch { /* closed already */ }
    }
    if (remove) removeJournalFile(this.path);
  }

  /** `record` with its outputs masked as secrets are known now (itself when unchanged). */
  #masked<T extends TaskRecord | AttemptRecord>(record: T): T {
    if (!hasOutputs(record)) return record;
    const outputs = this.mask(record.outputs);
    if (sameValue(outputs, record.outputs)) return record;
    return { ...record, outputs };
  }

  /**
   * Makes the file hold the live records alone. With none, it is emptied in place (the
   * store has every record). Else the new text is written beside it and renamed over it,
   * so that a crash meanwhile leaves the old file or the new one whole: the store has
   * those records without their outputs, which no moment may lose.
   */
  #rewrite(): void {
    if (this.#live.size === 0) {
      try {
        this.#file.truncateSync(0);
        this.#held = 0;
      } catch {
        this.#stop();
        return;
      }
    } else {
      const next = `${this.path}.new`;
      try {
        let text = "";
        for (const entry of this.#live.values()) text += `${JSON.stringify(entry)}\n`;
        const bytes = this.#encoder.encode(text);
        Deno.writeFileSync(next, bytes, { mode: 0o600 });
        Deno.renameSync(next, this.path);
        const file = Deno.openSync(this.path, { append: true });
        this.#file.close();
        this.#file = file;
        this.#held = bytes.length;
      } catch {
        try {
          Deno.removeSync(next);
        } catch { /* not made, or renamed already */ }
        this.#stop();
        return;
      }
    }
    this.#rewritten = this.#held;
    // Every line is masked with the secrets known now.
    this.#outputsAppended = false;
  }

  /** Appends `entries` in one write(); false when that failed (the journal is then off). */
  #write(entries: readonly Entry[]): boolean {
    let text = "";
    for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
    try {
      const bytes = this.#encoder.encode(text);
      for (let done = 0; done < bytes.length;) done += this.#file.writeSync(bytes.subarray(done));
      this.#held += bytes.length;
      return true;
    } catch {
      this.#stop();
      return false;
    }
  }

  /** After a failed write: emptied (ftruncate needs no room) and closed, or removed. */
  #stop(): void {
    this.#off = true;
    try {
      this.#file.truncateSync(0);
    } catch {
      try {
        Deno.removeSync(this.path);
      } catch { /* recovery may find an old record: it never undoes a finished one */ }
    }
    try {
      this.#file.close();
    } catch { /* closed already */ }
  }
}

function recordOf(entry: Entry): TaskRecord | AttemptRecord {
  return "task" in entry ? entry.task : entry.attempt;
}

function entryKey(entry: Entry): string {
  return "task" in entry ? `t\u0000${entry.task.id}` : `a\u0000${attemptRecordKey(entry.attempt)}`;
}

/** The records a journal holds: the last of each task and each attempt. */
export interface JournaledRecords {
  /** taskId → its last record. */
  tasks: Map<string, TaskRecord>;
  /** `${taskId}\0${attempt}` → its last record. */
  attempts: Map<string, AttemptRecord>;
}

/**
 * Whether a store takes the journal's record of a task over `current`, its own: when it
 * has none, or one of a task not finished yet; or the same end whose outputs the journal
 * alone kept (RecordsJournal: the store gets them with the run's end). An end on record
 * is never undone.
 */
export function takesJournaledTask(
  current: TaskRecord | undefined,
  journaled?: TaskRecord,
): boolean {
  return current === undefined || isUnfinished(current.status) ||
    (journaled !== undefined && journaled.status === current.status &&
      journaled.attempts === current.attempts && keptOutputs(current, journaled));
}

/**
 * {@link takesJournaledTask} for an attempt: when the store has none, or a running one,
 * or the same end without the outputs the journal kept.
 */
export function takesJournaledAttempt(
  current: AttemptRecord | undefined,
  journaled?: AttemptRecord,
): boolean {
  return current === undefined || current.status === "running" ||
    (journaled !== undefined && journaled.status === current.status &&
      keptOutputs(current, journaled));
}

/** The store's record lacks the outputs the journal's has. */
function keptOutputs(
  current: { outputs?: Record<string, string> },
  journaled: { outputs?: Record<string, string> },
): boolean {
  return !hasOutputs(current) && hasOutputs(journaled);
}

/** The key of an attempt in {@link JournaledRecords.attempts}. */
export function attemptRecordKey(attempt: { taskId: string; attempt: number }): string {
  return `${attempt.taskId}\u0000${attempt.attempt}`;
}

/**
 * Reads the journal of `runId` back: null when there is none or it holds nothing. A line
 * it cannot read (cut by a crash or a full disk) is skipped.
 */
export async function readRecordsJournal(
  logsDir: string,
  runId: string,
): Promise<JournaledRecords | null> {
  const text = await readSmallText(recordsJournalPath(logsDir, runId), {
    limit: JOURNAL_MAX_BYTES,
    hint: "it is weft's record of a run's last task states: remove it (the run's history " +
      "then keeps the states it had)",
  });
  if (!text) return null;
  const found: JournaledRecords = { tasks: new Map(), attempts: new Map() };
  for (const line of text.split("\n")) {
    if (!line) continue;
    let entry: { task?: TaskRecord; attempt?: AttemptRecord };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry?.task && typeof entry.task.id === "string") {
      found.tasks.set(entry.task.id, entry.task);
    } else if (entry?.attempt && typeof entry.attempt.taskId === "string") {
      found.attempts.set(attemptRecordKey(entry.attempt), entry.attempt);
    }
  }
  return found.tasks.size || found.attempts.size ? found : null;
}

/** Deletes the records journal of `runId` (and its log folder if that leaves it empty). */
export function removeRecordsJournal(logsDir: string, runId: string): void {
  removeJournalFile(recordsJournalPath(logsDir, runId));
}
