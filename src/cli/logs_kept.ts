/**
 * Where `weft logs` finds a task that `--resume` kept (verify N5): it made no attempt in
 * the resumed run, so its output is in the run it was kept from.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { isKeptTask } from "../store/retention.ts";
import type { TaskRecord } from "../engine/events.ts";
import type { RunRecord, RunStore } from "../store/run_store.ts";

/**
 * The run whose attempts kept task `taskId` of resumed run `run` shows: the run it was
 * resumed from, or further back when the task was kept there too — or never started there
 * (absent, or no attempt and no success: that run was stopped or killed before it got to
 * the task, and the resume after it kept the task as the run before had it, as
 * engine/resume.ts ResumedChildren.kept does). Throws WeftError (exit 2) naming the run
 * when it is no longer in history (deleted by hand or by a retention of before weft kept
 * such runs, store/retention.ts).
 */
export async function keptFrom(store: RunStore, run: RunRecord, taskId: string): Promise<string> {
  let from = run;
  for (;;) {
    const earlier = from.resumedFrom!;
    if (!await store.findRun(earlier)) {
      throw new WeftError(
        `${taskId} of run ${run.id} was kept by --resume from run ${earlier}, which is no longer ` +
          "in history: its log is gone",
        { hint: `run ${run.id} made no attempt of it`, exitCode: ExitCode.Invalid },
      );
    }
    const { run: found, tasks } = await store.getRun(earlier);
    const task = tasks.find((t) => t.id === taskId);
    const passedOn = !task || isKeptTask(task) ||
      (task.attempts === 0 && task.status !== "success");
    if (!passedOn || !found.resumedFrom) return found.id;
    from = found;
  }
}

/**
 * The kept tasks of resumed run `run` (`tasks`, its records) grouped by the run each one's
 * log is in ({@link keptFrom}), in the runs' first appearance order.
 */
export async function keptByOrigin(
  store: RunStore,
  run: RunRecord,
  tasks: readonly TaskRecord[],
): Promise<Map<string, string[]>> {
  const byRun = new Map<string, string[]>();
  for (const task of tasks) {
    if (!isKeptTask(task)) continue;
    // A run no longer in history is named as the one resumed (keptFrom says so per task).
    const origin = await keptFrom(store, run, task.id).catch(() => run.resumedFrom!);
    byRun.set(origin, [...byRun.get(origin) ?? [], task.id]);
  }
  return byRun;
}
