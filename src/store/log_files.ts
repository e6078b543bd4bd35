/**
 * Per-attempt log files: `<logsDir>/<run-id>/<task-id>.<attempt>.log`.
 *
 * Format: one line per output line, prefixed by its stream — `O ` for stdout, `E ` for
 * stderr — then the line as the task printed it, then `\n`. `grep '^E '` finds the
 * errors; `weft logs` strips the prefix. Lines are appended through a small buffer
 * flushed every few milliseconds, so a crash loses at most the last few ms of output.
 * Folders are created 0700, files 0600.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";

/** How often buffered lines are written out. */
export const LOG_FLUSH_INTERVAL_MS = 20;
const FLUSH_AT_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The log file of one attempt, relative to the logs folder. */
export function logFilePath(runId: string, taskId: string, attempt: number): string {
  // Task ids are [A-Za-z0-9_-] in the model; anything else (nested ids) is made file-safe.
  const safe = taskId.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return `${runId}/${safe}.${attempt}.log`;
}

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
}

/** Parses one stored line (without its `\n`). Unknown prefixes are read as stdout. */
export function parseLogLine(line: string): LogLine {
  if (line.startsWith("E ")) return { stream: "stderr", text: line.slice(2) };
  if (line.startsWith("O ")) return { stream: "stdout", text: line.slice(2) };
  return { stream: "stdout", text: line };
}

/**
 * Reads the complete lines of a log file from byte `offset` on. A partly written last
 * line is left for the next read. A missing file reads as empty.
 */
export async function readLogFrom(
  path: string,
  offset = 0,
): Promise<{ lines: LogLine[]; nextOffset: number }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { lines: [], nextOffset: offset };
    throw e;
  }
  try {
    await file.seek(offset, Deno.SeekMode.Start);
    const chunks: Uint8Array[] = [];
    for await (const chunk of file.readable) chunks.push(chunk);
    const bytes = concat(chunks);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const text = decoder.decode(bytes.subarray(0, end));
    const lines = text ? text.slice(0, -1).split("\n").map(parseLogLine) : [];
    return { lines, nextOffset: offset + end };
  } finally {
    try {
      file.close();
    } catch { /* already closed by the readable stream */ }
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Creates a folder (and parents) readable by its owner only. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  // mkdir's mode is reduced by the umask; set it exactly.
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o700);
}

interface OpenLog {
  pending: string[];
  pendingBytes: number;
  file: Deno.FsFile | null;
  size: number;
  /** Writes to one file happen one after another. */
  chain: Promise<void>;
}

/** Buffered appenders for the log files of the runs being recorded. */
export class LogWriter {
  readonly #logs = new Map<string, OpenLog>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly logsDir: string) {}

  /** Queues one output line for a file (relative path); never blocks. */
  append(relPath: string, stream: OutputStream, line: string): void {
    let log = this.#logs.get(relPath);
    if (!log) {
      log = { pending: [], pendingBytes: 0, file: null, size: 0, chain: Promise.resolve() };
      this.#logs.set(relPath, log);
    }
    const text = formatLogLine(stream, line);
    log.pending.push(text);
    log.pendingBytes += text.length;
    if (log.pendingBytes >= FLUSH_AT_BYTES) this.#flush(relPath, log);
    else this.#schedule();
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
    const size = await this.flush(relPath);
    const log = this.#logs.get(relPath);
    if (log) {
      await log.chain;
      log.file?.close();
      this.#logs.delete(relPath);
    }
    return size;
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
      this.flushAll().catch(() => {/* reported by the next explicit flush */});
    }, LOG_FLUSH_INTERVAL_MS);
    // A pending flush must not keep the process alive; the recorder's flush() drains it.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #flush(relPath: string, log: OpenLog): Promise<void> {
    if (log.pending.length === 0) return log.chain;
    const bytes = encoder.encode(log.pending.join(""));
    log.pending = [];
    log.pendingBytes = 0;
    log.chain = log.chain.then(async () => {
      if (!log.file) log.file = await this.#open(relPath);
      let written = 0;
      while (written < bytes.length) written += await log.file.write(bytes.subarray(written));
      log.size += bytes.length;
    });
    return log.chain;
  }

  async #open(relPath: string): Promise<Deno.FsFile> {
    const path = `${this.logsDir}/${relPath}`;
    await ensurePrivateDir(path.slice(0, path.lastIndexOf("/")));
    const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
    if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
    return file;
  }
}
