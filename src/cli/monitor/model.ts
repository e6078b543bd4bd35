/**
 * The monitor's view model: what `weft monitor` shows, built from a snapshot of the
 * store without reading it. Pure: the snapshot and the clock in, the view out. The
 * view is also `weft monitor --json`, so its field names are a stable interface
 * (documented in the README's "Monitor" section).
 * @module
 */
import type { TaskRecord, TaskState } from "../../engine/events.ts";
import { computeMetrics } from "../../store/metrics.ts";
import type { MetricsRun, RunRecord } from "../../store/run_store.ts";
import { runSummary } from "../history_shared.ts";

/** How far back the per-workflow figures look: 24 hours, in ms. */
export const STATS_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What the store held at one moment: the monitor's only input (see snapshot.ts). */
export interface MonitorSnapshot {
  /** Runs recorded as running, with their task records (engine order). */
  running: Array<{ run: RunRecord; tasks: TaskRecord[] }>;
  /** Finished runs, newest first (already cut to the limit). */
  recent: RunRecord[];
  /** Runs started within {@link STATS_WINDOW_MS}, with task outcomes. */
  window: MetricsRun[];
}

/** One task of a running run. */
export interface MonitorTask {
  id: string;
  status: TaskState;
  /** Time run so far for a running task, its duration once ended, null before it starts. */
  durationMs: number | null;
  attempts: number;
  callback: boolean;
}

/** A running run. */
export interface MonitorRunning {
  id: string;
  workflow: string;
  startedAt: string;
  /** Time since it started, in ms. */
  elapsedMs: number;
  host: string;
  pid: number;
  /** Progress through the DAG: tasks that ended (any outcome, skipped too) of all tasks. */
  progress: { done: number; total: number };
  tasks: MonitorTask[];
}

/** A finished run. */
export interface MonitorFinished {
  id: string;
  workflow: string;
  status: RunRecord["status"];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** One workflow's figures over the window. */
export interface MonitorWorkflow {
  workflow: string;
  /** Finished runs in the window. */
  runs: number;
  successes: number;
  failures: number;
  /** Percent with two decimals; null when none finished. */
  successRate: number | null;
  /** Mean duration of finished runs, in ms; null when none is known. */
  meanDurationMs: number | null;
  running: number;
}

/** The whole view (and the `--json` document). */
export interface MonitorView {
  /** UTC ISO time the view was built. */
  generatedAt: string;
  running: MonitorRunning[];
  recent: MonitorFinished[];
  /** The figures' window: `{ hours: 24, since }` (since as UTC ISO). */
  window: { hours: number; since: string };
  workflows: MonitorWorkflow[];
}

/** Whether a task state is final (counts as done in a run's progress). */
export function isDone(status: TaskState): boolean {
  return status !== "pending" && status !== "running";
}

/** Builds the view from a snapshot at time `now`. */
export function buildView(snapshot: MonitorSnapshot, now: Date): MonitorView {
  const since = new Date(now.getTime() - STATS_WINDOW_MS);
  const report = computeMetrics(snapshot.window, since);
  return {
    generatedAt: now.toISOString(),
    running: snapshot.running.map(({ run, tasks }) => runningEntry(run, tasks, now)),
    recent: snapshot.recent.map(runSummary),
    window: { hours: STATS_WINDOW_MS / 3_600_000, since: since.toISOString() },
    workflows: report.workflows.map((w) => ({
      workflow: w.workflow,
      runs: w.runs,
      successes: w.successes,
      failures: w.failures,
      successRate: w.successRate,
      meanDurationMs: w.meanDurationMs,
      running: w.running,
    })),
  };
}

function runningEntry(run: RunRecord, tasks: TaskRecord[], now: Date): MonitorRunning {
  return {
    id: run.id,
    workflow: run.workflow,
    startedAt: run.startedAt,
    elapsedMs: sinceMs(run.startedAt, now),
    host: run.host,
    pid: run.pid,
    progress: { done: tasks.filter((t) => isDone(t.status)).length, total: tasks.length },
    tasks: tasks.map((t) => taskEntry(t, now)),
  };
}

/** A task's row: a running task's duration is the time since it (re)started. */
export function taskEntry(task: TaskRecord, now: Date): MonitorTask {
  return {
    id: task.id,
    status: task.status,
    durationMs: task.status === "running" && task.startedAt
      ? sinceMs(task.startedAt, now)
      : task.durationMs,
    attempts: task.attempts,
    callback: task.callback,
  };
}

/** Ms from `iso` to `now`, never negative (clocks of other hosts may run ahead). */
function sinceMs(iso: string, now: Date): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, now.getTime() - t);
}
