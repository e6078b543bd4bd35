/**
 * Compact per-run rows for `weft metrics`, kept beside each run record under
 * `["met", startedAtMs, runId]`. A metrics window reads only these: a plain array
 * decodes several times faster than the full run record (measured with Deno KV: 1,000
 * records of ~660 B take ~35 ms to list, the same runs as rows ~6–11 ms), and keying
 * by start time lets `--since` start the listing exactly where the window starts.
 * @module
 */
import type { TaskState } from "../engine/events.ts";
import type { MetricsRun, RunRecord } from "./run_store.ts";

/**
 * `[workflow, status, durationMs, taskIds, taskStatuses, taskDurations, callbackFlags]`;
 * the task lists are null when the run record had no summary (see `RunRecord.summary`).
 */
export type MetricRow = [
  string,
  RunRecord["status"],
  number | null,
  string[] | null,
  TaskState[] | null,
  (number | null)[] | null,
  boolean[] | null,
];

/** The key of a run's metric row. */
export function metricRowKey(run: Pick<RunRecord, "id" | "startedAt">): Deno.KvKey {
  return ["met", Date.parse(run.startedAt), run.id];
}

/** The row for a run record. */
export function toMetricRow(run: RunRecord): MetricRow {
  const tasks = run.summary;
  return [
    run.workflow,
    run.status,
    run.durationMs,
    tasks ? tasks.map((t) => t.id) : null,
    tasks ? tasks.map((t) => t.status) : null,
    tasks ? tasks.map((t) => t.durationMs) : null,
    tasks ? tasks.map((t) => t.callback) : null,
  ];
}

/**
 * A metrics entry from a row, or null when the row has no task summary and the
 * caller must read the task records.
 */
export function fromMetricRow(key: Deno.KvKey, row: MetricRow): MetricsRun | null {
  const [, startedMs, id] = key as [string, number, string];
  const [workflow, status, durationMs, ids, statuses, durations, callbacks] = row;
  const run = { id, workflow, status, durationMs, startedAt: new Date(startedMs).toISOString() };
  if (status === "running") return { run, tasks: [] };
  if (!ids || !statuses || !durations || !callbacks) return null;
  return {
    run,
    tasks: ids.map((taskId, i) => ({
      id: taskId,
      status: statuses[i],
      durationMs: durations[i],
      callback: callbacks[i],
    })),
  };
}
