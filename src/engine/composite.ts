/**
 * The composite task types: `conditional` (run one of two steps), `parallel` (run
 * children at once; wait for all, any, or the first) and `loop` (run a step per item,
 * in loop.ts).
 * Their leaf work goes through runLeaf, so it counts against `--max-parallel`.
 * @module
 */
import { type AbortScope, childScope } from "./abort.ts";
import { embeddedMessage, ownText } from "../model/data_text.ts";
import { errorText, type Outcome, type RunContext, stopError, stoppedAs } from "./context.ts";
import { conditionScope } from "./expressions.ts";
import { type LeafOutcome, runLeaf } from "./leaf.ts";
import { runLoop } from "./loop.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";
import type { CompositeSpec, Node } from "./nodes.ts";

/** Runs a composite node to its outcome, in a scope under `parent`; never throws. */
export async function runComposite(
  run: RunContext,
  node: Node,
  parent: AbortScope = run.scope,
): Promise<Outcome> {
  const { scope, leave } = childScope(parent);
  let timer: LongTimeout | undefined;
  const startTimeout = () => {
    if (timer === undefined && node.compositeTimeout !== null) {
      timer = setLongTimeout(() => scope.abort("parent_timeout"), node.compositeTimeout);
    }
  };
  try {
    const spec = node.composite!;
    // The timeout measures what the record's duration does: from the task's start. A
    // parallel or loop starts at once (its children's waits for a slot are its own
    // time); a conditional starts with its branch's first attempt, once that holds a
    // slot, as a leaf task does, so its wait for a slot is in neither.
    if (spec.kind !== "conditional") startTimeout();
    switch (spec.kind) {
      case "conditional":
        return await runConditional(run, node, spec, scope, startTimeout);
      case "parallel":
        return await runParallel(run, node, spec, scope);
      case "loop":
        return await runLoop(run, node, spec, scope);
    }
  } catch (error) {
    // (A conditional's condition that cannot be evaluated: no process ran, no exit code.)
    return { ...failed(errorText(error)), exitCode: null, attempts: node.record.attempts };
  } finally {
    clearLongTimeout(timer);
    leave();
  }
}

async function runConditional(
  run: RunContext,
  node: Node,
  spec: Extract<CompositeSpec, { kind: "conditional" }>,
  scope: AbortScope,
  onStart: () => void,
): Promise<Outcome> {
  const chosen = run.exprs.test(spec.condition, conditionScope(run, node)) ? "then" : "else";
  const step = chosen === "then" ? spec.then : spec.else;
  if (!step) {
    return { ...failed(null), status: "skipped", reason: "condition", exitCode: null };
  }
  node.continueOnError = step.continueOnError; // the branch taken decides
  const outcome = await runLeaf(run, {
    node,
    spec: step,
    scope,
    slotHeld: false,
    quiet: false,
    onStart,
    // The step's `timeout:` is the branch's, not the conditional's own (`timeout:` beside it).
    timeoutOf: `its ${chosen} step's`,
  });
  return { ...outcome, outputs: { ...outcome.outputs, branch: chosen } };
}

async function runParallel(
  run: RunContext,
  node: Node,
  spec: Extract<CompositeSpec, { kind: "parallel" }>,
  scope: AbortScope,
): Promise<Outcome> {
  const startedAt = startComposite(run, node);
  let decider: { child: Node; outcome: LeafOutcome } | null = null;
  const results = await Promise.all(node.children.map(async (child) => {
    const outcome = await runLeaf(run, {
      node: child,
      spec: child.leaf!,
      scope,
      slotHeld: false,
      atOnce: true,
      quiet: false,
    });
    // (A caller's "not needed", in a child run, already says whose.)
    if (
      outcome.status === "cancelled" && outcome.reason === null && scope.reason === "not_needed"
    ) {
      outcome.error = ownText(`not needed: another task of "${node.id}" decided its outcome`);
    }
    run.finishRecord(child, outcome);
    const decides = spec.waitFor === "first" ||
      (spec.waitFor === "any" && outcome.status === "success");
    if (decides && !decider && scope.reason === null) {
      decider = { child, outcome };
      scope.abort("not_needed");
    }
    return { child, outcome };
  }));
  const succeeded = results.filter((r) => r.outcome.status === "success").length;
  const failedCount = results.filter((r) => isFailure(r.outcome.status)).length;
  const outputs: Record<string, string> = {
    succeeded: String(succeeded),
    failed: String(failedCount),
  };
  let outcome: Outcome;
  const stop = scope.reason === "not_needed" ? null : scope.reason;
  const winner = decider as { child: Node; outcome: LeafOutcome } | null;
  if (winner) {
    outputs.winner = winner.child.id;
    outcome = { ...decidedBy(winner.child, winner.outcome), outputs };
  } else if (stop) {
    outcome = {
      ...stoppedAs(stop),
      exitCode: null,
      error: stopError(run, node, stop, node.compositeTimeout),
      outputs,
      stdout: "",
    };
  } else {
    const ok = spec.waitFor === "all"
      ? results.every((r) => r.outcome.status === "success" || r.child.continueOnError)
      : false;
    outcome = ok ? { ...succeededOutcome(), outputs } : {
      ...failed(ownText(`${failedCount} of ${results.length} tasks failed`)),
      outputs,
    };
  }
  finishComposite(run, node, outcome, startedAt);
  return outcome;
}

/**
 * A parallel's outcome decided by `child`: its success, or a failure naming it — a
 * child's timeout or stop is the child's, not the parallel's own (`q failed: first to
 * finish: d1: timed out: its own timeout of 200ms`, as a loop names its first failure).
 */
function decidedBy(child: Node, outcome: LeafOutcome): Outcome {
  const { status, reason, exitCode, error } = outcome;
  if (status === "success") return { status, reason, exitCode, error, outputs: {}, stdout: "" };
  const state = status === "timed_out" ? "timed out" : status === "cancelled" ? "cancelled" : "";
  const what = error === null
    ? ownText(state || "failed")
    : state
    ? ownText(`${state}: `) + embeddedMessage(error)
    : embeddedMessage(error);
  return {
    ...failed(ownText(`first to finish: ${child.id}: `) + what),
    reason: status === "failed" ? reason : "error",
    exitCode: status === "failed" ? exitCode ?? 1 : 1,
  };
}

/** Marks a composite started (attempt 1) and says so; returns the start time. */
export function startComposite(run: RunContext, node: Node): string {
  const at = run.markStarted(node, 1);
  run.publish({ type: "task_started", runId: run.runId, taskId: node.id, attempt: 1, at });
  return at;
}

/** Publishes the composite's one attempt as finished (its record is finished by the caller). */
export function finishComposite(
  run: RunContext,
  node: Node,
  outcome: Outcome,
  startedAt: string,
): void {
  run.publish({
    type: "attempt_finished",
    runId: run.runId,
    taskId: node.id,
    attempt: 1,
    status: outcome.status,
    exitCode: outcome.exitCode,
    error: outcome.error,
    startedAt,
    finishedAt: run.nowIso(),
    retryInMs: null,
  });
}

/** Failed or timed out. */
export function isFailure(status: Outcome["status"]): boolean {
  return status === "failed" || status === "timed_out";
}

/** A failure with `error` (exit code 1). */
export function failed(error: string | null): Outcome {
  return { status: "failed", reason: "error", exitCode: 1, error, outputs: {}, stdout: "" };
}

/** A success with no outputs. */
export function succeededOutcome(): Outcome {
  return { status: "success", reason: null, exitCode: 0, error: null, outputs: {}, stdout: "" };
}
