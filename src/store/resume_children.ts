/**
 * `--resume` through sub-workflows: a `workflow` task that did not succeed runs again in
 * the resumed run, and the child run it starts resumes the child run it started then —
 * that child's successes are kept, only what failed there runs again (it applied
 * `migrate` already; running it again would apply it twice). Answered for the engine
 * (engine/options.ts EngineResume.child) from the store, once per task (a retry of the
 * task starts a fresh child run), and the same way for the child's own children.
 *
 * The child run is resumed only when that is as safe as a resume the user asks for: the
 * earlier child run is the task's last one in the resumed run, did not succeed, passes
 * checkResumable with the child file as it is now, and got the same params (recorded
 * masked: a param that held a secret cannot be compared, so the child starts afresh).
 * Otherwise the child run starts afresh, as it always did.
 * @module
 */
import type { EngineResume, ResumableChild } from "../engine/options.ts";
import type { TaskRecord } from "../engine/events.ts";
import { childRunsOf } from "./children.ts";
import { changedTasks, checkResumable, resumedTasks, taskHashes } from "./resume.ts";
import type { RunStore } from "./run_store.ts";

/**
 * The {@link EngineResume.child} of a run resuming run `fromRunId`, whose task records
 * (as kept: resume.ts resumedTasks) are `previous`.
 */
export function childResumer(
  store: RunStore,
  fromRunId: string,
  previous: readonly TaskRecord[],
): NonNullable<EngineResume["child"]> {
  const asked = new Set<string>();
  let children: Promise<Record<string, string[]>> | undefined;
  return async (taskId: string, child: ResumableChild): Promise<EngineResume | null> => {
    if (asked.has(taskId)) return null;
    asked.add(taskId);
    const before = previous.find((task) => task.id === taskId);
    if (!before || before.status === "success") return null;
    const parent = await store.findRun(fromRunId);
    if (!parent) return null;
    children ??= childRunsOf(store, parent);
    const last = (await children)[taskId]?.at(-1);
    if (last === undefined) return null;
    const details = await store.getRun(last);
    if (!sameParams(details.run.params ?? {}, child.params)) return null;
    try {
      checkResumable(details, { file: child.file, hash: child.fileHash, workflow: child.workflow });
      const cut = Object.keys(details.truncatedOutputs);
      const whole = cut.length ? await store.wholeOutputs(last, cut) : {};
      const kept = resumedTasks(details, whole, child.file);
      return {
        fromRunId: last,
        previous: kept,
        changed: changedTasks(details, taskHashes(child.workflow), child.fileHash),
        child: childResumer(store, last, kept),
      };
    } catch {
      // Not resumable (succeeded, changed since, outputs unknown): a fresh child run.
      return null;
    }
  };
}

function sameParams(recorded: Record<string, string>, given: Record<string, string>): boolean {
  const names = new Set([...Object.keys(recorded), ...Object.keys(given)]);
  return [...names].every((name) => recorded[name] === given[name]);
}
