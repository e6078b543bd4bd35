/**
 * The live board's layout, apart from its state: which task rows fit the terminal,
 * how a row's columns line up at any width, and how a frame replaces the last one.
 * Pure functions of the rows and the terminal's size.
 * @module
 */
import type { TaskState } from "../../engine/events.ts";
import { type Paint, paintState, STATE_WORDS } from "./format.ts";
import { maxOf } from "../../arrays.ts";
import { cutCols, fitCols, padEndCols, textWidth } from "./width.ts";

/** A row's state; `retry` is a failed attempt waiting for the next one. */
export type RowState = TaskState | "retry";

/** One task's line before layout; every text is plain (no colour, no controls). */
export interface RowCells {
  id: string;
  state: RowState;
  symbol: string;
  /** What follows the state word: elapsed time, outcome, or the retry note. */
  detail: string;
  /** `attempt 2/3`, or "" (pending tasks and single tries show none). */
  attempt: string;
  callback: boolean;
}

/** The state word of a row: the task's, or `retrying` between attempts. */
export function stateWord(state: RowState): string {
  return state === "retry" ? "retrying" : STATE_WORDS[state];
}

/** The widest state word, so the column after it stays put whatever the state. */
const WORD_WIDTH = Math.max(...Object.values(STATE_WORDS).map((w) => w.length), 8);
/** `  ✔ `: indent, symbol, space. */
const PREFIX_WIDTH = 4;
/** Columns an id keeps at least, however narrow the terminal. */
const MIN_ID_WIDTH = 6;

/**
 * The text that takes the cursor from below a board of `height` lines back to its
 * first line and clears everything from there down.
 *
 * It never erases the screen with the cursor in the top-left corner: tmux (its
 * `scroll-on-clear` option, on by default) then pushes the whole screen into the
 * scrollback, leaving a copy of the board there on every frame. So the first line is
 * cleared on its own, the rest from the line below, and the cursor moves back up.
 */
export function clearUp(height: number): string {
  if (height <= 0) return "\r\x1b[K";
  return `\x1b[${height}F\x1b[2K\x1b[1B\x1b[J\x1b[1A`;
}

/**
 * How many terminal lines `lines` take once the terminal is `columns` wide: a terminal
 * that reflows on resize (tmux, VTE, kitty, Windows Terminal) wraps each line longer
 * than the new width onto more lines, and the next frame must clear all of them.
 */
export function wrappedHeight(lines: readonly string[], columns: number): number {
  const width = Math.max(1, columns);
  return lines.reduce(
    (sum, line) => sum + Math.max(1, Math.ceil(textWidth(line) / width)),
    0,
  );
}

/**
 * How many task rows fit a terminal of `terminalRows` lines: the board (title, rows,
 * and a count of the rows left out) stays below the terminal's height, with the
 * cursor's line to spare, so redrawing never scrolls. At least 2.
 */
export function taskRoom(terminalRows: number): number {
  return Math.max(2, terminalRows - 2);
}

/**
 * The rows to show when there are more than `room`: running and retrying tasks
 * first, then failures, then pending tasks, then finished ones; `room - 1` of them,
 * in their original order, leaving a line for {@link hiddenCount}. All rows when
 * they fit.
 */
export function pickRows<T extends { state: RowState }>(rows: T[], room: number): T[] {
  if (rows.length <= room) return rows;
  const rank = (r: T) =>
    r.state === "running" || r.state === "retry"
      ? 0
      : r.state === "pending"
      ? 2
      : r.state === "success" || r.state === "skipped"
      ? 3
      : 1;
  const chosen = new Set(
    [...rows].sort((a, b) => rank(a) - rank(b)).slice(0, Math.max(1, room - 1)),
  );
  return rows.filter((r) => chosen.has(r));
}

/** `… 940 more: 900 success, 40 pending`: the rows {@link pickRows} left out, by state. */
export function hiddenCount(hidden: { state: RowState }[]): string {
  const counts = new Map<string, number>();
  for (const r of hidden) counts.set(stateWord(r.state), (counts.get(stateWord(r.state)) ?? 0) + 1);
  const order = new Set(["running", "retrying", ...Object.values(STATE_WORDS)]);
  const parts = [...order].filter((w) => counts.has(w)).map((w) => `${counts.get(w)} ${w}`);
  return `… ${hidden.length} more: ${parts.join(", ")}`;
}

/**
 * Lays out task rows in aligned columns — symbol, id, state word, detail, attempt,
 * `(callback)` — each line at most `columns - 1` wide (the last column stays free so
 * no terminal wraps). Ids longer than the room left by the state word are cut in
 * the middle ({@link fit}), so the state word shows at any width from about 30 columns up.
 */
export function layoutRows(rows: RowCells[], columns: number, p: Paint): string[] {
  const width = Math.max(1, columns - 1);
  const longestId = maxOf(rows.map((r) => textWidth(r.id)));
  // One column more is kept free: when more follows the state word, cut() ends the line
  // with `…` in the column after it.
  const idWidth = Math.min(
    longestId,
    Math.max(MIN_ID_WIDTH, width - PREFIX_WIDTH - 2 - WORD_WIDTH - 1),
  );
  const detailWidth = maxOf(rows.map((r) => textWidth(r.detail)));
  const after = rows.some((r) => r.attempt || r.callback);
  return rows.map((row) => {
    const tail = [row.attempt && p.dim(row.attempt), row.callback ? p.dim("(callback)") : ""]
      .filter(Boolean).join("  ");
    const parts = [
      `  ${paintState(p, row.state, row.symbol)} ${padEndCols(fit(row.id, idWidth), idWidth)}`,
      paintState(p, row.state, stateWord(row.state).padEnd(WORD_WIDTH)),
      after && tail ? padEndCols(row.detail, detailWidth) : row.detail,
      tail,
    ];
    return cut(parts.join("  ").trimEnd(), width);
  });
}

/**
 * `text` cut to `width` terminal columns with `…` in the middle, keeping both ends: ids
 * often differ only at the end (`deploy_eu_1`, `deploy_eu_2`). See {@link fitCols}.
 */
export const fit = fitCols;

/**
 * Cuts a line to `width` terminal columns, keeping colour codes balanced by a reset.
 * See {@link cutCols}.
 */
export const cut = cutCols;
