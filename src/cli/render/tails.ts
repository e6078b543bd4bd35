/**
 * The last few output lines of each task, kept so that a failed task's output can
 * be shown after it fails even when its output is not shown live.
 * @module
 */
import type { Paint } from "./format.ts";

/** How many lines of a failed task are shown. */
export const TAIL_LINES = 10;

/** A ring of the last {@link TAIL_LINES} lines per task, for the current attempt. */
export class OutputTails {
  readonly #lines = new Map<string, { lines: string[]; total: number }>();

  constructor(readonly limit: number = TAIL_LINES) {}

  /** Forgets a task's lines (a new attempt starts). */
  reset(taskId: string): void {
    this.#lines.delete(taskId);
  }

  /** Records one line. */
  push(taskId: string, line: string): void {
    let entry = this.#lines.get(taskId);
    if (!entry) this.#lines.set(taskId, entry = { lines: [], total: 0 });
    entry.lines.push(line);
    entry.total++;
    if (entry.lines.length > this.limit) entry.lines.shift();
  }

  /** Removes and returns a task's kept lines and how many earlier ones were dropped. */
  take(taskId: string): { lines: string[]; dropped: number } {
    const entry = this.#lines.get(taskId);
    this.#lines.delete(taskId);
    if (!entry) return { lines: [], dropped: 0 };
    return { lines: entry.lines, dropped: entry.total - entry.lines.length };
  }
}

/** Indented tail lines under a failed task's line; "" when there are none. */
export function formatTail(tail: { lines: string[]; dropped: number }, p: Paint): string {
  if (tail.lines.length === 0) return "";
  let text = "";
  if (tail.dropped > 0) {
    text += p.dim(`    │ … ${tail.dropped} earlier line${tail.dropped === 1 ? "" : "s"}`) + "\n";
  }
  for (const line of tail.lines) text += `${p.dim("    │")}${line ? ` ${line}` : ""}\n`;
  return text;
}
