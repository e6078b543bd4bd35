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

/** The text of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
