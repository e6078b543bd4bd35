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
import type { CutStdout } from "./tail.ts";
import { ownText } from "../model/data_text.ts";
import { formatDuration } from "../model/duration.ts";

/** How a task (or one unit of it) ended. */
export interface Outcome {
  status: TaskState;
  reason: TaskReason | null;
  exitCode: number | null;
  error: string | null;
  outputs: Record<string, string>;
  /** Outputs holding only part of their value, by name: why (TaskResult.cut). */
  cut?: Record<string, string>;
  /** Stdout of the last attempt, or why `${tasks.ID.stdout}` cannot give it whole. */
  stdout: string | CutStdout;
  /** Attempts made; undefined keeps the record's count. */
  attempts?: number;
  /**
   * The caller's stop that ended it (child runs only; not recorded): stopOf gives it to
   * the children it kept from starting, whose reason is then the caller's too.
   */
  stop?: StopReason;
}

/**
 * A stop of the calling run that ends a child run (sub-workflows) other than Ctrl-C or a
 * fault: the stop the child's work gets, and why, in the calling run's words, as seen
 * from inside the child (`the timeout of "call" (500ms)`, `the workflow's timeout of
 * 700ms`, `not needed: another task of "race" decided its outcome`).
 */
export interface CallerStop {
  stop: "caller_timeout" | "caller_workflow_timeout" | "caller_not_needed";
  cause: string;
  /**
   * Set when the stop is the end of the calling run's callback window: a timeout's
   * window the child's callbacks would get is over already, so none runs (run.ts).
   */
  windowOver?: true;
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
  /** Set once a child run is stopped by its caller (see CallerStop); else null. */
  readonly callerStop: CallerStop | null;
  /** How long callbacks may still run after the workflow timeout, in ms (options.ts). */
  readonly callbackGraceMs: number;
  /** The run clock's time now as an ISO 8601 string (UTC, ms): what records and events carry. */
  nowIso(): string;
  /** Returns the promises listeners returned (a listener may ask the publisher to wait). */
  publish(event: EngineEvent): Promise<unknown>[];
  /** The attempts' `$WEFT_OUTPUT` files, in the run's private folder (output_files.ts). */
  readonly outputFiles: OutputFiles;
  /**
   * The wait of `node` for its next attempt, `ms`, holding no slot; resolves to the stop
   * reason when `scope` stops first. A `parallel: false` task lets other tasks start
   * meanwhile, and is back to running alone when this resolves with null (after they
   * ended, when some started); `waiting` is called when, its wait over, it must wait for
   * them to end.
   */
  backOff(
    node: Node,
    scope: AbortScope,
    ms: number,
    waiting?: () => void,
  ): Promise<StopReason | null>;
  /** EngineOptions.beforeStart for this run: see there. */
  beforeStart(): Promise<void> | undefined;
  /** Marks a record started (status running, start time, attempt) and publishes nothing. */
  markStarted(node: Node, attempt: number): string;
  /**
   * In a resumed run, the kept outcome of a composite's child that succeeded in the earlier
   * run (resume.ts ResumedChildren), which then does not run again; else null.
   */
  resumedChild?(node: Node): Outcome | null;
  /**
   * Fills a node's final record and publishes `task_finished`; then gives back the slot
   * its last attempt held, if it does (Node.holdsSlot).
   */
  finishRecord(node: Node, outcome: Outcome): void;
  /**
   * Runs another workflow as a child run of task `taskId` (see child.ts); `signal`
   * (the attempt's) cancels it, or, when `callerStop` maps the signal's stop reason to a
   * CallerStop (a timeout: callerStopOf), stops it with that timeout's words. Rejects
   * with a one-line reason when it cannot start.
   */
  startChild(
    taskId: string,
    request: ChildRunRequest,
    signal: AbortSignal,
    callerStop: (stop: StopReason) => CallerStop | null,
  ): Promise<ChildRunResult>;
}

/** The task state and reason a stop reason leads to. */
export function stoppedAs(
  reason: StopReason,
): { status: TaskState; reason: TaskReason | null; stop?: StopReason } {
  switch (reason) {
    // The stop rides along: stopOf passes it on to the children a composite kept from starting.
    case "caller_timeout":
      return { status: "timed_out", reason: "timeout", stop: reason };
    case "caller_workflow_timeout":
      return { status: "timed_out", reason: "workflow_timeout", stop: reason };
    case "caller_not_needed":
      return { status: "cancelled", reason: null, stop: reason };
    case "timeout":
    case "parent_timeout":
      return { status: "timed_out", reason: "timeout" };
    case "workflow_timeout":
    case "callback_window":
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
  if (outcome.stop?.startsWith("caller_")) return outcome.stop;
  switch (outcome.reason) {
    case "timeout":
      return "parent_timeout";
    case "workflow_timeout":
    case "signal":
    case "fault":
      return outcome.reason;
    // (callback_window ends callbacks only: top-level leaves, no children.)
    case null:
      return outcome.status === "cancelled" ? "not_needed" : null;
    default:
      return null;
  }
}

/**
 * The error a task stopped by a timeout gets, in weft's words (or, in a child run its
 * caller no longer needs, that caller's words); null for other stops (their state word
 * says it). `own` is the node's own timeout in ms, when it has one:
 * a leaf's `timeout` (stop "timeout") or a composite's (stop "parent_timeout" in its
 * own scope). A composite's timeout that stops the work under it names that composite;
 * the workflow timeout names the workflow's. The process's exit code (143 after
 * SIGTERM) is the stop's doing, not the task's, so it is not the reason. `whose` names a
 * leaf's `timeout` that is not the node's own (`its else step's`: a conditional's branch).
 * The text says
 * whose timeout, not "timed out": it is shown after the state word (`timed out: the
 * workflow's timeout of 5s`, the recap in cli/render/recap.ts; `status` likewise).
 */
export function stopError(
  run: RunContext,
  node: Node,
  stop: StopReason,
  own: number | null = null,
  whose: string = "its own",
): string | null {
  if (stop === "timeout" || (stop === "parent_timeout" && own !== null)) {
    return own === null ? null : ownText(`${whose} timeout of ${formatDuration(own)}`);
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
    ...stoppedAs(from),
    status: "cancelled",
    exitCode: null,
    // A caller's "not needed" says it already.
    error: cause === null
      ? null
      : ownText(from === "caller_not_needed" ? cause : `not started: ${cause}`),
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
    case "caller_timeout":
    case "caller_workflow_timeout":
      return run.callerStop?.cause ?? "its calling task's timeout";
    case "caller_not_needed":
      return run.callerStop?.cause ?? "not needed by its calling task";
    case "callback_window":
      // A child run stopped by its caller's timeout opens the window after that timeout.
      return `the ${formatDuration(run.callbackGraceMs)} callbacks get after ${
        run.callerStop?.cause ?? stopCause(run, node, "workflow_timeout")
      }`;
    default:
      return null;
  }
}

/**
 * The CallerStop a child run started by `node` gets when the attempt's signal stops
 * with `stop`, or null for Ctrl-C and a fault (the child is cancelled as such). A
 * `parallel` child another one outdid says so, as its parallel says of it. The child's
 * tasks run under `node` as a composite's children run under it, so the words are
 * those its children would get: the attempt's own timeout
 * (`ownMs`, stop "timeout") and a conditional's own (stop "parent_timeout" on the node
 * itself) name `node`; a composite's above it names that one; the workflow's (and the
 * callbacks' window after it, which leaves the child's callbacks none: windowOver) names
 * the calling workflow's; a caller's stop of this run
 * is passed on as it came.
 */
export function callerStopOf(
  run: RunContext,
  node: Node,
  ownMs: number | null,
  stop: StopReason,
): CallerStop | null {
  switch (stop) {
    case "timeout":
      return {
        stop: "caller_timeout",
        cause: ownMs === null
          ? `the timeout of "${node.id}"`
          : `the timeout of "${node.id}" (${formatDuration(ownMs)})`,
      };
    case "parent_timeout":
      return node.compositeTimeout === null
        ? { stop: "caller_timeout", cause: stopCause(run, node, stop)! }
        : {
          stop: "caller_timeout",
          cause: `the timeout of "${node.id}" (${formatDuration(node.compositeTimeout)})`,
        };
    case "workflow_timeout":
      return { stop: "caller_workflow_timeout", cause: stopCause(run, node, stop)! };
    case "callback_window":
      return {
        stop: "caller_workflow_timeout",
        cause: stopCause(run, node, stop)!,
        windowOver: true,
      };
    case "not_needed":
      return node.parent === null ? null : {
        stop: "caller_not_needed",
        cause: `not needed: another task of "${node.parent.id}" decided its outcome`,
      };
    case "caller_timeout":
    case "caller_workflow_timeout":
    case "caller_not_needed":
      return run.callerStop ?? { stop, cause: stopCause(run, node, stop)! };
    default:
      return null;
  }
}

/** The text of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
