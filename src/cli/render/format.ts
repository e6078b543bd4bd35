/**
 * Pieces of progress text shared by the plain and the live renderer: symbols,
 * colours, clock times, task outcomes and the final summary line.
 * @module
 */
import type { RunReport, TaskRecord, TaskState } from "../../engine/events.ts";
import { formatDuration } from "../../model/duration.ts";
import { terminalSafe } from "../../safe_text.ts";
import { displayedReason } from "./cut.ts";

/** Weft's one way of printing a duration (`250ms`, `1.0s`, `2m03s`, `1h02m`); see model/duration.ts. */
export { formatDuration };

/** One symbol per state; `retry` marks an attempt that will be tried again. */
export const SYMBOLS: Record<TaskState | "retry", string> = {
  pending: "·",
  running: "▶",
  success: "✔",
  failed: "✖",
  timed_out: "⏱",
  skipped: "⤼",
  cancelled: "■",
  interrupted: "■",
  retry: "↻",
};

/** States as people read them. */
export const STATE_WORDS: Record<TaskState, string> = {
  pending: "pending",
  running: "running",
  success: "success",
  failed: "failed",
  timed_out: "timed out",
  skipped: "skipped",
  cancelled: "cancelled",
  interrupted: "interrupted",
};

/** ANSI colours, or identity functions when colour is off. */
export interface Paint {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

/** Colour functions; all identities when `color` is false. */
export function paint(color: boolean): Paint {
  if (!color) {
    return { green: plain, red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
  }
  return {
    green: ansi(32, 39),
    red: ansi(31, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
    dim: ansi(2, 22),
    bold: ansi(1, 22),
  };
}

/** Colours a state word or symbol by how it ended. */
export function paintState(p: Paint, state: TaskState | "retry", text: string): string {
  switch (state) {
    case "success":
      return p.green(text);
    case "failed":
    case "timed_out":
    case "interrupted":
      return p.red(text);
    case "skipped":
    case "cancelled":
    case "retry":
      return p.yellow(text);
    case "running":
      return p.cyan(text);
    default:
      return p.dim(text);
  }
}

/** `HH:MM:SS` in local time, for plain progress lines. */
export function clockTime(at: string | number | Date): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0"))
    .join(":");
}

/** Whether a task failed in a way that should show its last output lines. */
export function isFailure(state: TaskState): boolean {
  return state === "failed" || state === "timed_out";
}

/**
 * A callback that was never called: it never started and never will. Such tasks
 * are left out of progress lines and counts.
 */
export function isUncalledCallback(task: TaskRecord): boolean {
  // One called and then skipped, by its own condition or a failed dependency, was called.
  return task.callback && task.attempts === 0 && task.status !== "running" &&
    task.reason !== "condition" && task.reason !== "upstream";
}

/**
 * What happened to a finished task, after its state word: the exit code, the
 * reason or the error, and the duration — `exit 1 0.3s`, `(condition)`.
 */
export function outcomeDetails(task: TaskRecord): string {
  return outcomeText(task, true);
}

/**
 * {@link outcomeDetails} without the duration — `exit 1 — reason`, `(condition)`: the live
 * board shows the duration in a column of its own ({@link outcomeDuration}).
 */
export function outcomeReason(task: TaskRecord): string {
  return outcomeText(task, false);
}

/**
 * {@link outcomeReason} without the error, what the board keeps of it when the whole does
 * not fit: `exit 1`, `(upstream)`; "" when there is only an error.
 */
export function outcomeBrief(task: TaskRecord): string {
  return outcomeText(task, false, false);
}

/** A finished task's duration as {@link outcomeDetails} shows it, or "" (a skipped task). */
export function outcomeDuration(task: TaskRecord): string {
  return task.status === "skipped" || task.durationMs === null
    ? ""
    : formatDuration(task.durationMs);
}

function outcomeText(task: TaskRecord, withDuration: boolean, withError = true): string {
  const parts: string[] = [];
  if (task.status === "skipped") {
    if (task.reason) parts.push(`(${task.reason})`);
    return parts.join(" ");
  }
  if (task.exitCode !== null && task.exitCode !== 0) parts.push(`exit ${task.exitCode}`);
  const duration = withDuration ? outcomeDuration(task) : "";
  if (duration) parts.push(duration);
  if (task.status === "cancelled" && task.reason === "workflow_timeout") {
    parts.push("(workflow timeout)");
  }
  // Only a failure's error says something new: "exited with code 1" restates `exit 1`,
  // and a timeout or a cancellation is already said by the state word.
  const redundant = task.error === `exited with code ${task.exitCode}`;
  const showError = withError && task.error && !redundant && task.status === "failed";
  // The error may quote task output or a server's words: shown with controls escaped.
  const error = showError ? `— ${terminalSafe(displayedReason(task.error!), false)}` : "";
  return [parts.join(" "), error].filter(Boolean).join(" ");
}

/** `4 success, 1 skipped`, in a fixed state order, for the tasks that count. */
export function stateCounts(tasks: TaskRecord[]): string {
  const counts = new Map<TaskState, number>();
  for (const task of tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  const order = Object.keys(STATE_WORDS) as TaskState[];
  return order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${STATE_WORDS[s]}`)
    .join(", ");
}

/**
 * `3 tasks, 2 callbacks`: how a run's tasks are counted wherever they are, at the start
 * (plain header, board title) and in the summary line. Main tasks and callbacks are
 * counted apart, since which callbacks run is only known at the end.
 */
export function taskCounts(tasks: readonly { callback?: boolean }[]): string {
  return countApart(tasks);
}

/** How {@link countApart} names a number of main tasks, and one of callbacks. */
export interface CountWords {
  tasks(n: number): string;
  callbacks(n: number): string;
}

const TASK_WORDS: CountWords = {
  tasks: (n) => plural(n, "task"),
  callbacks: (n) => plural(n, "callback"),
};

/**
 * The one way every count of a run's tasks is made — the header's, the summary's, the
 * board's count of the rows it leaves out: main tasks first, then callbacks apart
 * (`3 tasks, 2 callbacks`), each followed by what `tally` says of them when given
 * (`3 tasks: 2 success, 1 failed; 2 callbacks: 1 success, 1 not called`). No callbacks,
 * no second part; no main task beside callbacks, no first.
 */
export function countApart<T extends { callback?: boolean }>(
  items: readonly T[],
  tally?: (group: T[], callbacks: boolean) => string,
  words: CountWords = TASK_WORDS,
): string {
  const main = items.filter((t) => !t.callback);
  const callbacks = items.filter((t) => t.callback);
  const groups: [T[], boolean, string][] = [
    [main, false, words.tasks(main.length)],
    [callbacks, true, words.callbacks(callbacks.length)],
  ];
  const counted = groups.filter(([group, isCallbacks]) =>
    isCallbacks ? group.length > 0 : group.length > 0 || callbacks.length === 0
  );
  if (!tally) return counted.map(([, , count]) => count).join(", ");
  return counted.map(([group, isCallbacks, count]) => `${count}: ${tally(group, isCallbacks)}`)
    .join("; ");
}

/**
 * The last line of a run, counting as {@link countApart} does:
 * `run <id> failed in 4.2s (3 tasks: 1 success, 1 failed, 1 skipped; 2 callbacks: 1 success, 1 not called)`.
 */
export function summaryLine(report: RunReport, p: Paint): string {
  // A loop's iterations (`LOOP[key]`: `[` is in no task id) are counted by their loop,
  // as the first line counts the tasks the workflow declares.
  const declared = report.tasks.filter((t) => !t.id.includes("["));
  const status = report.status === "success"
    ? p.green(p.bold(report.status))
    : report.status === "cancelled"
    ? p.yellow(p.bold(report.status))
    : p.red(p.bold(report.status));
  const counts = countApart(declared, (group, callbacks) => {
    if (!callbacks) return stateCounts(group) || "none";
    const called = group.filter((t) => !isUncalledCallback(t));
    const uncalled = group.length - called.length;
    return [stateCounts(called), uncalled ? `${uncalled} not called` : ""].filter(Boolean)
      .join(", ");
  });
  return `run ${report.id} ${status} in ${formatDuration(report.durationMs)} (${counts})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * `attempt 2/3`, or "" when a task has one try; `attempt 2` for a later try of a task
 * whose count the display does not know (a conditional whose branches' counts differ).
 */
export function attemptText(attempt: number, maxAttempts: number): string {
  if (maxAttempts > 1) return `attempt ${attempt}/${maxAttempts}`;
  return attempt > 1 ? `attempt ${attempt}` : "";
}

/** What every progress renderer is told about the run and the user's flags. */
export interface RenderOptions {
  color: boolean;
  /** Show every task's output lines. */
  verbose: boolean;
  /** Only failures and the final line. */
  quiet: boolean;
  /** Tasks whose output is shown as it arrives (`live_output: true`). */
  liveOutput: ReadonlySet<string>;
  /** Tries per task (`retry.attempts`); absent means 1. */
  maxAttempts: ReadonlyMap<string, number>;
}
