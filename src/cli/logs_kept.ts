/**
 * Where `weft logs` finds a task that `--resume` kept (verify N5): it made no attempt in
 * the resumed run, so its output is in the run it was kept from.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { isKeptTask } from "../store/retention.ts";
import type { RunRecord, RunStore } from "../store/run_store.ts";

/**
 * The run whose attempts kept task `taskId` of resumed run `run` shows: the run it was
 * resumed from, or further back when the task was kept there too. Throws WeftError
 * (exit 2) naming the run when it is no longer in history (deleted by hand or by a
 * retention of before weft kept such runs, store/retention.ts).
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
    if (!task || !isKeptTask(task) || !found.resumedFrom) return found.id;
    from = found;
  }
}
