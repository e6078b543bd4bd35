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

/**
 * Appends one run's records to its journal. Write errors stop it: it empties itself (so
 * that recovery never takes an older record of it for a newer one in the store) and
 * {@link append} says false from then on; the caller then writes to the store at once.
 */
export class RecordsJournal {
  readonly #file: Deno.FsFile;
  readonly #encoder = new TextEncoder();
  /** Bytes appended since the file was last emptied. */
  #held = 0;
  #off = false;

  private constructor(file: Deno.FsFile, readonly path: string) {
    this.#file = file;
  }

  /**
   * Opens (creating, emptying) the journal of `runId`; the run's log folder is made (0700)
   * when missing. Null when it cannot be made: the run's records then go to the store
   * only, as they did before this journal existed.
   */
  static open(logsDir: string, runId: string): RecordsJournal | null {
    const path = recordsJournalPath(logsDir, runId);
    try {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
      const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
      file.truncateSync(0);
      return new RecordsJournal(file, path);
    } catch {
      return null;
    }
  }

  /** Whether it is still written (no write failed). */
  get on(): boolean {
    return !this.#off;
  }

  /** Appends the records in one write(); false when it is (now) off. */
  append(tasks: readonly TaskRecord[], attempts: readonly AttemptRecord[]): boolean {
    if (this.#off) return false;
    let text = "";
    for (const task of tasks) text += `{"task":${JSON.stringify(task)}}\n`;
    for (const attempt of attempts) text += `{"attempt":${JSON.stringify(attempt)}}\n`;
    if (!text) return true;
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

  /** The store holds every record appended so far: the file is emptied. */
  committed(): void {
    if (this.#off || this.#held === 0) return;
    try {
      this.#file.truncateSync(0);
      this.#held = 0;
    } catch {
      this.#stop();
    }
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

/** The records a journal holds: the last of each task and each attempt. */
export interface JournaledRecords {
  /** taskId → its last record. */
  tasks: Map<string, TaskRecord>;
  /** `${taskId}\0${attempt}` → its last record. */
  attempts: Map<string, AttemptRecord>;
}

/**
 * Whether a store takes the journal's record of a task over `current`, its own: when it
 * has none, or one of a task not finished yet. An end on record is never undone.
 */
export function takesJournaledTask(current: TaskRecord | undefined): boolean {
  return current === undefined || isUnfinished(current.status);
}

/** {@link takesJournaledTask} for an attempt: when the store has none, or a running one. */
export function takesJournaledAttempt(current: AttemptRecord | undefined): boolean {
  return current === undefined || current.status === "running";
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
