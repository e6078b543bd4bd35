/**
 * The last few output lines of each task, kept so that a failed task's output can
 * be shown after it fails even when its output is not shown live.
 * @module
 */
import type { Paint } from "./format.ts";
import { OutputRing, type RingLine } from "./output_ring.ts";
import { splitAtCr } from "./cut.ts";
import { terminalSafe } from "../../safe_text.ts";

/** How many lines of a failed task are shown. */
export const TAIL_LINES = 10;

/** A ring of the last {@link TAIL_LINES} lines per task, for the current attempt. */
export class OutputTails {
  readonly #rings = new Map<string, OutputRing>();

  /** `color`: whether the lines taken may keep their colour codes (see src/safe_text.ts). */
  constructor(private readonly color: boolean, readonly limit: number = TAIL_LINES) {}

  /** Forgets a task's lines (a new attempt starts). */
  reset(taskId: string): void {
    this.#rings.delete(taskId);
  }

  /** Records one output event's line (copied; decoded only if taken). */
  push(taskId: string, event: RingLine): void {
    let ring = this.#rings.get(taskId);
    if (!ring) this.#rings.set(taskId, ring = new OutputRing(this.limit));
    ring.push(event);
  }

  /**
   * Removes and returns a task's kept lines, as displayed and terminal-safe, and how
   * many earlier ones were dropped.
   */
  take(taskId: string): { lines: string[]; dropped: number } {
    const ring = this.#rings.get(taskId);
    this.#rings.delete(taskId);
    if (!ring) return { lines: [], dropped: 0 };
    // A progress bar's CRs end lines here as in `weft logs` (cut.ts crLines).
    const { lines: split, added } = splitAtCr(ring.lines(), this.limit);
    const lines = split.map((line) => terminalSafe(line.text, this.color));
    return { lines, dropped: ring.total + added - lines.length };
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
