/**
 * The last part of a task's stdout, kept for `${tasks.ID.stdout}`; older lines fall
 * off the front so memory stays bounded whatever the task prints.
 * @module
 */

/** How much stdout is kept per task, in characters. */
export const STDOUT_TAIL_CHARS = 64 * 1024;

/** A bounded tail of lines. */
export class LineTail {
  #lines: string[] = [];
  #head = 0;
  #chars = 0;
  constructor(private readonly limit: number = STDOUT_TAIL_CHARS) {}

  /**
   * Appends one line (without its newline), or with `continuation` the next piece of
   * the last line (a long line arrives in pieces, see tasks/lines.ts).
   */
  push(line: string, continuation = false): void {
    const last = this.#lines.length - 1;
    if (continuation && last >= this.#head) {
      let joined = this.#lines[last] + line;
      // Only the end of the line can still be part of the tail.
      if (joined.length > this.limit) joined = joined.slice(joined.length - this.limit);
      this.#chars += joined.length - this.#lines[last].length;
      this.#lines[last] = joined;
    } else {
      this.#lines.push(line);
      this.#chars += line.length + 1;
    }
    while (
      this.#chars - this.#lineSize(this.#head) >= this.limit && this.#head < this.#lines.length - 1
    ) {
      this.#chars -= this.#lineSize(this.#head);
      this.#lines[this.#head++] = ""; // freed now, not at the next compaction
    }
    // Compact now and then so dropped lines are freed.
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The kept lines joined with `\n` (no final newline), at most `limit` characters. */
  text(): string {
    if (this.#lines.length === this.#head) return "";
    const text = this.#lines.slice(this.#head).join("\n");
    return text.length > this.limit ? text.slice(text.length - this.limit) : text;
  }

  #lineSize(index: number): number {
    return this.#lines[index].length + 1;
  }
}
