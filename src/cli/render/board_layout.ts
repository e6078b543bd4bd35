/**
 * The live board's layout, apart from its state: which task rows fit the terminal,
 * how a row's columns line up at any width, and how a frame replaces the last one.
 * Pure functions of the rows and the terminal's size.
 * @module
 */
import type { TaskState } from "../../engine/events.ts";
import { countApart, type CountWords, type Paint, paintState, STATE_WORDS } from "./format.ts";
import { maxOf } from "../../arrays.ts";
import { cutCols, fitCols, padEndCols, textWidth } from "./width.ts";

/** A row's state; `retry` is a failed attempt waiting for the next one. */
export type RowState = TaskState | "retry";

/** One task's line before layout; every text is plain (no colour, no controls). */
export interface RowCells {
  id: string;
  state: RowState;
  symbol: string;
  /** The attempt's time so far, or the one that failed; the task's once it ended; or "". */
  duration: string;
  /** `attempt 2/3`, or "" (pending tasks and single tries show none). */
  attempt: string;
  /** The rest: the exit code and reason, or the retry's countdown or wait; or "". */
  detail: string;
  /**
   * The detail's essential form, shown whole where the detail does not fit: the retry's
   * countdown without how the attempt ended (`retry in 1.2s`), the exit code without the
   * reason (`exit 1`). Where it starts the detail, what follows it (a reason) may be cut
   * at its end instead, as long as {@link MIN_REASON_WIDTH} columns of it show. Absent,
   * the detail shows whole or not at all.
   */
  brief?: string;
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
/** Columns an id keeps at least, however narrow the terminal: `flaky…_one`. */
const MIN_ID_WIDTH = 10;
/** Spaces between two columns. */
const GAP = 2;
/** Columns a reason cut at its end keeps at least, `…` included, after the brief: ` — exit…`. */
export const MIN_REASON_WIDTH = 10;

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
 * The fewest terminal rows that hold a board: its title, one task line and the line the
 * cursor waits on below them. A smaller terminal gets {@link statusLine} instead.
 */
export const MIN_BOARD_ROWS = 3;

/**
 * How many task lines fit a terminal of `terminalRows` rows (at least
 * {@link MIN_BOARD_ROWS}): the board (title, rows, and a count of the rows left out) takes
 * at most `terminalRows - 1` lines. The cursor waits on the line below it, and a board
 * reaching the last row would make the terminal scroll at every frame, pushing a copy of
 * its title into the scrollback each time.
 */
export function taskRoom(terminalRows: number): number {
  return Math.max(1, terminalRows - 2);
}

/**
 * The rows to show when there are more than `room`: running and retrying tasks
 * first, then failures, then pending tasks, then finished ones; `room - 1` of them
 * (none when `room` is 1), in their original order, leaving a line for
 * {@link hiddenCount}. All rows when they fit.
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
    [...rows].sort((a, b) => rank(a) - rank(b)).slice(0, Math.max(0, room - 1)),
  );
  return rows.filter((r) => chosen.has(r));
}

/** How the count of the rows left out names its numbers: `940 more`, `1 more callback`. */
const HIDDEN_WORDS: CountWords = {
  tasks: (n) => `${n} more`,
  callbacks: (n) => `${n} more callback${n === 1 ? "" : "s"}`,
};

/**
 * `… 940 more: 900 success, 40 pending`: the rows {@link pickRows} left out, by state,
 * tasks and callbacks apart as the title and the summary count them ({@link countApart}):
 * `… 3 more: 3 success; 1 more callback: 1 success`.
 */
export function hiddenCount(hidden: { state: RowState; callback?: boolean }[]): string {
  return `… ${countApart(hidden, stateTally, HIDDEN_WORDS)}`;
}

/** `1 running, 1 retrying, 40 pending`: rows counted by state word, running ones first. */
export function stateTally(rows: { state: RowState }[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(stateWord(r.state), (counts.get(stateWord(r.state)) ?? 0) + 1);
  const order = new Set(["running", "retrying", ...Object.values(STATE_WORDS)]);
  return [...order].filter((w) => counts.has(w)).map((w) => `${counts.get(w)} ${w}`).join(", ");
}

/**
 * The whole board on one line, for a terminal of fewer than {@link MIN_BOARD_ROWS} rows:
 * `deploy  3.5s  1 running, 1 retrying, 4 pending`, cut to `columns - 1`. It is drawn with
 * no newline after it and redrawn over itself (`\r`, erase line), as curl, wget or pip
 * draw their progress line, so even a one-row terminal never scrolls for a frame. Docker
 * Compose and BuildKit keep their multi-line board there (header plus `height - 2` rows,
 * each line ending in a newline), which in one or two rows still scrolls at every frame.
 */
export function statusLine(head: string, rows: { state: RowState }[], columns: number): string {
  const tally = stateTally(rows);
  return cut((tally ? `${head}  ${tally}` : head).trimEnd(), columns - 1);
}

/**
 * Lays out task rows in aligned columns — symbol, id, state word, duration, attempt (with
 * `(callback)`), detail — each line at most `columns - 1` wide (the last column stays free
 * so no terminal wraps). Where they do not all fit, the columns keep their room in this
 * order, and the last ones give theirs up first: the state word, the id cut in the middle
 * to {@link MIN_ID_WIDTH} ({@link fit}), the duration, the attempt, the id whole, and the
 * detail (exit code, reason, the retry's countdown), shortened to its brief or left out
 * whole on a row where it does not fit ({@link fitDetail}). So the id is
 * shortened before any column is dropped, and a column is dropped whole, never moved: each
 * keeps its place on every row.
 */
export function layoutRows(rows: RowCells[], columns: number, p: Paint): string[] {
  const width = Math.max(1, columns - 1);
  const tails = rows.map((row) => [row.attempt, row.callback ? "(callback)" : ""]);
  const size = columnSizes(rows, tails.map((t) => t.filter(Boolean).join("  ")), width);
  return rows.map((row, i) => {
    const cells = [
      `  ${paintState(p, row.state, row.symbol)} ${padEndCols(fit(row.id, size.id), size.id)}`,
      paintState(p, row.state, stateWord(row.state).padEnd(WORD_WIDTH)),
    ];
    if (size.duration) cells.push(padEndCols(row.duration, size.duration));
    if (size.tail) {
      const tail = tails[i].filter(Boolean).map((t) => p.dim(t)).join("  ");
      cells.push(padEndCols(tail, size.tail));
    }
    if (size.detail) cells.push(fitDetail(row, size.detail));
    return cut(cells.join(" ".repeat(GAP)).trimEnd(), width);
  });
}

/**
 * A row's detail in `width` columns, never a meaningless fragment of it (`failed…`,
 * `(upstr…`): whole when it fits; else cut at its end where that keeps its brief whole
 * and {@link MIN_REASON_WIDTH} columns of the reason after it; else its brief, whole;
 * else nothing, the column left out on this row as a column is left out of the board.
 */
export function fitDetail(row: Pick<RowCells, "detail" | "brief">, width: number): string {
  const { detail } = row;
  const brief = row.brief ?? detail;
  if (textWidth(detail) <= width) return detail;
  if (brief !== detail && detail.startsWith(brief)) {
    if (width >= textWidth(brief) + MIN_REASON_WIDTH) {
      // The detail is plain text: no colour to reset after the `…`; nor a space before it.
      const cutText = cutCols(detail, width);
      return (cutText.endsWith(RESET) ? cutText.slice(0, -RESET.length) : cutText)
        .replace(/ +…$/, "…");
    }
  }
  return brief && textWidth(brief) <= width ? brief : "";
}

/** What {@link cutCols} ends a cut line with. */
const RESET = "\x1b[0m";

/** Widths of the columns after the symbol; 0 for one left out (nothing to show, or no room). */
interface ColumnSizes {
  id: number;
  duration: number;
  tail: number;
  detail: number;
}

/** The widths {@link layoutRows} gives its columns in `width` terminal columns: see there. */
function columnSizes(rows: RowCells[], tails: string[], width: number): ColumnSizes {
  const wholeId = maxOf(rows.map((r) => textWidth(r.id)));
  const leastId = Math.min(wholeId, MIN_ID_WIDTH);
  let room = width - PREFIX_WIDTH - leastId - GAP - WORD_WIDTH;
  /** Takes a column of `natural` width, after a gap, when it fits whole; 0 otherwise. */
  const take = (natural: number) => {
    if (natural === 0 || room < GAP + natural) return 0;
    room -= GAP + natural;
    return natural;
  };
  const duration = take(maxOf(rows.map((r) => textWidth(r.duration))));
  const tail = take(maxOf(tails.map(textWidth)));
  const id = leastId + Math.min(wholeId - leastId, Math.max(0, room));
  room -= id - leastId;
  // The detail takes what is left; each row's fits it as fitDetail says.
  const detail = rows.some((r) => r.detail) && room > GAP ? room - GAP : 0;
  return { id, duration, tail, detail };
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
