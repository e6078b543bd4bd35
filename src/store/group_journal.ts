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
 * - `S <pid>`: a group started;
 * - `T <pid> <start ticks>`: its leader's start time (/proc/<pid>/stat field 22, see
 *   process_groups.ts), the proof that a pid is still ours (never a recycled one);
 * - `E <pid>`: that group is gone.
 *
 * A group is journaled once it ran for {@link JOURNAL_WINDOW_MS}: its `S` and `T` lines
 * are written then, together; a group that ended by then is never journaled (neither
 * `S` nor `E`), and its /proc read is saved — most task processes are that short (a
 * chain of `true` tasks journals next to nothing); nor is one whose leader was reaped by
 * then. Ends are written within a window too. Everything due is written in one write(),
 * by one timer that serves every group started within its window.
 *
 * What recovery needs of a group not journaled yet, it finds without the journal: the
 * group's leader is found by its environment (`WEFT_RUN_ID=<run>`, which weft gives every
 * task and a task cannot change for its leader, short of exec'ing another program),
 * run_leaders.ts — just as an `S` line without a `T` is proven (group_journal_read.ts):
 * an `S` alone would add no group that scan misses. Weft hears of a group only after its
 * leader exec'd, so some groups were always the scan's to find. What only the journal
 * proves is a leader that exec'd a program with another environment (`env -i …`): by
 * its `T`, written within a window of its start.
 * @module
 */
import { hasProcfs } from "./process_groups.ts";
import { readProcStat } from "../proc.ts";
import { isFault, StorageError } from "./faults.ts";
import { logDirName } from "./log_files.ts";
import type { StartTicksReader } from "./write_queue.ts";

/** How long a group runs before it is journaled, and ends wait for company, in ms. */
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
   * Groups started and not journaled yet → when they are due (the clock, ms), in start
   * order (so in order of when they are due). An end removes its group's entry.
   */
  readonly #starts = new Map<number, number>();
  /** Groups journaled (their `S` line is written or waits in {@link #text}) and not ended. */
  readonly #journaled = new Set<number>();
  /** Lines not written yet, in the order of their facts. */
  #text = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
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
   * when a group is due.
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
    this.#starts.set(pid, this.clock() + JOURNAL_WINDOW_MS);
    this.#timer ??= setTimeout(this.#onTimer, JOURNAL_WINDOW_MS);
  }

  /** The group led by `pid` is gone. */
  exited(pid: number): void {
    if (this.#starts.delete(pid)) {
      // Never journaled: nothing to end. With nothing else waiting, the timer would wake
      // the event loop for nothing (a chain's tasks each end within their window).
      if (this.#starts.size === 0 && !this.#text) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      return;
    }
    if (!this.#journaled.delete(pid)) return; // gone when it was due: never journaled
    this.#text += `E ${pid}\n`;
    this.#timer ??= setTimeout(this.#onTimer, JOURNAL_WINDOW_MS);
  }

  /** Writes everything now: every group still running (due or not), every end. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush(Infinity);
  }

  /**
   * Journals the groups due by `until` (the clock, ms) and writes every line waiting, in
   * one write(); a timer then waits for the next group due, if any.
   */
  #flush(until: number): void {
    if (this.#closed) return;
    let text = this.#text;
    for (const [pid, due] of this.#starts) {
      if (due > until) {
        // The later ones are due later still.
        this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.ceil(due - this.clock())));
        break;
      }
      this.#starts.delete(pid);
      // Read now: until weft reaps it, even an ended child (a zombie) holds its pid; "gone"
      // means it was reaped and its exit follows: it is left out, as if it had ended already.
      const ticks = this.readTicks(pid);
      if (ticks === "gone") continue;
      this.#journaled.add(pid);
      text += ticks === null ? `S ${pid}\n` : `S ${pid}\nT ${pid} ${ticks}\n`;
    }
    this.#text = "";
    this.#write(text);
  }

  /**
   * A timer's flush. It journals the groups due within a millisecond more (a timer fires
   * late, never early: so a group started just after the window's first is not left for
   * a timer of its own).
   */
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#flush(this.clock() + 1);
  };

  /** Stops the journal; `remove`: the run ended normally, the journal is deleted. */
  close(remove: boolean): void {
    if (remove) {
      this.#starts.clear();
      this.#journaled.clear();
      this.#text = "";
    } else this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#file.close();
    } catch { /* already closed */ }
    if (remove) removeJournalFile(this.path);
  }

  /** Appends `text` (nothing when empty or closed); a failure stops the journal. */
  #write(text: string): void {
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
