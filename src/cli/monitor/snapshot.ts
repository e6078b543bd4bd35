/**
 * The monitor's reads of the store: one {@link MonitorSnapshot} per frame, and the
 * opened run's tasks with the tail of one task's log. Only reads (RunStore's listing
 * functions and the log files), so it never changes what other weft processes see.
 * @module
 */
import type { TaskRecord } from "../../engine/events.ts";
import { logFilePath } from "../../store/log_files.ts";
import type { LogLine } from "../../store/log_files.ts";
import { LogTailReader } from "../../store/log_tail.ts";
import type { RunRecord, RunStore } from "../../store/run_store.ts";
import { type MonitorSnapshot, STATS_WINDOW_MS } from "./model.ts";

/**
 * Reads what the monitor shows: top-level running runs with their tasks (a child run
 * of a `workflow` task shows as its parent's running task), the `limit` top-level runs
 * that finished last (newest finish first), and every run of the last 24 hours for the
 * figures.
 */
export async function readSnapshot(
  store: RunStore,
  limit: number,
  now: Date,
): Promise<MonitorSnapshot> {
  const runningRuns = (await store.findRunning()).filter((r) => r.parentRunId === undefined);
  const running: MonitorSnapshot["running"] = [];
  for (const run of runningRuns) {
    const details = await store.getRun(run.id).catch(() => null); // pruned meanwhile
    if (details) running.push({ run: details.run, tasks: details.tasks });
  }
  // By finish time, as "the last finished runs" and the FINISHED column promise: the
  // newest runs by start (id) are not the last to finish.
  const recent = await store.listFinished({ limit, children: false });
  const window = await store.runsForMetrics({ since: new Date(now.getTime() - STATS_WINDOW_MS) });
  return { running, recent, window };
}

/** The tail of one task's latest attempt's log. */
export interface LogTail {
  taskId: string;
  attempt: number;
  lines: LogLine[];
}

/** An opened run: its record, every task, and the selected task's log tail. */
export interface RunDetail {
  run: RunRecord;
  tasks: TaskRecord[];
  /** Null when the run has no tasks or the task has not started. */
  log: LogTail | null;
}

/**
 * Reads run `runId` with its tasks and the last `tailLines` lines of task `taskId`'s
 * latest attempt (the first task when `taskId` is absent or unknown). Null when the
 * run is gone (pruned). A running attempt's log is read from its file as it grows, by
 * `tails` (give the same one on each refresh: it rereads a log only when it changed).
 */
export async function readRunDetail(
  store: RunStore,
  runId: string,
  taskId: string | undefined,
  tailLines: number,
  tails: LogTailReader = new LogTailReader(),
): Promise<RunDetail | null> {
  const details = await store.getRun(runId).catch(() => null);
  if (!details) return null;
  const task = details.tasks.find((t) => t.id === taskId) ?? details.tasks[0];
  let log: LogTail | null = null;
  if (task && task.attempts > 0) {
    const attempts = await store.listAttempts(runId, task.id);
    const recorded = attempts.find((a) => a.attempt === task.attempts);
    const path = recorded?.logPath ?? logFilePath(runId, task.id, task.attempts);
    log = {
      taskId: task.id,
      attempt: task.attempts,
      // A missing file is no lines; any other fault is thrown, for the live view to show
      // as its problem line rather than as an empty log.
      lines: await tails.read(`${store.logsDir}/${path}`, tailLines),
    };
  }
  return { run: details.run, tasks: details.tasks, log };
}
