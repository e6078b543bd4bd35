/**
 * The live monitor's screen: the view, the terminal's size and the selection in, the
 * lines of one frame out. Pure. Every line fits `columns - 1` (the last column stays
 * free so no terminal wraps) and there are never more than `rows` lines, so a frame
 * drawn from the top-left corner never scrolls. Text from tasks and users goes
 * through terminalSafe.
 * @module
 */
import type { TaskRecord } from "../../engine/events.ts";
import { formatDuration } from "../../model/duration.ts";
import { cut, fit, layoutRows, type RowCells } from "../render/board_layout.ts";
import { type Paint, paintState, STATE_WORDS, SYMBOLS } from "../render/format.ts";
import { terminalSafe } from "../../safe_text.ts";
import { padEndCols, textWidth } from "../render/width.ts";
import { current, type Selection } from "./keys.ts";
import { isDone, type MonitorView, taskEntry } from "./model.ts";
import type { RunDetail } from "./snapshot.ts";
import { maxOf } from "../../arrays.ts";

/** The terminal's size in character cells. */
export interface ScreenSize {
  columns: number;
  rows: number;
}

const safe = (text: string) => terminalSafe(text, false);
const time = (ms: number | null) => ms === null ? "-" : formatDuration(ms);

/** The run ids the list shows, in order: running runs, then finished ones. */
export function listedRunIds(view: MonitorView): string[] {
  return [...view.running.map((r) => r.id), ...view.recent.map((r) => r.id)];
}

/** The task ids of an opened run, in order. */
export function listedTaskIds(detail: RunDetail | null): string[] {
  return detail ? detail.tasks.map((t) => t.id) : [];
}

/**
 * The frame for `selection`: the list of runs, or (mode `run`) the opened run's
 * tasks and the selected task's log tail from `detail`. `now` times running tasks.
 */
export function renderScreen(
  view: MonitorView,
  selection: Selection,
  detail: RunDetail | null,
  size: ScreenSize,
  p: Paint,
  now: Date,
): string[] {
  const columns = Math.max(10, size.columns);
  const rows = Math.max(3, size.rows);
  const lines = selection.mode === "run" && detail
    ? runScreen(detail, selection, rows, columns, p, now)
    : listScreen(view, selection, rows, columns, p);
  // Laid out for at least 10x3, then clipped to the real size: a line as wide as the
  // terminal, or one line too many, would wrap or scroll and smear every later frame.
  const width = Math.max(0, size.columns - 1);
  return lines.slice(0, Math.max(1, Math.min(rows, size.rows)))
    .map((line) => width === 0 ? "" : cut(line, Math.min(width, columns - 1)));
}

interface BodyLine {
  text: string;
  runId?: string;
}

function listScreen(
  view: MonitorView,
  selection: Selection,
  rows: number,
  columns: number,
  p: Paint,
): string[] {
  const selected = current(selection.runId, listedRunIds(view));
  // Columns: workflow, state (with progress), duration, id last (the first to be cut).
  const entries = [
    ...view.running.map((r) => ({
      run: r,
      name: safe(r.workflow),
      state: `running ${r.progress.done}/${r.progress.total}`,
      word: "running" as const,
      took: time(r.elapsedMs),
    })),
    ...view.recent.map((r) => ({
      run: r,
      name: safe(r.workflow),
      state: r.status,
      word: r.status === "running" ? "running" as const : r.status,
      took: time(r.durationMs),
    })),
  ];
  const nameWidth = nameColumn(entries.map((e) => e.name), columns);
  const stateWidth = maxOf(entries.map((e) => e.state.length));
  const tookWidth = maxOf(entries.map((e) => e.took.length));
  const row = (e: (typeof entries)[number]): BodyLine => ({
    runId: e.run.id,
    text: `${padEndCols(fit(e.name, nameWidth), nameWidth)}  ` +
      `${paintState(p, e.word, e.state.padEnd(stateWidth))}  ${e.took.padStart(tookWidth)}  ` +
      e.run.id,
  });
  const body: BodyLine[] = [{ text: p.bold(`RUNNING (${view.running.length})`) }];
  if (view.running.length === 0) body.push({ text: p.dim("  no run is running") });
  for (const [i, run] of view.running.entries()) {
    body.push(row(entries[i]));
    const active = run.tasks.filter((t) => t.status === "running");
    for (const task of active.slice(0, 3)) {
      body.push({
        text: `    ${paintState(p, "running", SYMBOLS.running)} ${safe(task.id)}  ` +
          `${paintState(p, "running", "running")} ${time(task.durationMs)}`,
      });
    }
    if (active.length > 3) body.push({ text: p.dim(`    … ${active.length - 3} more running`) });
  }
  body.push({ text: p.bold(`RECENT (${view.recent.length})`) });
  if (view.recent.length === 0) body.push({ text: p.dim("  no finished run") });
  for (const e of entries.slice(view.running.length)) body.push(row(e));
  const stats = statsLines(view, columns, p);
  // Title, footer and at least the section headings: the figures give way first.
  const statsRoom = Math.min(stats.length, Math.max(1, Math.floor((rows - 2) / 3)));
  const room = Math.max(1, rows - 2 - statsRoom);
  const at = Math.max(0, body.findIndex((l) => l.runId !== undefined && l.runId === selected));
  const start = Math.max(0, Math.min(at - Math.floor(room / 2), body.length - room));
  const shown = body.slice(start, start + room).map((line) => {
    if (line.runId === undefined) return line.text;
    return line.runId === selected ? p.bold(`> ${line.text}`) : `  ${line.text}`;
  });
  const title = `weft monitor  ${view.running.length} running  ` +
    p.dim(view.generatedAt.slice(11, 19) + " UTC");
  return [
    title,
    ...shown,
    ...Array(Math.max(0, room - shown.length)).fill(""),
    ...stats.slice(0, statsRoom),
    p.dim("q quit  ↑↓ select  Enter open run"),
  ];
}

/**
 * The width of a column of workflow names, in terminal columns: the longest name, but
 * no more than 24 columns or a third of the terminal (at least 6), so that the figures
 * after it show at any width; longer names are cut in the middle ({@link fit}).
 */
function nameColumn(names: string[], columns: number, least = 0): number {
  const cap = Math.max(least, Math.min(24, Math.max(6, Math.floor(columns / 3))));
  return Math.min(cap, Math.max(least, maxOf(names.map(textWidth))));
}

function statsLines(view: MonitorView, columns: number, p: Paint): string[] {
  if (view.workflows.length === 0) return [p.bold(`LAST ${view.window.hours}H`) + "  no runs"];
  const width = nameColumn(view.workflows.map((w) => safe(w.workflow)), columns, 8);
  const head = p.bold(padEndCols(`LAST ${view.window.hours}H`, width + 2)) +
    "RUNS  SUCCESS   MEAN";
  return [
    head,
    ...view.workflows.map((w) =>
      `  ${padEndCols(fit(safe(w.workflow), width), width)}${String(w.runs).padStart(4)}  ` +
      `${(w.successRate === null ? "n/a" : `${w.successRate.toFixed(1)}%`).padStart(7)}  ` +
      `${time(w.meanDurationMs).padStart(5)}` + (w.running ? `  ${w.running} running` : "")
    ),
  ];
}

function runScreen(
  detail: RunDetail,
  selection: Selection,
  rows: number,
  columns: number,
  p: Paint,
  now: Date,
): string[] {
  const { run, tasks } = detail;
  const done = tasks.filter((t) => isDone(t.status)).length;
  const elapsed = run.status === "running"
    ? Math.max(0, now.getTime() - Date.parse(run.startedAt))
    : run.durationMs;
  const title = `${safe(run.workflow)}  ${run.id}  ${run.status} ${time(elapsed)}  ` +
    `${done}/${tasks.length} done`;
  const selected = current(selection.taskId, tasks.map((t) => t.id));
  // The task list takes up to half the room; the log tail gets the rest.
  const room = rows - 2;
  const taskRoom = Math.max(1, Math.min(tasks.length, Math.ceil(room / 2)));
  const at = Math.max(0, tasks.findIndex((t) => t.id === selected));
  const start = Math.max(0, Math.min(at - Math.floor(taskRoom / 2), tasks.length - taskRoom));
  const shownTasks = tasks.slice(start, start + taskRoom);
  const laid = layoutRows(shownTasks.map((t) => rowCells(t, now)), columns, p);
  const taskLines = laid.map((line, i) =>
    shownTasks[i].id === selected ? p.bold(`> ${line.slice(2)}`) : line
  );
  const logRoom = Math.max(0, room - taskLines.length);
  return [
    title,
    ...taskLines,
    ...logLines(detail, logRoom, p),
    p.dim("Esc back  ↑↓ select task  q quit"),
  ];
}

function rowCells(task: TaskRecord, now: Date): RowCells {
  const entry = taskEntry(task, now);
  return {
    id: safe(task.id),
    state: task.status,
    symbol: SYMBOLS[task.status],
    duration: entry.durationMs === null ? "" : time(entry.durationMs),
    attempt: task.attempts > 1 ? `attempt ${task.attempts}` : "",
    detail: "",
    callback: task.callback,
  };
}

function logLines(detail: RunDetail, room: number, p: Paint): string[] {
  if (room <= 0) return [];
  const log = detail.log;
  if (!log) return [p.dim("── no log: the task has not started"), ...Array(room - 1).fill("")];
  const head = p.dim(`── log of ${safe(log.taskId)} (attempt ${log.attempt}) ──`);
  const lines = log.lines.slice(-(room - 1)).map((line) => {
    const mark = line.stream === "stderr" ? p.red("err") : p.dim("out");
    return `${mark} ${p.dim("│")} ${terminalSafe(line.text, false)}`;
  });
  if (lines.length === 0) lines.push(p.dim("(no output yet)"));
  return [head, ...lines, ...Array(Math.max(0, room - 1 - lines.length)).fill("")];
}

/** A state word for people (`timed out`). */
export function stateText(state: keyof typeof STATE_WORDS): string {
  return STATE_WORDS[state];
}
