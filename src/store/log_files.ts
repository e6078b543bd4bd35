/**
 * Per-attempt log files: `<logsDir>/<run-id>/<task-id>.<attempt>.log` (names and record
 * parsing in log_format.ts, re-exported here); this module writes them.
 *
 * Format: one line per output line, prefixed by its stream — `O ` for stdout, `E ` for
 * stderr — then the line as the task printed it, then `\n`. `grep '^E '` finds the
 * errors; `weft logs` strips the prefix. Lines are appended through a small buffer
 * flushed every few milliseconds, so a crash loses at most the last few ms of output.
 * Folders are created 0700, files 0600.
 *
 * Output from a process is stored as the bytes it printed (invalid UTF-8 included), so
 * `weft logs` gives it back exactly. A line of any length is stored whole, though it
 * reaches the writer in pieces (see tasks/byte_lines.ts). Only when a line of the other
 * stream arrives in the middle of such a long line is the long one cut: its record ends
 * there, followed by a marker record {@link CUT_MARK} (`~O` or `~E`: "the line above
 * goes on later"), and its rest follows in a continuation record tagged `o ` (stdout) or
 * `e ` (stderr), which readers join to the stream's previous line without a newline.
 * The marker is written with the newline it qualifies, so a reader following the file
 * never takes a cut line for a finished one. A line that never ends — the task's output
 * ended inside it (`printf 'abc'`), or the attempt did — is stored as a cut line whose
 * rest never comes (`O abc`, `~O`), so `weft logs` gives back `abc` and no newline; files
 * written before that (`O abc` alone) read as they always did, the line ended.
 *
 * The writer holds at most {@link MAX_QUEUED_BYTES} per file; beyond that `append`
 * returns a promise, and the caller waits for the disk before producing more.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { StorageError } from "./faults.ts";
import {
  appendRecord,
  EMPTY,
  endOpenRecord,
  FLUSH_AT_BYTES,
  type RecordBuffer,
  recycle,
} from "./log_records.ts";

export { ensurePrivateDir } from "./private_dir.ts";
import { ensurePrivateDir } from "./private_dir.ts";
import { openRegular } from "./regular_open.ts";
export {
  CUT_MARK,
  formatLogLine,
  logDirName,
  logFilePath,
  type LogLine,
  parseLogLine,
  safeFileName,
} from "./log_format.ts";

/** How often buffered lines are written out. */
export const LOG_FLUSH_INTERVAL_MS = 20;
/** Bytes queued for one file beyond which {@link LogWriter.append} asks its caller to wait. */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/** One open log file: its record buffer (log_records.ts) and what its writes are up to. */
interface OpenLog extends RecordBuffer {
  /** Set when a write failed (or the writer stopped): the rest of its lines are dropped. */
  broken: boolean;
  /** Why its write failed, when it did. */
  error: StorageError | null;
  /** Bytes handed to `chain` and not yet written. */
  queued: number;
  file: Deno.FsFile | null;
  size: number;
  /** Lines put in the file so far (a long line written in pieces counts once). */
  lines: number;
  /** Writes to one file happen one after another. */
  chain: Promise<void>;
}

/**
 * Buffered appenders for the log files of the runs being recorded. A write that fails
 * (disk full, I/O error) never rejects anywhere unawaited: it becomes a StorageError
 * naming the file, passed once to `onError` and kept for {@link LogWriter.takeError};
 * that file takes no more lines (they could not be written in order anyway). Every file
 * that lost lines so (its own write failed, or {@link LogWriter.stop} dropped them),
 * not only the first, is known by {@link LogWriter.takeLost}: its attempt's record says
 * so, rather than read as an attempt that printed nothing (tester15 F10).
 */
export class LogWriter {
  readonly #logs = new Map<string, OpenLog>();
  readonly #spare: Uint8Array[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #error: StorageError | null = null;
  #reported = false;
  /** Why lines are dropped once stopped (null while not stopped). */
  #stopped: StorageError | null = null;
  /** relPath → why some of its lines are not in it; kept past close() for takeLost. */
  readonly #lost = new Map<string, StorageError>();

  constructor(
    readonly logsDir: string,
    private readonly onError: (error: StorageError) => void = () => {},
  ) {}

  /**
   * Queues one output line (text, or the raw bytes a process printed) for a file
   * (relative path); with `continues`/`continuation` a piece of a long line, with
   * `unended` a line's end that had no newline (see tasks/byte_lines.ts). Never blocks;
   * returns a promise when the file is more than {@link MAX_QUEUED_BYTES} behind, for
   * the caller to wait on before producing more.
   */
  append(
    relPath: string,
    stream: OutputStream,
    line: string | Uint8Array,
    continues = false,
    continuation = false,
    unended = false,
  ): Promise<void> | undefined {
    let log = this.#logs.get(relPath);
    if (!log) {
      log = {
        broken: false,
        error: null,
        pending: EMPTY,
        pendingBytes: 0,
        queued: 0,
        open: null,
        file: null,
        size: 0,
        lines: 0,
        chain: Promise.resolve(),
        spare: this.#spare,
      };
      this.#logs.set(relPath, log);
    }
    if (log.broken || this.#stopped) {
      this.#loses(relPath, log.error ?? this.#stopped!);
      return;
    }
    if (typeof line === "string" && line.includes("\n")) {
      // Text with newlines (from a runner, not a process): each part is its own line,
      // except that a piece of a long line never contains one (a stray one is dropped).
      if (continues || continuation) line = line.replaceAll("\n", "");
      else {
        const parts = line.split("\n");
        let waiting: Promise<void> | undefined;
        for (let i = 0; i < parts.length; i++) {
          // Only the last part can be a line left without a newline.
          const last = unended && i === parts.length - 1;
          waiting = this.append(relPath, stream, parts[i], false, false, last);
        }
        return waiting;
      }
    }
    if (!continuation) log.lines++;
    appendRecord(log, stream, line, continues, continuation, unended);
    if (log.pendingBytes < FLUSH_AT_BYTES) {
      this.#schedule();
      return;
    }
    this.#flush(relPath, log);
    if (log.queued > MAX_QUEUED_BYTES) return log.chain;
  }

  /**
   * Whether `relPath` was given any line (and so has something for {@link close} to
   * flush and close): the recorder saves a promise per attempt that printed nothing.
   */
  has(relPath: string): boolean {
    return this.#logs.has(relPath);
  }

  /**
   * How many lines `relPath` was given and took (a long line given in pieces counts
   * once), until {@link close}; 0 for a file given none. `weft status` says "last 10 of
   * 17 lines" with it, as the run's summary does.
   */
  lineCount(relPath: string): number {
    return this.#logs.get(relPath)?.lines ?? 0;
  }

  /** Writes what is buffered for one file; resolves to its size in bytes (0 if never written). */
  async flush(relPath: string): Promise<number> {
    const log = this.#logs.get(relPath);
    if (!log) return 0;
    await this.#flush(relPath, log);
    return log.size;
  }

  /** Flushes and closes one file; resolves to its final size. */
  async close(relPath: string): Promise<number> {
    const unfinished = this.#logs.get(relPath);
    // The attempt ended in the middle of a line (unended, or a long line it was stopped
    // in): its record is ended, marked as a line that had no newline.
    if (unfinished && !unfinished.broken) endOpenRecord(unfinished);
    const size = await this.flush(relPath);
    const log = this.#logs.get(relPath);
    if (log) {
      await log.chain;
      log.file?.close();
      this.#logs.delete(relPath);
    }
    return size;
  }

  /**
   * Writes nothing more, to any file: lines buffered and to come are dropped (each file
   * losing some is told by {@link takeLost}, with `cause`). For a run stopped by a fault
   * (`cause`), so its last output does not take the room its records need.
   */
  stop(cause: StorageError): void {
    this.#stopped ??= cause;
    for (const [relPath, log] of this.#logs) {
      if (log.pendingBytes > 0 || log.queued > 0) this.#loses(relPath, log.error ?? cause);
      log.broken = true;
      log.pending = EMPTY;
      log.pendingBytes = 0;
    }
  }

  /**
   * Why some lines given for `relPath` are not in its file (its write failed, or the
   * writer stopped before they were written), or null when all went in; read once, after
   * {@link close}.
   */
  takeLost(relPath: string): StorageError | null {
    const lost = this.#lost.get(relPath) ?? null;
    this.#lost.delete(relPath);
    return lost;
  }

  #loses(relPath: string, cause: StorageError): void {
    if (!this.#lost.has(relPath)) this.#lost.set(relPath, cause);
  }

  /** The first write error since the last call (then null until the next one). */
  takeError(): StorageError | null {
    const error = this.#error;
    this.#error = null;
    return error;
  }

  /** Writes everything buffered for every file. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.#logs.entries()].map(([path, log]) => this.#flush(path, log)));
  }

  /** Flushes and closes every file. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#logs.keys()].map((path) => this.close(path)));
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    const timer = setTimeout(() => {
      this.#timer = null;
      void this.flushAll(); // never rejects: errors go to #fail
    }, LOG_FLUSH_INTERVAL_MS);
    // A pending flush must not keep the process alive; the recorder's flush() drains it.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Queues the buffered lines of one file for writing; the promise never rejects. */
  #flush(relPath: string, log: OpenLog): Promise<void> {
    if (log.pendingBytes === 0 || log.broken) return log.chain;
    // The buffer is handed over whole; the next line starts another (a spare one).
    const buffer = log.pending;
    const bytes = buffer.subarray(0, log.pendingBytes);
    log.pending = EMPTY;
    log.pendingBytes = 0;
    log.queued += bytes.length;
    log.chain = log.chain.then(async () => {
      log.queued -= bytes.length;
      if (log.broken) {
        this.#loses(relPath, log.error ?? this.#stopped!);
        recycle(log, buffer);
        return;
      }
      try {
        if (!log.file) log.file = await this.#open(relPath);
        let written = 0;
        while (written < bytes.length) {
          const n = await log.file.write(bytes.subarray(written));
          written += n;
          log.size += n;
        }
      } catch (e) {
        this.#fail(relPath, log, e);
      } finally {
        recycle(log, buffer);
      }
    });
    return log.chain;
  }

  #fail(relPath: string, log: OpenLog, cause: unknown): void {
    log.broken = true;
    log.pending = EMPTY;
    log.pendingBytes = 0;
    const error = cause instanceof StorageError
      ? cause
      : new StorageError("cannot write the log", `${this.logsDir}/${relPath}`, cause);
    log.error = error;
    // Its own failure, told for its attempt, even when another file's was told first.
    this.#lost.set(relPath, error);
    this.#error ??= error;
    if (this.#reported) return;
    this.#reported = true;
    this.onError(error);
  }

  async #open(relPath: string): Promise<Deno.FsFile> {
    const path = `${this.logsDir}/${relPath}`;
    const dir = path.slice(0, path.lastIndexOf("/"));
    try {
      ensurePrivateDir(dir);
    } catch (e) {
      throw new StorageError("cannot create the log folder", dir, e);
    }
    try {
      // A new file: mode 0600 (the umask can only narrow it; chmod restores owner rw).
      // A FIFO put in its place is refused, not waited on (regular_open.ts).
      const file = await openRegular(path, { append: true, create: true, mode: 0o600 });
      if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
      return file;
    } catch (e) {
      throw new StorageError("cannot create the log", path, e);
    }
  }
}
