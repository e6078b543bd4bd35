/**
 * The health report (`weft metrics`): per workflow and per task, how many runs, how
 * many succeeded and failed, the success rate, and mean/p50/p95 durations. Computed
 * from run records and their task summaries only — never from log files. Interrupted
 * runs and tasks (weft died) count as failures but not in durations: how long they
 * would have lasted is unknown (and records of earlier versions hold bogus ones); a task
 * interrupted or cancelled before its first attempt is not counted at all (it never ran).
 * @module
 */
import type { TaskState } from "../engine/events.ts";
import type { MetricsRun } from "./run_store.ts";
import { pushAll } from "../arrays.ts";

/** Counts and durations of a set of runs (or task executions). */
export interface HealthStats {
  /** Finished runs (or task executions that ran). */
  runs: number;
  successes: number;
  /** Failed, timed out, cancelled or interrupted. */
  failures: number;
  /** Success rate in percent, two decimals; null when nothing finished. */
  successRate: number | null;
  /** The same for people: "95.24%", or "n/a". */
  successRateText: string;
  meanDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

/** One task's health within a workflow. */
export interface TaskHealth extends HealthStats {
  id: string;
  /** Times it was skipped (condition false or upstream failure). */
  skipped: number;
}

/** One workflow's health. */
export interface WorkflowHealth extends HealthStats {
  workflow: string;
  /** Runs still running (not counted in `runs`). */
  running: number;
  tasks: TaskHealth[];
}

/**
 * One task id's health across the report's workflows, under the names of the seed's
 * `getHealthReport().tasks` (its `taskMetrics`: runs, failures, averageDuration).
 */
export interface SeedTaskHealth {
  runs: number;
  failures: number;
  /** Mean duration in ms; null when none finished with a known duration. */
  averageDuration: number | null;
  /** Percent, two decimals; null when nothing finished. */
  successRate: number | null;
}

/** The whole report. */
export interface MetricsReport {
  /** Start of the window (UTC ISO), or null for all history. */
  since: string | null;
  generatedAt: string;
  /**
   * All runs. `totalRuns` (= `runs`) and `averageDuration` (= `meanDurationMs`, in ms)
   * repeat the figures under the names of the seed's `getHealthReport().overall`.
   */
  overall: HealthStats & { running: number; totalRuns: number; averageDuration: number | null };
  workflows: WorkflowHealth[];
  /** Task id → its health over every workflow (the seed's `getHealthReport().tasks`). */
  tasks: Record<string, SeedTaskHealth>;
}

/** The value at percentile `p` (nearest rank) of sorted numbers. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

class Tally {
  successes = 0;
  failures = 0;
  skipped = 0;
  running = 0;
  durations: number[] = [];

  add(status: TaskState | "running", durationMs: number | null): void {
    if (status === "running" || status === "pending") {
      this.running++;
      return;
    }
    if (status === "skipped") {
      this.skipped++;
      return;
    }
    if (status === "success") this.successes++;
    else this.failures++;
    if (durationMs !== null && status !== "interrupted") this.durations.push(durationMs);
  }

  stats(): HealthStats {
    const finished = this.successes + this.failures;
    const sorted = [...this.durations].sort((a, b) => a - b);
    const rate = finished ? Math.round((this.successes / finished) * 10_000) / 100 : null;
    const mean = sorted.length
      ? Math.round(sorted.reduce((sum, d) => sum + d, 0) / sorted.length)
      : null;
    return {
      runs: finished,
      successes: this.successes,
      failures: this.failures,
      successRate: rate,
      successRateText: rate === null ? "n/a" : `${rate.toFixed(2)}%`,
      meanDurationMs: mean,
      p50DurationMs: percentile(sorted, 50),
      p95DurationMs: percentile(sorted, 95),
    };
  }
}

/** Builds the health report from runs (any order) and their task summaries. */
export function computeMetrics(runs: MetricsRun[], since: Date | null = null): MetricsReport {
  const overall = new Tally();
  const byWorkflow = new Map<string, { tally: Tally; tasks: Map<string, Tally> }>();
  // Newest first, so tasks are listed in the order of the latest run's definition.
  const newestFirst = [...runs].sort((a, b) => a.run.id < b.run.id ? 1 : -1);
  for (const { run, tasks } of newestFirst) {
    overall.add(run.status, run.durationMs);
    let entry = byWorkflow.get(run.workflow);
    if (!entry) {
      entry = { tally: new Tally(), tasks: new Map() };
      byWorkflow.set(run.workflow, entry);
    }
    entry.tally.add(run.status, run.durationMs);
    if (run.status === "running") continue;
    for (const task of tasks) {
      let tally = entry.tasks.get(task.id);
      if (!tally) entry.tasks.set(task.id, tally = new Tally());
      // Stopped before its first attempt: no run of it took place (tester12 F5, tester14 F27).
      // Kept by --resume: it ran in the run resumed, which counts it (tester22 F3).
      if (task.neverStarted || task.kept) continue;
      tally.add(task.status, task.durationMs);
    }
  }
  const workflows = [...byWorkflow.entries()]
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([workflow, { tally, tasks }]) => ({
      workflow,
      ...tally.stats(),
      running: tally.running,
      tasks: [...tasks.entries()].map(([id, t]) => ({ id, ...t.stats(), skipped: t.skipped })),
    }));
  const overallStats = overall.stats();
  return {
    since: since ? since.toISOString() : null,
    generatedAt: new Date().toISOString(),
    overall: {
      ...overallStats,
      running: overall.running,
      totalRuns: overallStats.runs,
      averageDuration: overallStats.meanDurationMs,
    },
    workflows,
    tasks: seedTasks(byWorkflow.values()),
  };
}

/** Task tallies merged by task id across workflows, as the seed keeps them. */
function seedTasks(
  entries: Iterable<{ tasks: Map<string, Tally> }>,
): Record<string, SeedTaskHealth> {
  const merged = new Map<string, Tally>();
  for (const { tasks } of entries) {
    for (const [id, tally] of tasks) {
      let into = merged.get(id);
      if (!into) merged.set(id, into = new Tally());
      into.successes += tally.successes;
      into.failures += tally.failures;
      into.skipped += tally.skipped;
      pushAll(into.durations, tally.durations);
    }
  }
  const result: Record<string, SeedTaskHealth> = {};
  for (const id of [...merged.keys()].sort()) {
    const stats = merged.get(id)!.stats();
    result[id] = {
      runs: stats.runs,
      failures: stats.failures,
      averageDuration: stats.meanDurationMs,
      successRate: stats.successRate,
    };
  }
  return result;
}
