/**
 * A task's stdout, kept for `${tasks.ID.stdout}` while it fits: once the task has printed
 * more, the value is refused whole ({@link CutStdout}) rather than given in part, so
 * bytes past the limit are only counted, never kept, and memory stays bounded whatever
 * the task prints.
 *
 * Kept as UTF-8 bytes in one buffer that grows by doubling up to a fixed size: pushing a
 * line copies its bytes and allocates no string, so a task printing millions of lines
 * leaves no line strings behind for the garbage collector to promote and sweep.
 * @module
 */
import { sizeText } from "../bounded_file.ts";

/**
 * How much stdout is kept per task, in characters: `${tasks.ID.stdout}` is the whole
 * stdout up to this (as `$WEFT_OUTPUT` holds at most 1 MiB), never a part of it.
 */
export const STDOUT_TAIL_CHARS = 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE_BYTES = new Uint8Array([0x0a]);

/** A task's stdout lines, kept up to a limit. */
export class LineTail {
  #buffer: Uint8Array = new Uint8Array(0);
  /** Bytes pushed so far, in total: the buffer holds them all unless over #capacity. */
  #written = 0;
  #empty = true;
  /** 3 bytes per UTF-16 unit at most (a pair is 4 bytes for 2 units): room for `limit`. */
  readonly #capacity: number;

  constructor(private readonly limit: number = STDOUT_TAIL_CHARS) {
    this.#capacity = 3 * limit + 4;
  }

  /**
   * Appends one line (without its newline; text or UTF-8 bytes), or with `continuation`
   * the next piece of the last line (a long line arrives in pieces, see tasks/byte_lines.ts).
   */
  push(line: string | Uint8Array, continuation = false): void {
    const bytes = typeof line === "string" ? encoder.encode(line) : line;
    if (!continuation && !this.#empty) this.#put(NEWLINE_BYTES);
    this.#empty = false;
    this.#put(bytes);
  }

  /**
   * The lines joined with `\n` (no final newline). Whole only while {@link cut} is false:
   * read it only then.
   */
  text(): string {
    return decoder.decode(this.#buffer.subarray(0, Math.min(this.#written, this.#capacity)));
  }

  /** Bytes pushed in total (the newlines between lines included). */
  get bytes(): number {
    return this.#written;
  }

  /**
   * True when the task printed more than `limit` characters: {@link text} is then not
   * all of it, and `${tasks.ID.stdout}` refuses to give it (see {@link CutStdout}).
   */
  get cut(): boolean {
    if (this.#written > this.#capacity) return true;
    // At most `limit` characters take at most 3 bytes each: fewer bytes cannot be more.
    return this.#written > this.limit && this.text().length > this.limit;
  }

  #put(bytes: Uint8Array): void {
    const end = this.#written + bytes.length;
    if (end <= this.#capacity) {
      if (end > this.#buffer.length) this.#grow(end);
      this.#buffer.set(bytes, this.#written);
    }
    // Past the capacity nothing more is kept: the value is refused whole (cut).
    this.#written = end;
  }

  /** Grows the buffer to hold `need` bytes (doubling, capped), keeping what it holds. */
  #grow(need: number): void {
    let size = Math.max(4096, this.#buffer.length);
    while (size < need) size *= 2;
    const grown = new Uint8Array(Math.min(size, this.#capacity));
    grown.set(this.#buffer.subarray(0, this.#written));
    this.#buffer = grown;
  }
}

/**
 * The stdout of a task that printed more than the tail holds (or whose output this run
 * does not have): reading `${tasks.ID.stdout}` fails with this message
 * (expressions.ts) rather than give part of the output as if it were all of it — a
 * loop's items or a command's data would silently start inside a line.
 */
export class CutStdout {
  /** `why` it cannot be read, and what to do instead. */
  constructor(why: string, hint: string, readonly message = `${why} (${hint})`) {}

  /** The one for a task (`taskId`) that printed `bytes` bytes, over the tail's size. */
  static printed(taskId: string, bytes: number): CutStdout {
    const limit = sizeText(STDOUT_TAIL_CHARS);
    // Just over the limit rounds to the limit's own text: "more than" names it once.
    const size = sizeText(bytes);
    const held = size === limit ? `more than the ${limit}` : `${size}, over the ${limit}`;
    return new CutStdout(
      `the stdout of task "${taskId}" is ${held} weft keeps of it`,
      "write the value to a file and pass the file's path as an output",
    );
  }
}
