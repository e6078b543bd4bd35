/**
 * What the progress renderers know of each task before it runs: whether its output is
 * live, and how many tries it has. A conditional whose branches have different counts
 * learns which branch runs from that branch's retries (AttemptCounts.learn).
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import type { EngineEvent } from "../engine/events.ts";
import { retryDelayMs, type RetryPolicy } from "../engine/retry.ts";
import { LoopAwareMap, LoopAwareSet } from "./loop_ids.ts";

/**
 * Tries per task id (a LoopAwareMap), where a conditional whose branches differ in their
 * count has none until its retries show which branch runs: the engine says only the
 * conditional's id, and its branch is picked when it runs (engine/composite.ts).
 */
export class AttemptCounts extends LoopAwareMap<number> {
  /** Undecided conditionals: the retry policies of the branches that may be running. */
  #branches = new Map<string, (RetryPolicy | undefined)[]>();

  /** Registers conditional `id` with its branches' policies (a step's own, else the defaults'). */
  addBranches(id: string, policies: (RetryPolicy | undefined)[]): void {
    this.#branches.set(id, policies);
    this.#decide(id, policies);
  }

  /**
   * Narrows an undecided conditional by one of its events, to be called before the event
   * is rendered. Only a retry tells: after attempt N the engine retries, after
   * retryDelayMs(policy, N) ms (engine/leaf.ts), exactly when the branch's policy allows
   * another try with that delay, so a branch whose policy gives another delay (or none)
   * is not the one running. The count is set only once every branch left agrees on it,
   * so it is never a wrong one.
   */
  learn(event: EngineEvent): void {
    if (event.type !== "attempt_finished" || event.retryInMs === null) return;
    const policies = this.#branches.get(event.taskId);
    if (!policies) return;
    const left = policies.filter((p) => retryDelayMs(p, event.attempt) === event.retryInMs);
    if (left.length === 0) return; // not as the engine counts: know nothing rather than guess
    this.#branches.set(event.taskId, left);
    this.#decide(event.taskId, left);
  }

  #decide(id: string, policies: (RetryPolicy | undefined)[]): void {
    const counts = new Set(policies.map((p) => p?.attempts ?? 1));
    if (counts.size !== 1) return;
    this.set(id, [...counts][0]);
    this.#branches.delete(id);
  }
}

/** Which tasks show output live, and how many tries each has, for the renderers. */
export function taskDisplayFacts(
  workflow: Workflow,
): { liveOutput: LoopAwareSet; maxAttempts: AttemptCounts } {
  const liveOutput = new LoopAwareSet();
  const maxAttempts = new AttemptCounts();
  // As the engine counts them (engine/leaf_spec.ts): a step's own retry, else the defaults'.
  const policy = (step: { retry?: RetryPolicy }) => step.retry ?? workflow.defaults?.retry;
  const tries = (step: { retry?: RetryPolicy }) => policy(step)?.attempts ?? 1;
  for (const task of workflow.tasks) {
    if ("live_output" in task && task.live_output) liveOutput.add(task.id);
    // A composite itself has one try (engine/composite.ts).
    if (task.type === "loop" || task.type === "parallel") maxAttempts.set(task.id, 1);
    if (task.type === "loop") {
      // Its iterations (`id[key]`) run its step: theirs are the step's facts.
      if (task.task.live_output) liveOutput.add(`${task.id}[]`);
      maxAttempts.set(`${task.id}[]`, tries(task.task));
    } else if (task.type === "parallel") {
      for (const child of task.tasks) { // under their own ids
        if (child.live_output) liveOutput.add(child.id);
        maxAttempts.set(child.id, tries(child));
      }
    } else if (task.type === "conditional") {
      // The branch taken, known only when run, runs under this id: its output is live only
      // if every branch's is; its count is known at once if the branches agree on it.
      const branches = task.else ? [task.then, task.else] : [task.then];
      if (branches.every((b) => b.live_output)) liveOutput.add(task.id);
      maxAttempts.addBranches(task.id, branches.map(policy));
    } else maxAttempts.set(task.id, tries(task));
  }
  return { liveOutput, maxAttempts };
}
