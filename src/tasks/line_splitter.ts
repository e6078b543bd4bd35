/**
 * Cutting a child's output bytes into lines and pieces of lines (see byte_lines.ts, which
 * reads the streams): a line up to {@link MAX_PIECE_BYTES} is published whole, a longer
 * one in flagged pieces, and the start of a line the child paused on, after
 * {@link PARTIAL_FLUSH_MS}, as an early piece.
 * @module
 */
import type { ArrivalOrder, OrderedTail } from "./arrival_order.ts";

/** Longest piece of a line published at once, in bytes. */
export const MAX_PIECE_BYTES = 64 * 1024;

/**
 * How long the start of a line (a prompt, a progress bar's `10%\r20%\r` states) waits
 * for its line feed before it is published as a piece of its line: the log writer's
 * flush interval (store/log_files.ts), so that what a task printed reaches the log
 * within a few tens of ms whether or not it ended the line (README: a crash loses at
 * most the last few milliseconds).
 */
export const PARTIAL_FLUSH_MS = 20;

/**
 * Longest wait for a pause in the output before a line's start is published anyway (a
 * progress bar redrawing itself without a line feed, many times a second).
 */
export const PARTIAL_MAX_WAIT_MS = 1000;

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

/**
 * Receives output bytes: a whole line (without `\n` and a `\r` before it), or a piece
 * of a longer one — `continues`: more of this line follows; `continuation`: this goes on
 * with the line of the previous call. The bytes may be a view of a buffer the stream
 * reuses: copy what is kept past the call. A returned promise holds back reading until
 * it settles (backpressure); other results are ignored. `early`: this piece, or the line's
 * earlier piece, was published because the output paused mid-line (see
 * {@link PARTIAL_FLUSH_MS}), not because the line is long: a display puts such pieces
 * back together (cli/render/cut.ts LineJoiner) rather than cutting the line; the log joins
 * them as any pieces. Set while the line is no longer than a piece. `unended`: the
 * stream ended inside this line, which the child never ended with a line feed (`printf
 * 'abc'`); `continues` is false (nothing more comes): a reader of lines takes it as the
 * last line, the log keeps that it had no newline, so `weft logs` gives back the bytes.
 */
export type ByteLineHandler = (
  line: Uint8Array,
  continues: boolean,
  continuation: boolean,
  early: boolean,
  unended: boolean,
) => unknown;

/** Cuts bytes arriving in arbitrary chunks into lines and pieces of long lines. */
export class ByteLineSplitter implements OrderedTail {
  /** The current line's bytes not yet published (at most `maxPiece`), allocated on need. */
  #buffer: Uint8Array | null = null;
  #length = 0;
  /** A piece of the current line was published already. */
  #started = false;
  #waiting: Promise<unknown>[] = [];
  readonly #maxPiece: number;
  /** Bytes of the current line published so far. */
  #lineBytes = 0;
  /** A piece of the current line was published early (see {@link PARTIAL_FLUSH_MS}). */
  #earlyLine = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer was set for the bytes held now, and whether more came since. */
  #pendingSince = 0;
  #pushed = false;
  /** The arrival number of the chunk pushed last (see {@link ArrivalOrder}). */
  #stamp = 0;
  /** The arrival numbers of the first byte held now and of the open line's start. */
  #heldSince = 0;
  #lineSince = 0;

  /**
   * `partialFlushMs`: publish a line's start that waited that long for its end (null:
   * never, the line waits for its line feed or the stream's end). `order`: the clock
   * shared with the process's other output streams, numbering each chunk pushed here.
   */
  constructor(
    private readonly onLine: ByteLineHandler,
    maxPiece: number = MAX_PIECE_BYTES,
    private readonly partialFlushMs: number | null = null,
    private readonly order: ArrivalOrder | null = null,
  ) {
    this.#maxPiece = Math.max(4, maxPiece);
  }

  /**
   * Publishes the bytes of the unfinished line held here as an early piece of it, but a
   * last `\r` (its `\n` may follow: a CRLF's CR goes with it) or a UTF-8 sequence not yet
   * complete. Called by the timer {@link push} sets; what a receiver returns is waited
   * for at the next push.
   */
  #flushPartial = (): void => {
    this.#timer = undefined;
    if (this.#length === 0) return;
    // Output still flowing (a chunk ending mid-line, its rest just behind): wait for a
    // pause, so that lines printed fast are not shown cut, but no longer than a second.
    if (this.#pushed && performance.now() - this.#pendingSince < PARTIAL_MAX_WAIT_MS) {
      this.#pushed = false;
      this.#timer = setTimeout(this.#flushPartial, this.partialFlushMs!);
      return;
    }
    const buffer = this.#buffer!;
    let take = this.#length;
    // Step back to the start of a UTF-8 sequence that may still be incomplete.
    let back = 0;
    while (back < 3 && take - back - 1 >= 0 && (buffer[take - back - 1] & 0xc0) === 0x80) back++;
    const lead = take - back - 1;
    if (lead >= 0 && buffer[lead] >= 0xc0) {
      const need = buffer[lead] >= 0xf0 ? 4 : buffer[lead] >= 0xe0 ? 3 : 2;
      if (back + 1 < need) take = lead;
    }
    if (take > 0 && buffer[take - 1] === CR) take--;
    if (take <= 0) return;
    const rest = buffer.slice(take, this.#length);
    this.#length = take;
    this.#publish(this.#take(), true, true);
    this.#store(rest);
  };

  /**
   * Adds a chunk; publishes every line it completes and every full piece of a line
   * longer than the piece size. Returns a promise when a handler asked to wait.
   */
  push(chunk: Uint8Array): Promise<unknown> | undefined {
    if (this.order) this.#stamp = this.order.next();
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
    if (this.#length > 0 && this.partialFlushMs !== null) {
      // The line held now began in this chunk when a line ended in it.
      if (start > 0 || this.#timer === undefined) this.#pendingSince = performance.now();
      if (this.#timer === undefined) {
        this.#pushed = false;
        this.#timer = setTimeout(this.#flushPartial, this.partialFlushMs);
      } else this.#pushed = true;
    }
    return this.#collect();
  }

  /** See {@link OrderedTail.tailSince}: where the unended tail {@link flush} publishes began. */
  get tailSince(): number {
    if (this.#length > 0) return this.#heldSince;
    return this.#started ? this.#lineSince : Infinity;
  }

  /** Publishes the last, unterminated line if there is one, flagged `unended`. */
  flush(): Promise<unknown> | undefined {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#length > 0 || this.#started) this.#end(true);
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

  /** Ends the current line: at a line feed, or (`unended`) at the stream's end. */
  #end(unended = false): void {
    let line = this.#take();
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
    this.#publish(line, false, false, unended);
  }

  #store(bytes: Uint8Array): void {
    // Bytes held from an empty buffer arrived with the chunk pushed last.
    if (this.#length === 0) {
      this.#heldSince = this.#stamp;
      if (!this.#started) this.#lineSince = this.#stamp;
    }
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

  #publish(bytes: Uint8Array, continues: boolean, early = false, unended = false): void {
    this.#lineBytes += bytes.length;
    this.#earlyLine ||= early;
    // Shown as they come while the line is no longer than a piece; beyond, as a long line.
    const shown = this.#earlyLine && this.#lineBytes <= this.#maxPiece;
    const waiting = this.onLine(bytes, continues, this.#started, shown, unended);
    if (waiting instanceof Promise) this.#waiting.push(waiting);
    this.#started = continues;
    if (!continues) {
      this.#lineBytes = 0;
      this.#earlyLine = false;
    }
  }

  #collect(): Promise<unknown> | undefined {
    if (this.#waiting.length === 0) return undefined;
    const all = Promise.all(this.#waiting);
    this.#waiting = [];
    return all;
  }
}
