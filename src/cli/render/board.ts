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
  outcomeBrief,
  outcomeDetails,
  outcomeDuration,
  outcomeReason,
  type Paint,
  paint,
  paintState,
  type RenderOptions,
  STATE_WORDS,
  summaryLine,
  SYMBOLS,
  taskCounts,
} from "./format.ts";
import {
  clearUp,
  cut,
  hiddenCount,
  layoutRows,
  MIN_BOARD_ROWS,
  pickRows,
  type RowCells,
  statusLine,
  taskRoom,
  wrappedHeight,
} from "./board_layout.ts";
import { LineJoiner } from "./cut.ts";
import { terminalSafe } from "../../safe_text.ts";
import { FailureRecap } from "./recap.ts";
import { type Retry, retryBrief, retryNote, retryOf } from "./retry_note.ts";

export { cut } from "./board_layout.ts";

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

interface Row {
  id: string;
  callback: boolean;
  /** Shown on the board: main tasks always, callbacks once called. */
  visible: boolean;
  state: TaskState | "retry";
  attempt: number;
  startedAtMs: number | null;
  record: TaskRecord | null;
  retry: Retry | null;
}

/** Options for the board beyond the shared ones. */
export interface BoardOptions extends RenderOptions {
  /** Terminal width; lines are cut to fit so redraws stay aligned. */
  columns: number;
  /** Terminal height; the board stays lower, so redraws never scroll (board_layout.ts). */
  rows: number;
}

/** Board state plus the scrolling text queued above it. */
export class BoardRenderer {
  readonly #options: BoardOptions;
  readonly #paint: Paint;
  /** Lines a task printed with pauses, shown whole (cut.ts). */
  readonly #joiner = new LineJoiner();
  readonly #recap: FailureRecap;
  readonly #rows = new Map<string, Row>();
  #title = "";
  #titleEnd = "";
  #startedAtMs = 0;
  /**
   * The run's recorded duration once it finished: the last frame's header shows it, as
   * the summary under it does, not the clock at the moment that frame is drawn.
   */
  #durationMs: number | null = null;
  #finishedText = "";
  #scroll = "";
  /**
   * The last frame's board lines; whether the cursor stayed on the last of them (a status
   * line: statusLine in board_layout.ts); and how many terminal lines above the cursor
   * they take now.
   */
  #drawn: string[] = [];
  #open = false;
  #drawnHeight = 0;
  #dirty = true;

  constructor(options: BoardOptions) {
    this.#options = { ...options };
    this.#paint = paint(options.color);
    this.#recap = new FailureRecap(options.color);
  }

  /**
   * Takes the terminal's new size: the next frame is laid out for it and clears the last
   * frame as the terminal now shows it (wrapped onto more lines when it got narrower).
   */
  resize(columns: number, rows: number): void {
    if (columns === this.#options.columns && rows === this.#options.rows) return;
    this.#options.columns = columns;
    this.#options.rows = rows;
    this.#drawnHeight = Math.max(0, wrappedHeight(this.#drawn, columns) - (this.#open ? 1 : 0));
    this.#dirty = true;
  }

  /** Whether the next frame differs without the clock moving. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Length of the text queued to scroll above the board at the next frame. */
  get scrollLength(): number {
    return this.#scroll.length;
  }

  /** Whether the board changes with time alone (elapsed times, the spinner). */
  get animated(): boolean {
    // The header's elapsed time moves as long as the run goes on.
    return !this.#finishedText && this.#rows.size > 0;
  }

  /** Takes one event into the board. */
  apply(event: EngineEvent): void {
    this.#dirty = true;
    this.#recap.apply(event);
    const p = this.#paint;
    switch (event.type) {
      case "run_started":
        this.#title = p.bold(terminalSafe(event.run.workflow, false));
        // Counted as the summary line counts: tasks, then callbacks apart. The run id
        // goes last, as the first thing a narrow terminal cuts (the summary repeats it).
        this.#titleEnd = `${taskCounts(event.tasks)}  ${p.dim(`run ${event.run.id}`)}`;
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
            retry: null,
          });
        }
        return;
      case "task_started": {
        const row = this.#row(event.taskId);
        Object.assign(row, {
          visible: true,
          state: "running",
          attempt: event.attempt,
          startedAtMs: Date.parse(event.at),
          retry: null,
        });
        return;
      }
      case "output": {
        // Lines not shown live reach the recap under the summary if their task fails;
        // they are decoded only here, when shown.
        if (this.#options.verbose || this.#options.liveOutput.has(event.taskId)) {
          const key = `${event.taskId}\0${event.attempt}\0${event.stream}`;
          const shown = this.#joiner.shown(key, event);
          if (shown === null) return;
          const line = terminalSafe(shown, this.#options.color);
          this.#scroll += `${p.dim(`[${event.taskId}]`)} ${line}\n`;
        }
        return;
      }
      case "attempt_finished": {
        if (event.retryInMs === null) return;
        const row = this.#row(event.taskId);
        row.state = "retry";
        row.retry = retryOf(event, event.retryInMs);
        return;
      }
      case "attempt_waiting": {
        const retry = this.#rows.get(event.taskId)?.retry;
        if (retry) retry.waitingFor = event.waitingFor;
        return;
      }
      case "task_finished": {
        const task = event.task;
        const row = this.#row(task.id);
        Object.assign(row, { state: task.status, record: task, attempt: task.attempts });
        if (isUncalledCallback(task)) row.visible = false;
        if (isFailure(task.status)) {
          // Failures also scroll above the board, so their details stay in the scrollback;
          // their last lines are in the recap under the summary.
          const details = outcomeDetails(task);
          this.#scroll += `${paintState(p, task.status, SYMBOLS[task.status])} ${task.id} ` +
            `${paintState(p, task.status, STATE_WORDS[task.status])}${
              details ? ` ${details}` : ""
            }\n`;
        }
        return;
      }
      case "run_finished":
        this.#durationMs = event.report.durationMs;
        this.#finishedText = summaryLine(event.report, p) + "\n" +
          this.#recap.text(event.report, p);
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
    const oneLine = this.#options.rows < MIN_BOARD_ROWS;
    const board = oneLine ? [this.#statusLine(nowMs)] : this.#boardLines(nowMs);
    // The last frame ends its line, as the summary follows it.
    const open = oneLine && !this.#finishedText;
    const text = clearUp(this.#drawnHeight) + this.#scroll + board.join("\n") +
      (open ? "" : "\n") + this.#finishedText;
    this.#scroll = "";
    this.#drawn = this.#finishedText ? [] : board;
    this.#open = open;
    this.#drawnHeight = this.#drawn.length - (open ? 1 : 0);
    this.#dirty = false;
    return text;
  }

  /**
   * The text that leaves the last frame as it stands, for what is printed after the board:
   * a newline after a status line (the cursor waits at its end), else nothing.
   */
  end(): string {
    const open = this.#open;
    this.#drawn = [];
    this.#open = false;
    this.#drawnHeight = 0;
    return open ? "\n" : "";
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
        retry: null,
      };
      this.#rows.set(id, row);
    }
    return row;
  }

  /** The board on one line, for a terminal too low for the board. */
  #statusLine(nowMs: number): string {
    const rows = [...this.#rows.values()].filter((r) => r.visible);
    return statusLine(`${this.#title}  ${this.#elapsed(nowMs)}`, rows, this.#options.columns);
  }

  #elapsed(nowMs: number): string {
    const elapsed = this.#durationMs ?? Math.max(0, nowMs - this.#startedAtMs);
    return this.#paint.dim(formatDuration(elapsed));
  }

  #boardLines(nowMs: number): string[] {
    const p = this.#paint;
    const rows = [...this.#rows.values()].filter((r) => r.visible);
    const shown = pickRows(rows, taskRoom(this.#options.rows));
    const lines = [
      `${this.#title}  ${this.#elapsed(nowMs)}  ${this.#titleEnd}`,
      ...layoutRows(shown.map((row) => this.#cells(row, nowMs)), this.#options.columns, p),
    ];
    if (shown.length < rows.length) {
      const chosen = new Set(shown);
      lines.push(p.dim(`  ${hiddenCount(rows.filter((r) => !chosen.has(r)))}`));
    }
    return lines.map((line) => cut(line.trimEnd(), this.#options.columns - 1));
  }

  #cells(row: Row, nowMs: number): RowCells {
    const symbol = row.state === "running"
      ? SPINNER[Math.floor(nowMs / 100) % SPINNER.length]
      : SYMBOLS[row.state];
    let duration = "";
    let detail = "";
    let brief = "";
    if (row.state === "retry" && row.retry) {
      duration = formatDuration(row.retry.attemptMs);
      detail = retryNote(row.retry, nowMs);
      brief = retryBrief(row.retry, nowMs);
    } else if (row.state === "running" && row.startedAtMs !== null) {
      duration = formatDuration(Math.max(0, nowMs - row.startedAtMs));
    } else if (row.record) {
      duration = outcomeDuration(row.record);
      detail = outcomeReason(row.record);
      brief = outcomeBrief(row.record);
    }
    // Attempt 0 is no attempt: a pending or skipped task has not tried yet.
    const attempt = row.attempt > 0
      ? attemptText(row.attempt, this.#options.maxAttempts.get(row.id) ?? 1)
      : "";
    return {
      id: row.id,
      state: row.state,
      symbol,
      duration,
      attempt,
      detail,
      brief,
      callback: row.callback,
    };
  }
}
