/**
 * Whether a task that may start now runs at all: a dependency that failed or was
 * skipped rules it out (skipped, `upstream`), and so does its `condition` when false
 * (skipped, `condition`) or when it cannot be evaluated (failed, `error`). The scheduler
 * (scheduler.ts) settles the task with the outcome given here, or queues it when there is none.
 * @module
 */
import { ownText, quoteData } from "../model/data_text.ts";
import type { Outcome } from "./context.ts";
import { conditionScope } from "./expressions.ts";
import type { Node } from "./nodes.ts";
import { blocks, describe, skipped } from "./outcomes.ts";

/** A main task's skip for its first dependency that blocks it, or null when none does. */
export function upstreamSkip(node: Node, nodes: ReadonlyMap<string, Node>): Outcome | null {
  for (const depId of node.deps) {
    const dep = nodes.get(depId)!;
    if (blocks(dep)) {
      return skipped("upstream", ownText(`dependency "${dep.id}" ${describe(dep)}`));
    }
  }
  return null;
}

/**
 * The outcome of a task whose condition rules it out (false: skipped; throwing: failed),
 * or null when it has none or it holds. `run` is the scope's source (conditionScope).
 */
export function conditionSkip(
  node: Node,
  run: Parameters<typeof conditionScope>[0],
): Outcome | null {
  if (node.condition === null) return null;
  let holds: boolean;
  try {
    holds = run.exprs.test(node.condition, conditionScope(run, node));
  } catch (error) {
    return {
      ...skipped(null, null),
      status: "failed",
      reason: "error",
      // The expression's message may quote values: data, masked like any other.
      error: `condition: ${quoteData(error instanceof Error ? error.message : String(error))}`,
    };
  }
  return holds ? null : skipped("condition", null);
}
