/**
 * The last part of a task's stdout, kept for `${tasks.ID.stdout}`; older output falls
 * off the front so memory stays bounded whatever the task prints.
 *
 * Kept as UTF-8 bytes in one ring buffer that grows (by doubling) up to a fixed size:
 * pushing a line copies its bytes and allocates nothing, so a task printing millions of
 * lines leaves no line strings behind for the garbage collector to promote and sweep.
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
const NEWLINE = 0x0a;

/** A bounded tail of lines. */
export class LineTail {
  #ring: Uint8Array = new Uint8Array(0);
  /** Bytes written so far, in total: the ring holds the last `min(#written, size)`. */
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
   * The kept lines joined with `\n` (no final newline), at most `limit` characters.
   * `startAt(text, start)`, when given, moves where the kept text begins (at or after
   * `start`, a UTF-16 index into `text`): so that it begins after a secret rather than
   * inside it (engine/secrets.ts Secrets.around).
   */
  text(startAt?: (text: string, start: number) => number): string {
    const text = this.#kept();
    if (text.length <= this.limit) return text;
    const cut = text.length - this.limit;
    return text.slice(startAt ? Math.max(cut, startAt(text, cut)) : cut);
  }

  /** Bytes pushed in total (the newlines between lines included). */
  get bytes(): number {
    return this.#written;
  }

  /**
   * True when output fell off the front: {@link text} is then not all the task printed,
   * and `${tasks.ID.stdout}` refuses to give it (see {@link CutStdout}).
   */
  get cut(): boolean {
    if (this.#written > this.#ring.length) return true;
    // At most `limit` characters take at most 3 bytes each: fewer bytes cannot be more.
    return this.#written > this.limit && this.#kept().length > this.limit;
  }

  /** The ring's text, up to its byte capacity (maybe more than `limit` characters). */
  #kept(): string {
    const size = Math.min(this.#written, this.#ring.length);
    const start = this.#written % this.#ring.length || 0;
    const bytes = new Uint8Array(size);
    if (size === this.#ring.length && start > 0) {
      bytes.set(this.#ring.subarray(start));
      bytes.set(this.#ring.subarray(0, start), this.#ring.length - start);
    } else bytes.set(this.#ring.subarray(0, size));
    // A ring that wrapped may begin inside a UTF-8 sequence: skip its continuation bytes.
    let from = 0;
    if (this.#written > size) { while (from < 3 && (bytes[from] & 0xc0) === 0x80) from++; }
    return decoder.decode(bytes.subarray(from));
  }

  #put(bytes: Uint8Array): void {
    if (bytes.length >= this.#capacity) {
      // Only the end of so long a line can remain.
      this.#grow(this.#capacity);
      bytes = bytes.subarray(bytes.length - this.#ring.length);
    } else if (this.#written + bytes.length > this.#ring.length) {
      this.#grow(this.#written + bytes.length);
    }
    const ring = this.#ring;
    let at = this.#written % ring.length;
    let rest = bytes;
    while (rest.length > 0) {
      const n = Math.min(rest.length, ring.length - at);
      ring.set(rest.subarray(0, n), at);
      rest = rest.subarray(n);
      at = 0;
    }
    this.#written += bytes.length;
  }

  /** Grows the ring toward `need` bytes (doubling, capped), keeping what it holds. */
  #grow(need: number): void {
    if (this.#ring.length >= this.#capacity) return;
    let size = Math.max(4096, this.#ring.length);
    while (size < need && size < this.#capacity) size *= 2;
    size = Math.min(size, this.#capacity);
    if (size <= this.#ring.length) return;
    // Before the ring first fills, its bytes sit at 0..#written: no unwrapping needed.
    const grown = new Uint8Array(size);
    grown.set(this.#ring.subarray(0, this.#written));
    this.#ring = grown;
  }
}

const NEWLINE_BYTES = new Uint8Array([NEWLINE]);

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
