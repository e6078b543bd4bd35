/**
 * How a task's record (the TaskRecord events and the history carry) changes when the
 * task starts an attempt and when it finishes. Publishing the change is the scheduler's
 * job (run.ts, RunContext.markStarted and finishRecord).
 * @module
 */
import type { Outcome } from "./context.ts";
import type { Node } from "./nodes.ts";
import { elapsedMs } from "../elapsed.ts";

/** Marks `node` running its attempt `attempt` (1-based) from `at` (ISO 8601). */
export function recordStarted(node: Node, attempt: number, at: string): void {
  const record = node.record;
  record.startedAt ??= at;
  record.status = "running";
  record.attempts = attempt;
}

/**
 * Gives `node` its final state from `outcome`, finished `at` (ISO 8601); durationMs counts from
 * its first start (null when it never started).
 */
export function recordFinished(node: Node, outcome: Outcome, at: string): void {
  const record = node.record;
  record.status = outcome.status;
  record.reason = outcome.reason;
  record.exitCode = outcome.exitCode;
  record.error = outcome.error;
  record.outputs = outcome.outputs;
  if (outcome.cut && Object.keys(outcome.cut).length > 0) record.cut = outcome.cut;
  else delete record.cut;
  if (outcome.attempts !== undefined) record.attempts = outcome.attempts;
  record.finishedAt = at;
  record.durationMs = record.startedAt ? elapsedMs(record.startedAt, at) : null;
  node.stdout = outcome.stdout;
  node.finished = true;
}
