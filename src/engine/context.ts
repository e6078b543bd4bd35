/**
 * What the pieces of a run share: the run's settings, its limits, its publisher.
 * Implemented by the Run in run.ts; used by leaf.ts and composite.ts.
 * @module
 */
import type { Registry } from "../tasks/mod.ts";
import type { ChildRunRequest, ChildRunResult, ProcessSpawner } from "../tasks/types.ts";
import type { AbortScope, StopReason } from "./abort.ts";
import type { EngineEvent, TaskReason, TaskState } from "./events.ts";
import type { Expressions, ScopeSource } from "./expressions.ts";
import type { Node } from "./nodes.ts";
import type { Secrets } from "./secrets.ts";
import type { Slots } from "./slots.ts";
import type { OutputFiles } from "./output_files.ts";
import { ownText } from "../model/data_text.ts";
import { formatDuration } from "../model/duration.ts";

/** How a task (or one unit of it) ended. */
export interface Outcome {
  status: TaskState;
  reason: TaskReason | null;
  exitCode: number | null;
  error: string | null;
  outputs: Record<string, string>;
  /** Tail of stdout of the last attempt. */
  stdout: string;
  /** Attempts made; undefined keeps the record's count. */
  attempts?: number;
}

/** The run as seen by the code that executes tasks. */
export interface RunContext extends ScopeSource {
  readonly dir: string;
  readonly registry: Registry;
  readonly slots: Slots;
  /** The whole run's cancellation scope. */
  readonly scope: AbortScope;
  /** The spawner runners get (it adds the run's hard-kill signal). */
  readonly spawner: ProcessSpawner;
  readonly killGraceMs: number;
  /** Process env + --env < workflow `environment`, interpolated once at start. */
  readonly workflowEnv: Record<string, string>;
  readonly exprs: Expressions;
  /** The run's secrets; a task's own secret values are added once interpolated. */
  readonly secrets: Secrets;
  now(): Date;
  /** Returns the promises listeners returned (a listener may ask the publisher to wait). */
  publish(event: EngineEvent): Promise<unknown>[];
  /** The attempts' `$WEFT_OUTPUT` files, in the run's private folder (output_files.ts). */
  readonly outputFiles: OutputFiles;
  /** Marks a record started (status running, start time, attempt) and publishes nothing. */
  markStarted(node: Node, attempt: number): string;
  /**
   * Fills a node's final record and publishes `task_finished`; then gives back the slot
   * its last attempt held, if it does (Node.holdsSlot).
   */
  finishRecord(node: Node, outcome: Outcome): void;
  /**
   * Runs another workflow as a child run of task `taskId` (see child.ts); `signal`
   * (the attempt's) cancels it. Rejects with a one-line reason when it cannot start.
   */
  startChild(
    taskId: string,
    request: ChildRunRequest,
    signal: AbortSignal,
  ): Promise<ChildRunResult>;
}

/** The task state and reason a stop reason leads to. */
export function stoppedAs(reason: StopReason): { status: TaskState; reason: TaskReason | null } {
  switch (reason) {
    case "timeout":
    case "parent_timeout":
      return { status: "timed_out", reason: "timeout" };
    case "workflow_timeout":
      return { status: "timed_out", reason: "workflow_timeout" };
    case "signal":
      return { status: "cancelled", reason: "signal" };
    case "fault":
      return { status: "cancelled", reason: "fault" };
    case "not_needed":
      return { status: "cancelled", reason: null };
  }
}

/**
 * The stop a composite's outcome tells its unstarted children of (the inverse of
 * stoppedAs, as seen from below: the composite's own timeout is their parent's); null
 * when it ended otherwise (failed, skipped, succeeded).
 */
export function stopOf(outcome: Outcome): StopReason | null {
  if (outcome.status !== "timed_out" && outcome.status !== "cancelled") return null;
  switch (outcome.reason) {
    case "timeout":
      return "parent_timeout";
    case "workflow_timeout":
    case "signal":
    case "fault":
      return outcome.reason;
    case null:
      return outcome.status === "cancelled" ? "not_needed" : null;
    default:
      return null;
  }
}

/**
 * The error a task stopped by a timeout gets, in weft's words; null for other stops
 * (their state word says it). `own` is the node's own timeout in ms, when it has one:
 * a leaf's `timeout` (stop "timeout") or a composite's (stop "parent_timeout" in its
 * own scope). A composite's timeout that stops the work under it names that composite;
 * the workflow timeout names the workflow's. The process's exit code (143 after
 * SIGTERM) is the stop's doing, not the task's, so it is not the reason. The text says
 * whose timeout, not "timed out": it is shown after the state word (`timed out: the
 * workflow's timeout of 5s`, the recap in cli/render/recap.ts; `status` likewise).
 */
export function stopError(
  run: RunContext,
  node: Node,
  stop: StopReason,
  own: number | null = null,
): string | null {
  if (stop === "timeout" || (stop === "parent_timeout" && own !== null)) {
    return own === null ? null : ownText(`its own timeout of ${formatDuration(own)}`);
  }
  const cause = stopCause(run, node, stop);
  return cause === null ? null : ownText(cause);
}

/**
 * The outcome of a task a stop kept from starting (0 attempts): `cancelled`, as the
 * README says ("Tasks that never started are `cancelled`"), whether it waited at the
 * top level or under a composite, with the stop's reason code and, for a timeout,
 * whose it was: `not started: the workflow's timeout of 300ms`. A task the stop ended
 * while it ran is `timed_out` instead (stoppedAs, stopError).
 */
export function notStartedOutcome(
  run: RunContext,
  node: Node,
  stop: StopReason,
): Outcome & { attempts: 0 } {
  // The task's own timeout never runs before it starts: a stop seen by one that never
  // started came from an enclosing composite's timeout.
  const from = stop === "timeout" ? "parent_timeout" : stop;
  const cause = stopCause(run, node, from);
  return {
    status: "cancelled",
    reason: stoppedAs(from).reason,
    exitCode: null,
    error: cause === null ? null : ownText(`not started: ${cause}`),
    outputs: {},
    stdout: "",
    attempts: 0,
  };
}

/** Whose timeout stopped `node` (from above it), unmarked; null for other stops. */
function stopCause(run: RunContext, node: Node, stop: StopReason): string | null {
  switch (stop) {
    case "parent_timeout": {
      let by = node.parent;
      while (by && by.compositeTimeout === null) by = by.parent;
      if (!by) return "its composite task's timeout";
      return `the timeout of "${by.id}" (${formatDuration(by.compositeTimeout!)})`;
    }
    case "workflow_timeout": {
      const ms = run.workflow.timeout;
      return ms === undefined
        ? "the workflow's timeout"
        : `the workflow's timeout of ${formatDuration(ms)}`;
    }
    default:
      return null;
  }
}

/** The text of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
