/**
 * Streams a child's output line by line as it arrives, never holding it whole.
 * @module
 */

/** Longest line published as one; longer ones are split into pieces of this size. */
export const MAX_LINE_CHARS = 64 * 1024;

/** Options of {@link forEachLine}. */
export interface LineOptions {
  /** Longest line in characters (default {@link MAX_LINE_CHARS}). */
  maxLine?: number;
  /** Stops reading (the stream is cancelled); what was read so far is still flushed. */
  signal?: AbortSignal;
}

/**
 * Reads `stream` to its end and calls `onLine` once per line: split on `\n`, a
 * trailing `\r` removed, a final partial line flushed at the end, and any line longer
 * than `maxLine` characters cut into pieces. Invalid UTF-8 becomes U+FFFD.
 */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
  options: LineOptions = {},
): Promise<void> {
  const splitter = new LineSplitter(onLine, options.maxLine ?? MAX_LINE_CHARS);
  const text = stream.pipeThrough(new TextDecoderStream(), { signal: options.signal });
  try {
    for await (const chunk of text) splitter.push(chunk);
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  }
  splitter.flush();
}

/** Cuts text arriving in arbitrary chunks into lines. */
export class LineSplitter {
  #pending = "";
  constructor(private readonly onLine: (line: string) => void, private readonly maxLine: number) {}

  /** Adds a chunk; publishes every line it completes. */
  push(chunk: string): void {
    const text = this.#pending + chunk;
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      this.#emit(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    let rest = text.slice(start);
    // A line with no end in sight: publish it in pieces rather than grow without bound.
    while (rest.length > this.maxLine) {
      this.onLine(rest.slice(0, this.maxLine));
      rest = rest.slice(this.maxLine);
    }
    this.#pending = rest;
  }

  /** Publishes the last, unterminated line if there is one. */
  flush(): void {
    if (this.#pending.length > 0) this.#emit(this.#pending);
    this.#pending = "";
  }

  #emit(line: string): void {
    this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }
}
