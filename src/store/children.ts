/**
 * Child runs (sub-workflows): a `workflow` task's run records its parent's run and
 * task ids (RunInfo.parentRunId/parentTaskId); the parent records nothing of them.
 * Its children are found by walking the runs that started while it ran, which every
 * store can do cheaply since run ids sort by start time (records.ts `timeBound`).
 * @module
 */
import type { RunRecord, RunStore } from "./run_store.ts";

/**
 * The child runs of `run`, oldest first, grouped by the parent task that started them
 * (task id → child run ids, in the order they started: one per attempt).
 */
export async function childRunsOf(
  store: RunStore,
  run: RunRecord,
): Promise<Record<string, string[]>> {
  // Every child starts while its parent runs. A parent found dead (interrupted) may
  // have lived past its last sign of life, so its end is no bound.
  const ended = run.finishedAt !== null && run.status !== "interrupted";
  const children = await store.listRuns({
    parentRunId: run.id,
    since: new Date(run.startedAt),
    before: ended ? new Date(Date.parse(run.finishedAt!) + 1) : undefined,
    oldestFirst: true,
  });
  const byTask: Record<string, string[]> = {};
  for (const child of children) (byTask[child.parentTaskId ?? ""] ??= []).push(child.id);
  return byTask;
}
