/**
 * `--resume`: the tasks that succeeded in an earlier run are kept as they were
 * (status success, reason "resumed", same outputs and exit code) and not run again.
 * @module
 */
import type { Outcome } from "./context.ts";
import type { TaskRecord } from "./events.ts";
import { iterationNode, type Node } from "./nodes.ts";

/** One record to keep. */
export interface Kept {
  node: Node;
  outcome: Outcome;
}

/**
 * The top-level tasks that succeeded before, each followed by its parallel children
 * (kept as they were; a child missing from the earlier run is skipped) or its loop
 * iterations (those the earlier run recorded).
 */
export function keptFromEarlierRun(order: readonly Node[], previous: TaskRecord[]): Kept[] {
  const before = new Map(previous.map((r) => [r.id, r]));
  const kept: Kept[] = [];
  for (const node of order) {
    const old = before.get(node.id);
    if (node.parent || !old || old.status !== "success") continue;
    kept.push({ node, outcome: keptOutcome(old) });
    if (node.composite?.kind === "loop") {
      // Its iterations were recorded as they ran (`ID[key]`): kept with it, in their order.
      const step = node.composite.step;
      for (const record of previous) {
        if (!record.id.startsWith(`${node.id}[`)) continue;
        const iteration = iterationNode(node, record.id, step);
        node.children.push(iteration);
        kept.push({ node: iteration, outcome: keptOutcome(record) });
      }
      continue;
    }
    for (const child of node.children) {
      const oldChild = before.get(child.id);
      kept.push({
        node: child,
        outcome: oldChild ? keptOutcome(oldChild) : {
          status: "skipped",
          reason: null,
          exitCode: null,
          error: null,
          outputs: {},
          stdout: "",
          attempts: 0,
        },
      });
    }
  }
  return kept;
}

function keptOutcome(old: TaskRecord): Outcome {
  return {
    status: old.status,
    reason: old.status === "success" ? "resumed" : old.reason,
    exitCode: old.exitCode,
    error: old.error,
    outputs: { ...old.outputs },
    stdout: "",
    attempts: 0,
  };
}
