/**
 * Streams a child's output line by line as it arrives, never holding it whole.
 *
 * A line of any length is published whole: one call for a line up to
 * {@link MAX_LINE_CHARS}, and for a longer one a sequence of pieces of at most that
 * size, flagged so that receivers can put it back together (the log file stores it as
 * one line) or keep only its start (the terminal shows a bounded, marked prefix).
 * Memory holds at most one piece per stream, whatever the task prints.
 * @module
 */

/** Longest piece of a line published at once, in UTF-16 characters. */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Receives output: `line` is a whole line, or a piece of one when the line is longer
 * than the piece size. `continues`: more of this line follows in the next call;
 * `continuation`: this continues the line of the previous call. A returned promise
 * holds back reading until it settles (backpressure); other results are ignored.
 */
export type LineHandler = (
  line: string,
  continues: boolean,
  continuation: boolean,
) => unknown;

/** Options of {@link forEachLine}. */
export interface LineOptions {
  /** Longest piece in characters (default {@link MAX_LINE_CHARS}). */
  maxLine?: number;
  /** Stops reading (the stream is cancelled); what was read so far is still flushed. */
  signal?: AbortSignal;
}

/**
 * Reads `stream` to its end and calls `onLine` once per line (or piece of a long line,
 * see {@link LineHandler}): split on `\n`, a trailing `\r` removed, a final partial line
 * flushed at the end. Invalid UTF-8 becomes U+FFFD. Reads no further while a promise
 * returned by `onLine` is pending.
 */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: LineHandler,
  options: LineOptions = {},
): Promise<void> {
  const splitter = new LineSplitter(onLine, options.maxLine ?? MAX_LINE_CHARS);
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  const stop = () => reader.cancel().catch(() => {});
  const { signal } = options;
  if (signal?.aborted) stop();
  else signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const waiting = splitter.push(decoder.decode(value, { stream: true }));
      if (waiting) await waiting;
    }
    splitter.push(decoder.decode());
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
  await splitter.flush();
}

/** Cuts text arriving in arbitrary chunks into lines and pieces of long lines. */
export class LineSplitter {
  /** The current line's text not yet published, at most `maxLine` characters. */
  #parts: string[] = [];
  #length = 0;
  /** A piece of the current line was published already. */
  #started = false;
  #waiting: Promise<unknown>[] = [];

  constructor(private readonly onLine: LineHandler, private readonly maxLine: number) {}

  /**
   * Adds a chunk; publishes every line it completes, and full pieces of a line longer
   * than `maxLine`. Returns a promise when a handler asked to wait, else undefined.
   */
  push(chunk: string): Promise<unknown> | undefined {
    let start = 0;
    let newline = chunk.indexOf("\n");
    while (newline !== -1) {
      this.#add(chunk.slice(start, newline));
      this.#end();
      start = newline + 1;
      newline = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) this.#add(start === 0 ? chunk : chunk.slice(start));
    return this.#collect();
  }

  /** Publishes the last, unterminated line if there is one. */
  flush(): Promise<unknown> | undefined {
    if (this.#length > 0 || this.#started) this.#end();
    return this.#collect();
  }

  #add(text: string): void {
    while (this.#length + text.length > this.maxLine) {
      let take = this.maxLine - this.#length;
      // Never split a surrogate pair (each half would be stored as U+FFFD) nor a
      // \r from the \n that may follow it.
      const last = text.charCodeAt(take - 1);
      if (take > 1 && ((last >= 0xd800 && last <= 0xdbff) || last === 0x0d)) take--;
      this.#parts.push(text.slice(0, take));
      text = text.slice(take);
      this.#publish(this.#parts.join(""), true);
    }
    if (text.length > 0) {
      this.#parts.push(text);
      this.#length += text.length;
    }
  }

  #end(): void {
    let line = this.#parts.length === 1 ? this.#parts[0] : this.#parts.join("");
    if (line.endsWith("\r")) line = line.slice(0, -1);
    this.#publish(line, false);
  }

  #publish(text: string, continues: boolean): void {
    const waiting = this.onLine(text, continues, this.#started);
    if (waiting instanceof Promise) this.#waiting.push(waiting);
    this.#started = continues;
    this.#parts = [];
    this.#length = 0;
  }

  #collect(): Promise<unknown> | undefined {
    if (this.#waiting.length === 0) return undefined;
    const all = Promise.all(this.#waiting);
    this.#waiting = [];
    return all;
  }
}
