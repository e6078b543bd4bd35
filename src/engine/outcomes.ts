/**
 * Small facts about outcomes the scheduler needs: what blocks dependents, how a skip
 * reads, a run's overall status, and the immutable copies events carry.
 * @module
 */
import { ownText } from "../model/data_text.ts";
import { type CallerStop, notStartedOutcome, type Outcome, type RunContext } from "./context.ts";
import type { RunStatus, TaskRecord } from "./events.ts";
import type { Node } from "./nodes.ts";

/** Whether a finished dependency stops its dependents (they are skipped as upstream). */
export function blocks(dep: Node): boolean {
  const { status, reason } = dep.record;
  if (status === "failed" || status === "timed_out") return !dep.continueOnError;
  return status === "cancelled" || (status === "skipped" && reason === "upstream");
}

export function describe(dep: Node): string {
  const { status } = dep.record;
  return status === "skipped" ? "was skipped" : status === "timed_out" ? "timed out" : `${status}`;
}

export function skipped(
  reason: "condition" | "upstream" | "not_called" | null,
  error: string | null,
): Outcome {
  return { status: "skipped", reason, exitCode: null, error, outputs: {}, stdout: "" };
}

export function snapshot(record: TaskRecord): TaskRecord {
  return { ...record, outputs: { ...record.outputs } };
}

/**
 * The run's status: cancelled after cancel(); failed after the workflow timeout, or
 * when a main task or a called callback ended other than success, skipped, or failed
 * with continue_on_error; success otherwise.
 */
export function runStatus(order: readonly Node[], cancelled: boolean, halted: boolean): RunStatus {
  if (cancelled) return "cancelled";
  if (halted) return "failed";
  for (const node of order) {
    if (node.parent || (node.callback && !node.triggered)) continue;
    const status = node.record.status;
    const failedOk = (status === "failed" || status === "timed_out") && node.continueOnError;
    if (status !== "success" && status !== "skipped" && !failedOk) return "failed";
  }
  return "success";
}

/**
 * The final state of a top-level task still unfinished when the run ends: an
 * uncalled callback is skipped (reason `not_called`); after cancel, the workflow timeout or the
 * caller's (a child run's)
 * the rest is cancelled as never started (context.ts notStartedOutcome: the stop's
 * code and, for the timeout, whose it was); otherwise it never became ready (a cycle).
 */
export function leftoverOutcome(
  run: RunContext,
  node: Node,
  stop: "signal" | "workflow_timeout" | "fault" | CallerStop["stop"] | null,
): Outcome {
  if (node.callback && !node.triggered) return skipped("not_called", null);
  if (stop) return notStartedOutcome(run, node, stop);
  return skipped("upstream", ownText("never became ready: its dependencies form a cycle"));
}
