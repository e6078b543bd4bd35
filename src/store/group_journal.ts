/**
 * The per-run process-group journal: an append-only text file (0600) in the run's log
 * folder, `<logsDir>/<run>/process-groups`, naming the process groups the run started and
 * ended and the run's work folder, so that crash recovery (recovery.ts) can end the
 * groups a crashed run left running and remove its work folder.
 *
 * Why a file and not the store: a store commit (with its fsync) per started group cost
 * about one commit per task of a chain. A write() without fsync lands in the page cache,
 * which survives the death of the process (kill -9) — what recovery is for; only a
 * machine crash loses it, and that ends the groups anyway. The file is on the store's
 * disk, not the tmpfs work folder, for the same reason as the store.
 *
 * Lines (one fact each, appended in order):
 * - `W <json string>`: the run's work folder (see engine/work_dir.ts);
 * - `S <pid>`: a group started, written at once: within the turn of the event loop that
 *   heard of it (no read of /proc; the groups started in one turn share one write());
 * - `T <pid> <start ticks>`: its leader's start time (/proc/<pid>/stat field 22, see
 *   process_groups.ts), the proof that a pid is still ours (never a recycled one);
 * - `E <pid>`: that group is gone.
 *
 * `T` and `E` lines are written together, a group's `T` about {@link JOURNAL_WINDOW_MS}
 * after its start: a group that ended by then gets no `T`, and its /proc read is saved
 * (most task processes are that short; one window shared by the groups started within it
 * read a third of a DAG's `true` tasks, most of them zombies by then). A group whose `T`
 * the crash prevented is proven ours by its leader's environment instead
 * (`WEFT_RUN_ID=<run>`, which weft gives every task and a task cannot change for its
 * leader), see group_journal_read.ts. A group whose `S` the crash prevented (weft hears
 * of a child only after its exec) is found by that environment alone (run_leaders.ts).
 * @module
 */
import { hasProcfs } from "./process_groups.ts";
import { readProcStat } from "../proc.ts";
import { isFault, StorageError } from "./faults.ts";
import { logDirName } from "./log_files.ts";
import type { StartTicksReader } from "./write_queue.ts";

/** How long starts and ends wait for company before they are appended, in ms. */
export const JOURNAL_WINDOW_MS = 3;

/** Name of the journal inside the run's log folder (log files end in `.log`). */
const JOURNAL_NAME = "process-groups";

/** The journal's path for `runId` under the store's logs folder. */
export function journalPath(logsDir: string, runId: string): string {
  return `${logsDir}/${logDirName(runId)}/${JOURNAL_NAME}`;
}

/**
 * Appends the facts of one run to its journal. Creates the run's log folder (0700) and the
 * file (0600) when opened. Write errors are given to `onError` and the journal stops
 * (the run goes on: only recovery after a crash would miss the groups).
 */
export class GroupJournal {
  readonly #file: Deno.FsFile;
  /**
   * Groups started whose `T` is not written yet → when it is due (the clock, ms),
   * in start order (so in order of when they are due). An end removes its group's entry.
   */
  readonly #starts = new Map<number, number>();
  /** Groups gone whose `E` is not written yet. */
  #ends: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `S` lines not written yet (a microtask writes them; any other write goes after them). */
  #startLines = "";
  #startsQueued = false;
  #closed = false;
  readonly #encoder = new TextEncoder();

  private constructor(
    file: Deno.FsFile,
    readonly path: string,
    private readonly readTicks: StartTicksReader,
    private readonly onError: (error: unknown) => void,
    private readonly clock: () => number,
  ) {
    this.#file = file;
  }

  /**
   * Opens (creating) the journal of `runId` and writes the work folder's line when given.
   * Throws what the file system threw. `clock` (ms, performance.now() but for tests) says
   * when a group's `T` is due.
   */
  static open(
    logsDir: string,
    runId: string,
    workDir: string | undefined,
    readTicks: StartTicksReader,
    onError: (error: unknown) => void = () => {},
    clock: () => number = () => performance.now(),
  ): GroupJournal {
    const path = journalPath(logsDir, runId);
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
    const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
    const journal = new GroupJournal(file, path, readTicks, onError, clock);
    if (workDir) journal.#write(`W ${JSON.stringify(workDir)}\n`);
    return journal;
  }

  /** A group led by `pid` started. */
  started(pid: number): void {
    // The pid of a group whose end is not written yet, reused already: that end goes first.
    if (this.#ends.includes(pid)) this.#writeEnds();
    this.#startLines += `S ${pid}\n`;
    if (!this.#startsQueued) {
      this.#startsQueued = true;
      queueMicrotask(this.#writeStarts);
    }
    this.#starts.set(pid, this.clock() + JOURNAL_WINDOW_MS);
    this.#schedule(JOURNAL_WINDOW_MS);
  }

  /** The group led by `pid` is gone. */
  exited(pid: number): void {
    this.#starts.delete(pid); // its T is not needed any more
    this.#ends.push(pid);
    this.#schedule(JOURNAL_WINDOW_MS);
  }

  /** Writes everything pending now: the `T` of every group still running, every `E`. */
  flush(): void {
    this.#flush(Infinity);
  }

  /**
   * Writes the `T` lines due by `until` (the clock, ms) and every `E`; a timer
   * then waits for the next `T` due, if any.
   */
  #flush(until: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    let text = "";
    let next = Infinity;
    for (const [pid, due] of this.#starts) {
      if (due > until) {
        next = due;
        break; // the later ones are due later still
      }
      this.#starts.delete(pid);
      // Read now: until weft reaps it, even an ended child (a zombie) holds its pid; "gone"
      // means it was reaped and its exit (an E line) follows in this turn.
      const ticks = this.readTicks(pid);
      if (typeof ticks === "number") text += `T ${pid} ${ticks}\n`;
    }
    this.#write(text); // with the `S` lines not written yet, if any
    this.#writeEnds();
    if (next !== Infinity) this.#schedule(Math.max(1, Math.ceil(next - this.clock())));
  }

  /** Writes the `E` lines not written yet. */
  #writeEnds(): void {
    if (this.#ends.length === 0) return;
    let text = "";
    for (const pid of this.#ends) text += `E ${pid}\n`;
    this.#ends = [];
    this.#write(text);
  }

  /** Stops the journal; `remove`: the run ended normally, the journal is deleted. */
  close(remove: boolean): void {
    if (remove) {
      this.#starts.clear();
      this.#ends = [];
      this.#startLines = "";
    } else this.flush();
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#file.close();
    } catch { /* already closed */ }
    if (remove) removeJournalFile(this.path);
  }

  /**
   * A flush in `ms` unless one is due already. It writes the `T` lines due within a
   * millisecond more (a timer fires late, never early: so a group started just after the
   * window's first is not left for a timer of its own).
   */
  #schedule(ms: number): void {
    this.#timer ??= setTimeout(() => this.#flush(this.clock() + 1), ms);
  }

  readonly #writeStarts = (): void => {
    this.#startsQueued = false;
    this.#write("");
  };

  /** Writes the `S` lines not written yet, then `text`. */
  #write(text: string): void {
    if (this.#startLines) {
      text = this.#startLines + text;
      this.#startLines = "";
    }
    if (this.#closed || !text) return;
    try {
      const bytes = this.#encoder.encode(text);
      for (let done = 0; done < bytes.length;) done += this.#file.writeSync(bytes.subarray(done));
    } catch (e) {
      this.#closed = true;
      try {
        this.#file.close();
      } catch { /* closing after a failed write */ }
      this.onError(e);
    }
  }
}

/** Deletes the journal of `runId` (and the run's log folder if that leaves it empty). */
export function removeJournal(logsDir: string, runId: string): void {
  removeJournalFile(journalPath(logsDir, runId));
}

/** Deletes a file of a run's log folder (and the folder if that leaves it empty). */
export function removeJournalFile(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* gone already */ }
  try {
    Deno.removeSync(path.slice(0, path.lastIndexOf("/"))); // only when empty
  } catch { /* holds logs, or gone */ }
}

/**
 * Opens a run's journal; null where the store keeps no files (a memory store without a
 * logs folder). A journal that cannot be made is a fault of the machine, like a log file.
 */
export function openRunJournal(
  logsDir: string,
  runId: string,
  workDir: string | undefined,
  fault: (error: StorageError) => void,
  storePath: string | undefined,
): GroupJournal | null {
  if (!logsDir) return null;
  const failed = (e: unknown) => {
    if (isFault(e)) fault(new StorageError("cannot record the run", storePath ?? logsDir, e));
  };
  try {
    return GroupJournal.open(logsDir, runId, workDir, childStartTicks, failed);
  } catch (e) {
    // Opening makes the run's log folder: its failure is said as a log file's would be.
    if (isFault(e)) fault(new StorageError("cannot create the log folder", logsDir, e));
    return null;
  }
}

let procfs: boolean | undefined;

/** The start ticks of our child `pid` ("gone" once reaped); see write_queue.ts. */
export function childStartTicks(pid: number): number | null | "gone" {
  procfs ??= hasProcfs();
  if (!procfs) return null; // no /proc: "absent" would mean nothing
  const stat = readProcStat(pid);
  return stat === "absent" ? "gone" : stat?.startTicks ?? null;
}
