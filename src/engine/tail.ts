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

  /** Appends one line (without its newline). */
  push(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    while (
      this.#chars - this.#lineSize(this.#head) >= this.limit && this.#head < this.#lines.length - 1
    ) {
      this.#chars -= this.#lineSize(this.#head);
      this.#head++;
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
