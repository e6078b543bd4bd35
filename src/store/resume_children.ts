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
 *
 * A resumed run killed or stopped before it got to some of what it kept leaves those
 * only in the run it resumed: {@link earlierResume} follows `resumedFrom` back, so that
 * resuming it keeps them still (engine/resume.ts ResumedChildren.kept), and a `workflow`
 * task that started no child run in it resumes the child run of the run before.
 * @module
 */
import type { EngineResume, ResumableChild } from "../engine/options.ts";
import type { TaskRecord } from "../engine/events.ts";
import { childRunsOf } from "./children.ts";
import { changedTasks, checkResumable, resumedTasks, taskHashes } from "./resume.ts";
import type { RunDetails, RunStore } from "./run_store.ts";

/**
 * The {@link EngineResume.child} of a run resuming run `fromRunId`, whose task records
 * (as kept: resume.ts resumedTasks) are `previous`; `earlier` is the resume that run made
 * itself ({@link earlierResume}), asked for a task that started no child run there.
 */
export function childResumer(
  store: RunStore,
  fromRunId: string,
  previous: readonly TaskRecord[],
  earlier?: EngineResume,
): NonNullable<EngineResume["child"]> {
  const asked = new Set<string>();
  let children: Promise<Record<string, string[]>> | undefined;
  return async (taskId: string, child: ResumableChild): Promise<EngineResume | null> => {
    if (asked.has(taskId)) return null;
    asked.add(taskId);
    const before = previous.find((task) => task.id === taskId);
    if (before?.status === "success") return null;
    const parent = await store.findRun(fromRunId);
    if (!parent) return null;
    children ??= childRunsOf(store, parent);
    const last = (await children)[taskId]?.at(-1);
    if (last === undefined) {
      // Never started there (the run ended before it): the run before's child run is
      // the one that run would have resumed.
      const neverStarted = before === undefined || before.attempts === 0;
      return neverStarted ? (await earlier?.child?.(taskId, child)) ?? null : null;
    }
    const details = await store.getRun(last);
    if (!sameParams(details.run.params ?? {}, child.params)) return null;
    try {
      checkResumable(details, { file: child.file, hash: child.fileHash, workflow: child.workflow });
      const cut = Object.keys(details.truncatedOutputs);
      const whole = cut.length ? await store.wholeOutputs(last, cut) : {};
      const kept = resumedTasks(details, whole, child.file);
      const before = await earlierResume(store, details, child.file);
      return {
        fromRunId: last,
        previous: kept,
        changed: changedTasks(details, taskHashes(child.workflow), child.fileHash),
        child: childResumer(store, last, kept, before),
        ...(before ? { earlier: before } : {}),
      };
    } catch {
      // Not resumable (succeeded, changed since, outputs unknown): a fresh child run.
      return null;
    }
  };
}

/**
 * The resume run `resumed` made itself, when it was a resumed run: the run it resumed,
 * its records as kept (resume.ts resumedTasks) and what changed between the two
 * (top-level ids), and so on back along `resumedFrom`. Undefined when `resumed` resumed
 * nothing, or when the run before cannot be kept from any more (pruned, its whole outputs
 * unknown, or another file whose task definitions `resumed` did not record — a child run
 * records only its file's hash): then nothing more is kept, as before. `file`: for messages.
 */
export async function earlierResume(
  store: RunStore,
  resumed: RunDetails,
  file: string,
): Promise<EngineResume | undefined> {
  const from = resumed.run.resumedFrom;
  if (!from || !(await store.findRun(from))) return undefined;
  try {
    const details = await store.getRun(from);
    const sameFile = details.run.fileHash === resumed.run.fileHash;
    if (!sameFile && Object.keys(resumed.taskHashes).length === 0) return undefined;
    const cut = Object.keys(details.truncatedOutputs);
    const whole = cut.length ? await store.wholeOutputs(from, cut) : {};
    const kept = resumedTasks(details, whole, file);
    const earlier = await earlierResume(store, details, file);
    return {
      fromRunId: from,
      previous: kept,
      changed: sameFile ? [] : changedTasks(details, resumed.taskHashes),
      child: childResumer(store, from, kept, earlier),
      ...(earlier ? { earlier } : {}),
    };
  } catch {
    return undefined;
  }
}

function sameParams(recorded: Record<string, string>, given: Record<string, string>): boolean {
  const names = new Set([...Object.keys(recorded), ...Object.keys(given)]);
  return [...names].every((name) => recorded[name] === given[name]);
}
