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
import { ArrivalOrder } from "./arrival_order.ts";
import {
  type ByteLineHandler,
  ByteLineSplitter,
  MAX_PIECE_BYTES,
  PARTIAL_FLUSH_MS,
} from "./line_splitter.ts";

export {
  type ByteLineHandler,
  ByteLineSplitter,
  MAX_PIECE_BYTES,
  PARTIAL_FLUSH_MS,
  PARTIAL_MAX_WAIT_MS,
} from "./line_splitter.ts";

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
  /**
   * Publish a line's start that waited this long for its line feed as an early piece
   * (see {@link ByteLineHandler}); absent: a line waits for its end (for readers that
   * want whole lines, e.g. to recognise a message).
   */
  partialFlushMs?: number;
  /**
   * Shared by the readers of one process's streams: numbers the chunks as they arrive,
   * and publishes the final unterminated line of each stream once all of them ended, in
   * that order (see {@link ArrivalOrder}); absent: at this stream's end.
   */
  order?: ArrivalOrder;
  /**
   * The process whose output this is may exit while a receiver holds reading back: from
   * then on this reader reads on without waiting (see {@link ExitDrain}).
   */
  drain?: ExitDrain;
}

/**
 * Reads `stream` to its end and calls `onLine` once per line or piece (see
 * {@link ByteLineHandler}); a final unterminated line is flushed at the end (with
 * `options.order`, at the end of the last stream of its order). Reads no further while a
 * promise returned by `onLine` is pending.
 */
export async function forEachByteLine(
  stream: ReadableStream<Uint8Array>,
  onLine: ByteLineHandler,
  options: ByteLineOptions = {},
): Promise<void> {
  const splitter = newSplitter(onLine, options);
  const reader = stream.getReader();
  const stop = () => reader.cancel().catch(() => {});
  const { signal } = options;
  if (signal?.aborted) stop();
  else signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const waiting = gate(splitter.push(value), value.length, options.drain);
      if (waiting) await untilAborted(waiting, signal);
      if (options.ownChunks) release(value);
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
  await untilAborted(gate(ended(splitter, options.order), 0, options.drain), signal);
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
  const splitter = newSplitter(onLine, options);
  const { drain, signal } = options;
  await child.readOutput(
    stream,
    drain
      ? (chunk) => drain.gate(splitter.push(chunk), chunk.length)
      : (chunk) => splitter.push(chunk),
    signal,
  );
  // Awaited only when there is something to wait for (an await of nothing costs a turn).
  const flushing = untilAborted(gate(ended(splitter, options.order), 0, drain), signal);
  if (flushing) await flushing;
}

/** The splitter of one stream, as `options` ask (both readers make theirs alike). */
function newSplitter(onLine: ByteLineHandler, options: ByteLineOptions): ByteLineSplitter {
  return new ByteLineSplitter(
    onLine,
    options.maxPiece ?? MAX_PIECE_BYTES,
    options.partialFlushMs ?? null,
    options.order ?? null,
  );
}

/**
 * `splitter`'s stream ended: its unterminated line is published now, or, in an `order`,
 * with the others' once the last stream ends (what bytes came first, not which pipe's
 * EOF was seen first, decides which tail comes first).
 */
function ended(
  splitter: ByteLineSplitter,
  order: ArrivalOrder | undefined,
): Promise<unknown> | undefined {
  return order ? order.ended(splitter) : splitter.flush();
}

/** `waiting` (a receiver's backpressure) as `drain` lets a reader wait on it, if any. */
function gate(
  waiting: Promise<unknown> | undefined,
  bytes: number,
  drain: ExitDrain | undefined,
): Promise<unknown> | undefined {
  return drain ? drain.gate(waiting, bytes) : waiting;
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

const decoder = new TextDecoder();

/** A line given to `TaskContext.emit` as text: bytes decoded as UTF-8 (invalid → U+FFFD). */
export function lineText(line: string | Uint8Array): string {
  return typeof line === "string" ? line : decoder.decode(line);
}

/**
 * Streams both outputs of `child` to `to.emit` line by line ({@link readByteLines}: same
 * pieces, same backpressure while it runs), waits for its group to end and its pipes to
 * drain ({@link ExitDrain}), and returns its exit status. What shell, script and docker
 * tasks do with the process they started.
 */
export async function emitUntilExit(
  child: SpawnedProcess,
  to: Pick<TaskContext, "emit">,
): Promise<{ code: number | null; signal: string | null }> {
  const stopReading = new AbortController();
  // What a task printed reaches the log even before it ends the line (a prompt, a bar);
  // both streams' last unended lines reach it in the order they were printed.
  const drain = new ExitDrain();
  const options = {
    signal: stopReading.signal,
    partialFlushMs: PARTIAL_FLUSH_MS,
    order: new ArrivalOrder(2),
    drain,
  };
  let drained = false;
  const pumps = Promise.all([
    readByteLines(
      child,
      "stdout",
      (line, more, cont, early, unended) => to.emit("stdout", line, more, cont, early, unended),
      options,
    ),
    readByteLines(
      child,
      "stderr",
      (line, more, cont, early, unended) => to.emit("stderr", line, more, cont, early, unended),
      options,
    ),
  ]).then((value) => {
    drained = true;
    return value;
  });
  const status = await child.status;
  drain.exited(); // what is left in the pipes is read on, whatever the receivers' pace
  // Most often both pipes ended in the same turn of the reactor as the process, and their
  // readers settle within a few microtasks (no other task runs meanwhile): then no timer.
  if (drained || await within(SETTLE_MICROTASKS, () => drained)) await pumps; // its errors
  else await drain.grace(pumps, stopReading);
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

/**
 * After a task's process exits, how long its output pipes may stay open while weft is
 * ready to read them (time in which a receiver held reading back does not count).
 */
const DRAIN_GRACE_MS = 1000;

/**
 * What the readers of an exited process's pipes may read on without waiting for their
 * receivers (the display of a terminal or pipe that is behind, the log writer): what the
 * pipes hold when the process ends (a pipe's capacity, 64 KiB on Linux, per stream) and
 * what a process it left running writes to them meanwhile, up to the display's and the
 * log writer's own bound of queued text (cli/render/progress.ts MAX_QUEUED_TEXT,
 * store/log_files.ts MAX_QUEUED_BYTES). Past it, they wait for their receivers again.
 */
const AFTER_EXIT_BYTES = 1024 * 1024;

/** The abort reason of ExitDrain's exit signal: nothing reads it, but a reason is cheap. */
const EXITED = "exited";

/**
 * The end of a process's output, shared by the readers of its pipes.
 *
 * While the process runs, a receiver that is behind holds its reader back (backpressure:
 * the process then blocks on a full pipe, and memory stays flat). Once the process has
 * exited, nothing is gained by holding back: its readers read on without waiting (up to
 * {@link AFTER_EXIT_BYTES}), so the task ends when its output is read, not when a slow
 * reader of weft's display has caught up, and no byte is left in the pipe.
 *
 * A pipe may stay open after the exit: a process that left the group (setsid) still
 * holds it. The readers then stop after {@link DRAIN_GRACE_MS} of time in which they were
 * ready to read and no output came (output within {@link AFTER_EXIT_BYTES} starts it
 * again); time in which a receiver held one back does not count (the pipe may be
 * full of output only waiting for weft), so reading never stops while output is left
 * unread because weft itself was behind.
 */
export class ExitDrain {
  #exited = false;
  /** Aborted at the exit: a reader waiting for its receiver since before reads on. */
  readonly #exit = new AbortController();
  /** What may still be read after the exit without waiting for receivers. */
  #left = AFTER_EXIT_BYTES;
  /** Readers held back by their receiver after the exit (past {@link AFTER_EXIT_BYTES}). */
  #held = 0;
  /** The grace's clock: ms still to run, when it last started running, and its timer. */
  #graceLeft = DRAIN_GRACE_MS;
  #since = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stop: (() => void) | null = null;

  /** The process has exited. */
  exited(): void {
    this.#exited = true;
    // With a reason: abort() without one makes a DOMException, whose stack trace cost
    // ~50 µs per task on a chain of short tasks (CPU profile of the bench's chain).
    this.#exit.abort(EXITED);
  }

  /**
   * What a reader that read `bytes` waits on instead of `waiting`, its receiver's
   * backpressure: before the exit, `waiting` until the exit; after it, nothing while
   * {@link AFTER_EXIT_BYTES} lasts, then `waiting`, with the grace's clock stopped.
   */
  gate(waiting: Promise<unknown> | undefined, bytes: number): Promise<unknown> | undefined {
    if (!this.#exited) return untilAborted(waiting, this.#exit.signal);
    this.#left -= bytes;
    // Output still coming in (within the bound) starts the grace again: the time weft
    // spends on a backlog of short lines is no pipe left open for nothing.
    if (bytes > 0 && this.#left >= 0) this.#restart();
    if (!waiting || this.#left >= 0) return undefined;
    if (this.#held++ === 0) this.#pause();
    return waiting.finally(() => {
      if (--this.#held === 0) this.#run();
    });
  }

  /**
   * Waits for `pumps`, the readers of the exited process's pipes, for at most
   * {@link DRAIN_GRACE_MS} of time in which none was held back by its receiver, then
   * aborts `stopReading` (the readers' signal): a process that left the group (setsid)
   * may still hold the pipes open, and the task must not wait for it.
   */
  async grace(pumps: Promise<unknown>, stopReading: AbortController): Promise<void> {
    this.#stop = () => stopReading.abort();
    if (this.#held === 0) this.#run();
    try {
      await pumps;
    } finally {
      this.#stop = null;
      this.#pause();
    }
  }

  /** Starts the grace's clock (if the grace is under way). */
  #run(): void {
    if (!this.#stop || this.#timer !== undefined) return;
    this.#since = performance.now();
    this.#timer = setTimeout(() => this.#stop?.(), Math.max(0, this.#graceLeft));
  }

  /** Gives the grace its whole time again, its clock running on if it ran. */
  #restart(): void {
    const running = this.#timer !== undefined;
    this.#pause();
    this.#graceLeft = DRAIN_GRACE_MS;
    if (running) this.#run();
  }

  /** Stops the grace's clock, keeping what is left of it. */
  #pause(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#graceLeft -= performance.now() - this.#since;
  }
}
