/**
 * Per-attempt log files: `<logsDir>/<run-id>/<task-id>.<attempt>.log`.
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
 * never takes a cut line for a finished one.
 *
 * The writer holds at most {@link MAX_QUEUED_BYTES} per file; beyond that `append`
 * returns a promise, and the caller waits for the disk before producing more.
 * @module
 */
import { sha256 } from "./sha256.ts";
import type { OutputStream } from "../engine/events.ts";
import { StorageError } from "./faults.ts";

/** How often buffered lines are written out. */
export const LOG_FLUSH_INTERVAL_MS = 20;
const FLUSH_AT_BYTES = 64 * 1024;
/** Bytes queued for one file beyond which {@link LogWriter.append} asks its caller to wait. */
export const MAX_QUEUED_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/** Names used as they are: short, and only characters that mean nothing to a file system. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

/**
 * A file name (no `/`, never `.` or `..`, at most ~70 bytes) for a task id or run id.
 * Plain names (up to 100 of `A-Za-z0-9_.-`, not starting with `.`) are kept as they
 * are; anything else — long ids, `/`, `..`, spaces, unicode — becomes a readable part
 * (its safe characters, cut to 48) plus `~` and 16 hex digits of its SHA-256. `~` never
 * occurs in a plain name, so two ids never share a file.
 */
export function safeFileName(id: string): string {
  if (PLAIN_NAME.test(id)) return id;
  const readable = id.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 48);
  const hash = sha256().update(id, "utf16le").digest("hex").slice(0, 16);
  return `${readable}~${hash}`;
}

/**
 * The log file of one attempt, relative to the logs folder:
 * `<run>/<task>.<attempt>.log` with both names made safe by {@link safeFileName}.
 * Attempt records keep this path, so `weft logs RUN TASK` finds the file by the id.
 */
export function logFilePath(runId: string, taskId: string, attempt: number): string {
  return `${safeFileName(runId)}/${safeFileName(taskId)}.${attempt}.log`;
}

/** The folder of a run's log files, relative to the logs folder. */
export function logDirName(runId: string): string {
  return safeFileName(runId);
}

/** The marker record written after a cut record of each stream (see the module doc). */
export const CUT_MARK: Readonly<Record<OutputStream, string>> = { stdout: "~O", stderr: "~E" };

/** One line as stored: `O text` or `E text`. */
export function formatLogLine(stream: OutputStream, line: string): string {
  // A line never contains a newline; if one does, each part becomes its own line.
  const tag = stream === "stderr" ? "E " : "O ";
  return line.split("\n").map((part) => tag + part + "\n").join("");
}

/** A stored line read back. */
export interface LogLine {
  stream: OutputStream;
  text: string;
  /** A continuation record (`o `, `e `): the rest of the stream's previous line. */
  continuation?: true;
}

/**
 * Parses one stored line (without its `\n`). Unknown prefixes are read as stdout. A cut
 * marker ({@link CUT_MARK}) reads as an empty continuation: it adds nothing to a line.
 */
export function parseLogLine(line: string): LogLine {
  if (line === CUT_MARK.stdout) return { stream: "stdout", text: "", continuation: true };
  if (line === CUT_MARK.stderr) return { stream: "stderr", text: "", continuation: true };
  if (line.startsWith("E ")) return { stream: "stderr", text: line.slice(2) };
  if (line.startsWith("O ")) return { stream: "stdout", text: line.slice(2) };
  if (line.startsWith("o ")) return { stream: "stdout", text: line.slice(2), continuation: true };
  if (line.startsWith("e ")) return { stream: "stderr", text: line.slice(2), continuation: true };
  return { stream: "stdout", text: line };
}

/**
 * Creates a folder (and missing parents) readable by its owner only. Only folders it
 * creates get mode 0700: an existing folder keeps its mode (it is the user's, e.g. a
 * shared or read-only mount), but must be a folder. OS errors are thrown as they are
 * (with `code`); callers wrap them in a StorageError naming what they were doing.
 * `makeParents: false` is the one retry after the parents were made.
 */
export async function ensurePrivateDir(path: string, makeParents = true): Promise<void> {
  try {
    await Deno.mkdir(path, { mode: 0o700 });
  } catch (e) {
    const parent = path.slice(0, path.replace(/\/+$/, "").lastIndexOf("/"));
    if (e instanceof Deno.errors.NotFound && makeParents && parent !== "") {
      await ensurePrivateDir(parent);
      return await ensurePrivateDir(path, false);
    }
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    // Existing: leave its mode alone, but a file in its place is an error.
    if (!(await Deno.stat(path)).isDirectory) {
      throw Object.assign(new Error(`Not a directory: mkdir '${path}'`), { code: "EEXIST" });
    }
    return;
  }
  // mkdir's mode is reduced by the umask; set it exactly, on the folder weft just made.
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o700);
}

interface OpenLog {
  /** Set when a write failed: the rest of this file's lines are dropped. */
  broken: boolean;
  /** Bytes buffered for the file: `pending[0..pendingBytes)`. */
  pending: Uint8Array;
  pendingBytes: number;
  /** Bytes handed to `chain` and not yet written. */
  queued: number;
  /** The stream whose long line is unfinished in the file (its last record has no `\n` yet). */
  open: OutputStream | null;
  file: Deno.FsFile | null;
  size: number;
  /** Writes to one file happen one after another. */
  chain: Promise<void>;
  /** Written buffers kept for reuse, shared by the writer's files (see {@link recycle}). */
  spare: Uint8Array[];
}

/**
 * Buffered appenders for the log files of the runs being recorded. A write that fails
 * (disk full, I/O error) never rejects anywhere unawaited: it becomes a StorageError
 * naming the file, passed once to `onError` and kept for {@link LogWriter.takeError};
 * that file takes no more lines (they could not be written in order anyway).
 */
export class LogWriter {
  readonly #logs = new Map<string, OpenLog>();
  readonly #spare: Uint8Array[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #error: StorageError | null = null;
  #reported = false;
  #stopped = false;

  constructor(
    readonly logsDir: string,
    private readonly onError: (error: StorageError) => void = () => {},
  ) {}

  /**
   * Queues one output line (text, or the raw bytes a process printed) for a file
   * (relative path); with `continues`/`continuation` a piece of a long line (see
   * tasks/byte_lines.ts). Never blocks; returns a promise when the file is more than
   * {@link MAX_QUEUED_BYTES} behind, for the caller to wait on before producing more.
   */
  append(
    relPath: string,
    stream: OutputStream,
    line: string | Uint8Array,
    continues = false,
    continuation = false,
  ): Promise<void> | undefined {
    let log = this.#logs.get(relPath);
    if (!log) {
      log = {
        broken: false,
        pending: EMPTY,
        pendingBytes: 0,
        queued: 0,
        open: null,
        file: null,
        size: 0,
        chain: Promise.resolve(),
        spare: this.#spare,
      };
      this.#logs.set(relPath, log);
    }
    if (log.broken || this.#stopped) return;
    if (typeof line === "string" && line.includes("\n")) {
      // Text with newlines (from a runner, not a process): each part is its own line,
      // except that a piece of a long line never contains one (a stray one is dropped).
      if (continues || continuation) line = line.replaceAll("\n", "");
      else {
        let waiting: Promise<void> | undefined;
        for (const part of line.split("\n")) waiting = this.append(relPath, stream, part);
        return waiting;
      }
    }
    appendRecord(log, stream, line, continues, continuation);
    if (log.pendingBytes < FLUSH_AT_BYTES) {
      this.#schedule();
      return;
    }
    this.#flush(relPath, log);
    if (log.queued > MAX_QUEUED_BYTES) return log.chain;
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
    if (unfinished?.open) {
      // The attempt ended in the middle of a long line: end its record.
      put(unfinished, NEWLINE);
      unfinished.open = null;
    }
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
   * Writes nothing more, to any file: lines buffered and to come are dropped. For a run
   * stopped by a fault, so its last output does not take the room its records need.
   */
  stop(): void {
    this.#stopped = true;
    for (const log of this.#logs.values()) {
      log.broken = true;
      log.pending = EMPTY;
      log.pendingBytes = 0;
    }
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
      if (log.broken) return;
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
    this.#error ??= error;
    if (this.#reported) return;
    this.#reported = true;
    this.onError(error);
  }

  async #open(relPath: string): Promise<Deno.FsFile> {
    const path = `${this.logsDir}/${relPath}`;
    const dir = path.slice(0, path.lastIndexOf("/"));
    try {
      await ensurePrivateDir(dir);
    } catch (e) {
      throw new StorageError("cannot create the log folder", dir, e);
    }
    try {
      // A new file: mode 0600 (the umask can only narrow it; chmod restores owner rw).
      const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
      if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
      return file;
    } catch (e) {
      throw new StorageError("cannot create the log", path, e);
    }
  }
}

const EMPTY = new Uint8Array(0);
const NEWLINE = new Uint8Array([0x0a]);
const TAGS: Readonly<Record<string, Uint8Array>> = {
  O: encoder.encode("O "),
  E: encoder.encode("E "),
  o: encoder.encode("o "),
  e: encoder.encode("e "),
};
const CUT_RECORDS: Readonly<Record<OutputStream, Uint8Array>> = {
  stdout: encoder.encode(`\n${CUT_MARK.stdout}\n`),
  stderr: encoder.encode(`\n${CUT_MARK.stderr}\n`),
};

/**
 * Buffers the stored form of one line or piece of a long line (no newline in it);
 * cuts the other stream's unfinished long line first if there is one. Updates `log.open`.
 */
function appendRecord(
  log: OpenLog,
  stream: OutputStream,
  text: string | Uint8Array,
  continues: boolean,
  continuation: boolean,
): void {
  if (log.open !== null && (log.open !== stream || !continuation)) {
    // Cut the unfinished line here; its rest comes as a continuation record. A line of
    // the same stream that starts anew simply ended the old one.
    put(log, log.open !== stream ? CUT_RECORDS[log.open] : NEWLINE);
    log.open = null;
  }
  if (!continuation || log.open !== stream) {
    const tag = stream === "stderr" ? "E" : "O";
    put(log, TAGS[continuation ? tag.toLowerCase() : tag]);
  }
  if (typeof text === "string") putText(log, text);
  else put(log, text);
  if (continues) log.open = stream;
  else {
    put(log, NEWLINE);
    log.open = null;
  }
}

/** Size of the writer's usual buffer: a flush threshold's worth and the line that crossed it. */
const BUFFER_BYTES = FLUSH_AT_BYTES + 256;
/** Written buffers kept for reuse per writer: enough for a few files flushing at once. */
const MAX_SPARE = 4;

/**
 * Room for `more` bytes in the file's buffer: after a flush handed the buffer over, a
 * spare one (written already) or a new one.
 */
function reserve(log: OpenLog, more: number): void {
  const need = log.pendingBytes + more;
  if (need <= log.pending.length) return;
  if (log.pending === EMPTY && need <= BUFFER_BYTES && log.spare.length > 0) {
    log.pending = log.spare.pop()!;
    return;
  }
  const grown = new Uint8Array(Math.max(need, BUFFER_BYTES, 2 * log.pending.length));
  grown.set(log.pending.subarray(0, log.pendingBytes));
  const outgrown = log.pending;
  log.pending = grown;
  recycle(log, outgrown);
}

/**
 * Takes back a buffer nothing refers to any more (written, or outgrown): kept for reuse
 * when of the usual size, else its memory is freed at once by detaching it. A task
 * printing 200 MB otherwise leaves a new 64 KiB array per flush for the garbage
 * collector, which lets tens of MiB of them pile up (V8 collects external memory lazily).
 */
function recycle(log: OpenLog, buffer: Uint8Array): void {
  if (buffer === EMPTY || buffer === log.pending) return;
  if (buffer.length === BUFFER_BYTES && log.spare.length < MAX_SPARE) log.spare.push(buffer);
  else if (buffer.buffer instanceof ArrayBuffer && buffer.byteOffset === 0) {
    buffer.buffer.transfer(0);
  }
}

function put(log: OpenLog, bytes: Uint8Array): void {
  reserve(log, bytes.length);
  log.pending.set(bytes, log.pendingBytes);
  log.pendingBytes += bytes.length;
}

function putText(log: OpenLog, text: string): void {
  reserve(log, 3 * text.length); // UTF-8 takes at most 3 bytes per UTF-16 unit
  const { written } = encoder.encodeInto(text, log.pending.subarray(log.pendingBytes));
  log.pendingBytes += written;
}
