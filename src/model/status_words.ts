/**
 * The status words an expression compares with: a task's (`${tasks.ID.status}`) and a
 * run's (an alert's `execution.status`), as the README lists them, and the words other
 * tools use for them. The engine's states are engine/events.ts TaskState and RunStatus;
 * `pending`, `running` and `interrupted` are never what a condition or an alert sees
 * (a task's condition reads tasks that have finished, an alert a run that has).
 * @module
 */

/** The statuses a finished task has, as `${tasks.ID.status}` reads them. */
export const TASK_STATUSES = ["success", "failed", "timed_out", "skipped", "cancelled"] as const;

/** The statuses a finished run has, as an alert's `execution.status` reads them. */
export const RUN_STATUSES = ["success", "failed", "cancelled"] as const;

/**
 * Words that mean a status and are read as it: the seed's orchestrator sets a task's and
 * a run's status to `completed` when it succeeded (its WorkflowMonitor counts
 * `execution.status === 'completed'` as a successful run), so `'completed'` compared
 * with a status means `'success'`.
 */
export const STATUS_SYNONYMS: Readonly<Record<string, string>> = { completed: "success" };

/**
 * Words of other tools that are not statuses here, with the one meant (for a hint):
 * GitHub Actions' job results (`failure`), Argo's and Airflow's (`succeeded`, `error`,
 * `upstream_failed`), the American spelling of `cancelled`.
 */
export const STATUS_NEAR_MISSES: Readonly<Record<string, string>> = {
  succeeded: "success",
  successful: "success",
  succeed: "success",
  passed: "success",
  ok: "success",
  done: "success",
  failure: "failed",
  fail: "failed",
  error: "failed",
  errored: "failed",
  upstream_failed: "skipped",
  timeout: "timed_out",
  timedout: "timed_out",
  "timed-out": "timed_out",
  canceled: "cancelled",
  cancel: "cancelled",
  skip: "skipped",
};

/**
 * Whose status a reference reads: `task` for `tasks.ID.status`, `run` for an alert's
 * `execution.status` or `run.status`; undefined for any other reference.
 */
export function statusOwner(root: string, path: readonly string[]): "task" | "run" | undefined {
  if (root === "tasks") return path.length === 2 && path[1] === "status" ? "task" : undefined;
  if (root === "execution" || root === "run") {
    return path.length === 1 && path[0] === "status" ? "run" : undefined;
  }
  return undefined;
}
