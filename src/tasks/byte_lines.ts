/**
 * Streams a child's output line by line as raw bytes, as it arrives: no decoding and,
 * for a line that lies within one chunk read from the pipe, no copy (the line is a view
 * of the chunk). The log file stores these bytes as they are, so `weft logs` gives back
 * exactly what the task printed, invalid UTF-8 included; only receivers that show text
 * decode it.
 *
 * A line of any length is published whole: one call for a line up to
 * {@link MAX_PIECE_BYTES}, and for a longer one a sequence of pieces of at most that
 * size, flagged so that receivers can put it back together (the log file stores it as
 * one line) or keep only its start (the terminal shows a bounded, marked prefix); see
 * {@link ByteLineHandler}. A piece never ends inside a UTF-8 sequence or on the `\r` of
 * a CRLF, so each piece decodes on its own. Memory holds at most one piece per stream,
 * whatever the task prints, and reuses it: publishing a piece allocates nothing.
 * @module
 */
import type { SpawnedProcess, TaskContext } from "./types.ts";

/** Longest piece of a line published at once, in bytes. */
export const MAX_PIECE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

/**
 * Receives output bytes: a whole line (without `\n` and a `\r` before it), or a piece
 * of a longer one — `continues`: more of this line follows; `continuation`: this goes on
 * with the line of the previous call. The bytes may be a view of a buffer the stream
 * reuses: copy what is kept past the call. A returned promise holds back reading until
 * it settles (backpressure); other results are ignored.
 */
export type ByteLineHandler = (
  line: Uint8Array,
  continues: boolean,
  continuation: boolean,
) => unknown;

/** Options of {@link forEachByteLine}. */
export interface ByteLineOptions {
  /** Longest piece in bytes (default {@link MAX_PIECE_BYTES}, at least 4). */
  maxPiece?: number;
  /** Stops reading (the stream is cancelled); what was read so far is still flushed. */
  signal?: AbortSignal;
  /**
   * The stream's chunks belong to this reader alone (a child's pipe): each is freed as
   * soon as its lines are handled, by detaching its buffer (see {@link release}). Never
   * set it for a stream whose chunks someone else still uses.
   */
  ownChunks?: boolean;
}

/**
 * Reads `stream` to its end and calls `onLine` once per line or piece (see
 * {@link ByteLineHandler}); a final unterminated line is flushed at the end. Reads no
 * further while a promise returned by `onLine` is pending.
 */
export async function forEachByteLine(
  stream: ReadableStream<Uint8Array>,
  onLine: ByteLineHandler,
  options: ByteLineOptions = {},
): Promise<void> {
  const splitter = new ByteLineSplitter(onLine, options.maxPiece ?? MAX_PIECE_BYTES);
  const reader = stream.getReader();
  const stop = () => reader.cancel().catch(() => {});
  const { signal } = options;
  if (signal?.aborted) stop();
  else signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const waiting = splitter.push(value);
      if (waiting) await untilAborted(waiting, signal);
      if (options.ownChunks) release(value);
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
  await untilAborted(splitter.flush(), signal);
}

/**
 * {@link forEachByteLine} over one output stream of a spawned child, through its
 * `readOutput` fast path when it has one (no stream and no copy per read: the chunks
 * are views of the reader's buffer, which handlers copy from as they must anyway), else
 * through the stream. Same calls of `onLine`, same backpressure, same end on `signal`.
 */
export async function readByteLines(
  child: SpawnedProcess,
  stream: "stdout" | "stderr",
  onLine: ByteLineHandler,
  options: Omit<ByteLineOptions, "ownChunks"> = {},
): Promise<void> {
  if (!child.readOutput) {
    return forEachByteLine(child[stream], onLine, { ...options, ownChunks: true });
  }
  const splitter = new ByteLineSplitter(onLine, options.maxPiece ?? MAX_PIECE_BYTES);
  await child.readOutput(stream, (chunk) => splitter.push(chunk), options.signal);
  // Awaited only when there is something to wait for (an await of nothing costs a turn).
  const flushing = untilAborted(splitter.flush(), options.signal);
  if (flushing) await flushing;
}

/**
 * Waits for `waiting` (a receiver's backpressure) until `signal` aborts: a reader told to
 * stop (its task timed out or was cancelled, and its pipes had their grace) ends even
 * while a receiver is stuck, e.g. on a terminal nobody reads (a stopped `less`, Ctrl-S).
 * The receiver still gets every line it was given; it just is not waited for any more.
 */
function untilAborted(
  waiting: Promise<unknown> | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> | undefined {
  if (!waiting || !signal) return waiting;
  if (signal.aborted) return undefined;
  return new Promise((resolve, reject) => {
    const stop = () => resolve(undefined);
    signal.addEventListener("abort", stop, { once: true });
    waiting.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

/**
 * Frees a chunk's memory now, once every handler is done with it (they copy what they
 * keep): detaching its buffer releases the bytes at once. Left to the garbage
 * collector, the 64 KiB chunks of a task printing fast pile up as tens of MiB of dead
 * external memory between collections (V8 collects it lazily). Only a chunk that is its
 * whole buffer is released; a view into someone else's buffer is left alone.
 */
function release(chunk: Uint8Array): void {
  const buffer = chunk.buffer;
  if (
    buffer instanceof ArrayBuffer && chunk.byteOffset === 0 &&
    chunk.byteLength === buffer.byteLength && buffer.byteLength >= RELEASE_AT_BYTES
  ) {
    buffer.transfer(0);
  }
}

/** Chunks at least this big are released at once (smaller ones cost the collector little). */
const RELEASE_AT_BYTES = 4096;

/** Cuts bytes arriving in arbitrary chunks into lines and pieces of long lines. */
export class ByteLineSplitter {
  /** The current line's bytes not yet published (at most `maxPiece`), allocated on need. */
  #buffer: Uint8Array | null = null;
  #length = 0;
  /** A piece of the current line was published already. */
  #started = false;
  #waiting: Promise<unknown>[] = [];
  readonly #maxPiece: number;

  constructor(private readonly onLine: ByteLineHandler, maxPiece: number = MAX_PIECE_BYTES) {
    this.#maxPiece = Math.max(4, maxPiece);
  }

  /**
   * Adds a chunk; publishes every line it completes and every full piece of a line
   * longer than the piece size. Returns a promise when a handler asked to wait.
   */
  push(chunk: Uint8Array): Promise<unknown> | undefined {
    let start = 0;
    let newline = chunk.indexOf(LF);
    while (newline !== -1) {
      if (this.#length === 0 && !this.#started && newline - start <= this.#maxPiece) {
        // The common case: a whole line inside the chunk, published as a view.
        const end = newline > start && chunk[newline - 1] === CR ? newline - 1 : newline;
        this.#publish(chunk.subarray(start, end), false);
      } else {
        this.#add(chunk.subarray(start, newline));
        this.#end();
      }
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.#add(chunk.subarray(start));
    return this.#collect();
  }

  /** Publishes the last, unterminated line if there is one. */
  flush(): Promise<unknown> | undefined {
    if (this.#length > 0 || this.#started) this.#end();
    return this.#collect();
  }

  #add(bytes: Uint8Array): void {
    const max = this.#maxPiece;
    while (this.#length + bytes.length > max) {
      let take = max - this.#length;
      // Never end a piece inside a UTF-8 sequence (each piece must decode alone) nor
      // on a \r whose \n may follow: step back over at most 3 continuation bytes.
      let back = 0;
      while (back < 3 && take - back > 0 && (bytes[take - back] & 0xc0) === 0x80) back++;
      if (take - back > 0 && (bytes[take - back] & 0xc0) !== 0x80) take -= back;
      if (take > 1 && bytes[take - 1] === CR) take--;
      this.#store(bytes.subarray(0, take));
      bytes = bytes.subarray(take);
      this.#publish(this.#take(), true);
    }
    if (bytes.length > 0) this.#store(bytes);
  }

  #end(): void {
    let line = this.#take();
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
    this.#publish(line, false);
  }

  #store(bytes: Uint8Array): void {
    const buffer = this.#buffer ??= new Uint8Array(this.#maxPiece);
    buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /**
   * The buffered bytes as a view of the buffer, leaving it empty for the next piece.
   * Not a copy: handlers copy what they keep (see {@link ByteLineHandler}), and a fresh
   * 64 KiB array per piece made a task printing long lines leave ~64 MiB of dead arrays
   * behind between collections (V8 collects external memory lazily).
   */
  #take(): Uint8Array {
    const bytes = this.#buffer ? this.#buffer.subarray(0, this.#length) : EMPTY;
    this.#length = 0;
    return bytes;
  }

  #publish(bytes: Uint8Array, continues: boolean): void {
    const waiting = this.onLine(bytes, continues, this.#started);
    if (waiting instanceof Promise) this.#waiting.push(waiting);
    this.#started = continues;
  }

  #collect(): Promise<unknown> | undefined {
    if (this.#waiting.length === 0) return undefined;
    const all = Promise.all(this.#waiting);
    this.#waiting = [];
    return all;
  }
}

const decoder = new TextDecoder();

/** A line given to `TaskContext.emit` as text: bytes decoded as UTF-8 (invalid → U+FFFD). */
export function lineText(line: string | Uint8Array): string {
  return typeof line === "string" ? line : decoder.decode(line);
}

/**
 * Streams both outputs of `child` to `to.emit` line by line ({@link readByteLines}: same
 * pieces, same backpressure), waits for its group to end and its pipes to drain
 * ({@link drainPipes}), and returns its exit status. What shell, script and docker
 * tasks do with the process they started.
 */
export async function emitUntilExit(
  child: SpawnedProcess,
  to: Pick<TaskContext, "emit">,
): Promise<{ code: number | null; signal: string | null }> {
  const stopReading = new AbortController();
  const options = { signal: stopReading.signal };
  let drained = false;
  const pumps = Promise.all([
    readByteLines(
      child,
      "stdout",
      (line, more, cont) => to.emit("stdout", line, more, cont),
      options,
    ),
    readByteLines(
      child,
      "stderr",
      (line, more, cont) => to.emit("stderr", line, more, cont),
      options,
    ),
  ]).then((value) => {
    drained = true;
    return value;
  });
  const status = await child.status;
  // Most often both pipes ended in the same turn of the reactor as the process, and their
  // readers settle within a few microtasks (no other task runs meanwhile): then no timer.
  if (drained || await within(SETTLE_MICROTASKS, () => drained)) await pumps; // its errors
  else await drainPipes(pumps, stopReading);
  return status;
}

/** Microtask turns given to readers whose pipes ended with the process (see emitUntilExit). */
const SETTLE_MICROTASKS = 8;

/**
 * Resolves true as soon as `done()` holds, checked once per microtask turn, or false
 * after `turns` turns. One promise in all: an `await null` per turn made one per turn.
 */
function within(turns: number, done: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    let left = turns;
    const check = () => {
      if (done()) resolve(true);
      else if (--left <= 0) resolve(false);
      else queueMicrotask(check);
    };
    queueMicrotask(check);
  });
}

/** After a task's process exits, how long its output pipes may take to drain. */
const DRAIN_GRACE_MS = 1000;

/**
 * Waits for `pumps`, the readers of an exited process's pipes, for at most
 * {@link DRAIN_GRACE_MS}, then aborts `stopReading` (the readers' signal): a process that
 * left the group (setsid) may still hold the pipes open, and the task must not wait for it.
 */
async function drainPipes(
  pumps: Promise<unknown>,
  stopReading: AbortController,
): Promise<void> {
  const timer = setTimeout(() => stopReading.abort(), DRAIN_GRACE_MS);
  try {
    await pumps;
  } finally {
    clearTimeout(timer);
  }
}
