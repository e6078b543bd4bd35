/**
 * The live board for terminals: one line per task (symbol, id, state, duration,
 * attempt) redrawn in place, with output lines and failure details scrolling
 * above it. {@link BoardRenderer} only turns events and the clock into text; the
 * timer that redraws lives in live.ts.
 * @module
 */
import type { EngineEvent, TaskRecord, TaskState } from "../../engine/events.ts";
import { formatDuration } from "../../model/duration.ts";
import {
  attemptText,
  isFailure,
  isUncalledCallback,
  outcomeDetails,
  type Paint,
  paint,
  paintState,
  type RenderOptions,
  STATE_WORDS,
  summaryLine,
  SYMBOLS,
} from "./format.ts";
import { displayedLine } from "./cut.ts";
import { terminalSafe } from "./safe_text.ts";
import { formatTail, OutputTails } from "./tails.ts";

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
/** Move to the start of the line `n` lines up, then clear to the end of the screen. */
const up = (n: number) => (n > 0 ? `\x1b[${n}F` : "\r") + "\x1b[J";

interface Row {
  id: string;
  callback: boolean;
  /** Shown on the board: main tasks always, callbacks once called. */
  visible: boolean;
  state: TaskState | "retry";
  attempt: number;
  startedAtMs: number | null;
  record: TaskRecord | null;
  retryNote: string;
}

/** Options for the board beyond the shared ones. */
export interface BoardOptions extends RenderOptions {
  /** Terminal width; lines are cut to fit so redraws stay aligned. */
  columns: number;
  /** Terminal height; the board shows at most this many lines minus two. */
  rows: number;
}

/** Board state plus the scrolling text queued above it. */
export class BoardRenderer {
  readonly #options: BoardOptions;
  readonly #paint: Paint;
  readonly #tails = new OutputTails();
  readonly #rows = new Map<string, Row>();
  #title = "";
  #startedAtMs = 0;
  #finishedText = "";
  #scroll = "";
  #drawnHeight = 0;
  #dirty = true;

  constructor(options: BoardOptions) {
    this.#options = options;
    this.#paint = paint(options.color);
  }

  /** Whether the next frame differs without the clock moving. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Whether the board changes with time alone (elapsed times, the spinner). */
  get animated(): boolean {
    // The header's elapsed time moves as long as the run goes on.
    return !this.#finishedText && this.#rows.size > 0;
  }

  /** Takes one event into the board. */
  apply(event: EngineEvent): void {
    this.#dirty = true;
    const p = this.#paint;
    switch (event.type) {
      case "run_started":
        this.#title = `${p.bold(terminalSafe(event.run.workflow, false))} ${
          p.dim(`run ${event.run.id}`)
        }`;
        this.#startedAtMs = Date.parse(event.run.startedAt);
        for (const task of event.tasks) {
          this.#rows.set(task.id, {
            id: task.id,
            callback: task.callback,
            visible: !task.callback,
            state: task.status,
            attempt: task.attempts,
            startedAtMs: null,
            record: null,
            retryNote: "",
          });
        }
        return;
      case "task_started": {
        this.#tails.reset(event.taskId);
        const row = this.#row(event.taskId);
        Object.assign(row, {
          visible: true,
          state: "running",
          attempt: event.attempt,
          startedAtMs: Date.parse(event.at),
          retryNote: "",
        });
        return;
      }
      case "output": {
        const shown = displayedLine(event);
        if (shown === null) return;
        const line = terminalSafe(shown, this.#options.color);
        if (this.#options.verbose || this.#options.liveOutput.has(event.taskId)) {
          this.#scroll += `${p.dim(`[${event.taskId}]`)} ${line}\n`;
        } else {
          this.#tails.push(event.taskId, line);
        }
        return;
      }
      case "attempt_finished": {
        if (event.retryInMs === null) return;
        const row = this.#row(event.taskId);
        row.state = "retry";
        row.retryNote = `${STATE_WORDS[event.status]}, retry in ${formatDuration(event.retryInMs)}`;
        return;
      }
      case "task_finished": {
        const task = event.task;
        const row = this.#row(task.id);
        Object.assign(row, { state: task.status, record: task, attempt: task.attempts });
        if (isUncalledCallback(task)) row.visible = false;
        if (isFailure(task.status)) {
          // Failures also scroll above the board, so their details stay in the scrollback.
          const details = outcomeDetails(task);
          this.#scroll += `${paintState(p, task.status, SYMBOLS[task.status])} ${task.id} ` +
            `${paintState(p, task.status, STATE_WORDS[task.status])}${
              details ? ` ${details}` : ""
            }\n`;
          this.#scroll += formatTail(this.#tails.take(task.id), p);
        }
        return;
      }
      case "run_finished":
        this.#finishedText = summaryLine(event.report, p) + "\n";
        return;
    }
  }

  /** Queues a message from weft itself above the board. */
  notice(message: string): void {
    this.#scroll += this.#paint.yellow(terminalSafe(message, false)) + "\n";
    this.#dirty = true;
  }

  /**
   * The text that redraws everything: clears the previous board, prints queued
   * scrolling lines, then the board (and the summary once the run finished).
   */
  frame(nowMs: number): string {
    const board = this.#boardLines(nowMs);
    const text = up(this.#drawnHeight) + this.#scroll + board.map((l) => l + "\n").join("") +
      this.#finishedText;
    this.#scroll = "";
    this.#drawnHeight = this.#finishedText ? 0 : board.length;
    this.#dirty = false;
    return text;
  }

  #row(id: string): Row {
    let row = this.#rows.get(id);
    if (!row) {
      row = {
        id,
        callback: false,
        visible: true,
        state: "pending",
        attempt: 0,
        startedAtMs: null,
        record: null,
        retryNote: "",
      };
      this.#rows.set(id, row);
    }
    return row;
  }

  #boardLines(nowMs: number): string[] {
    const p = this.#paint;
    const rows = [...this.#rows.values()].filter((r) => r.visible);
    const idWidth = Math.max(0, ...rows.map((r) => r.id.length));
    const room = Math.max(3, this.#options.rows - 2);
    const shown = rows.length <= room ? rows : pickRows(rows, room - 1);
    const lines = [
      `${this.#title}  ${p.dim(formatDuration(Math.max(0, nowMs - this.#startedAtMs)))}`,
    ];
    for (const row of shown) lines.push(this.#rowLine(row, idWidth, nowMs));
    if (shown.length < rows.length) {
      const hidden = rows.filter((r) => !shown.includes(r));
      lines.push(p.dim(`  … ${hidden.length} more: ${countStates(hidden)}`));
    }
    return lines.map((line) => cut(line.trimEnd(), this.#options.columns - 1));
  }

  #rowLine(row: Row, idWidth: number, nowMs: number): string {
    const p = this.#paint;
    const symbol = row.state === "running"
      ? SPINNER[Math.floor(nowMs / 100) % SPINNER.length]
      : SYMBOLS[row.state];
    const word = row.state === "retry" ? row.retryNote : STATE_WORDS[row.state];
    let detail = "";
    if (row.state === "running" && row.startedAtMs !== null) {
      detail = formatDuration(Math.max(0, nowMs - row.startedAtMs));
    } else if (row.record) detail = outcomeDetails(row.record);
    const attempt = attemptText(row.attempt, this.#options.maxAttempts.get(row.id) ?? 1);
    const parts = [
      `  ${paintState(p, row.state, symbol)} ${row.id.padEnd(idWidth)}`,
      paintState(p, row.state, word.padEnd(9)),
      detail,
      attempt && p.dim(attempt),
      row.callback ? p.dim("(callback)") : "",
    ];
    return parts.filter(Boolean).join("  ");
  }
}

/** When the board is taller than the terminal: running first, then failures, then the rest. */
function pickRows(rows: Row[], room: number): Row[] {
  const rank = (r: Row) =>
    r.state === "running" || r.state === "retry"
      ? 0
      : r.state !== "pending" && r.state !== "success" && r.state !== "skipped"
      ? 1
      : r.state === "pending"
      ? 2
      : 3;
  const chosen = new Set([...rows].sort((a, b) => rank(a) - rank(b)).slice(0, room));
  return rows.filter((r) => chosen.has(r));
}

function countStates(rows: Row[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const word = r.state === "retry" ? "retrying" : STATE_WORDS[r.state];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].map(([word, n]) => `${n} ${word}`).join(", ");
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
// deno-lint-ignore no-control-regex
const ANSI_SPLIT = /(\x1b\[[0-9;]*m)/;

/** Cuts a line to `width` visible characters, keeping colour codes balanced by a reset. */
export function cut(line: string, width: number): string {
  if (width <= 0 || [...line.replace(ANSI, "")].length <= width) return line;
  let visible = 0;
  let out = "";
  for (const part of line.split(ANSI_SPLIT)) {
    if (part.startsWith("\x1b[")) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (visible >= width - 1) return out + "…\x1b[0m";
      out += ch;
      visible++;
    }
  }
  return out;
}
