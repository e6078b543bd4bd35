/**
 * A leaf's spec: what a runner is handed for one task, or one step of a composite task,
 * with the workflow `defaults` applied under the task's own fields.
 * @module
 */
import type { ParallelChild, Step, Task } from "../model/task.ts";
import type { Workflow } from "../model/workflow.ts";
import type { RetryPolicy } from "./retry.ts";

/** One unit of work handed to a runner, with the workflow defaults applied. */
export interface LeafSpec {
  type: string;
  /** What the runner receives: the task or step (for shell, `shell` defaulted). */
  config: unknown;
  cwd?: string;
  /**
   * `defaults.environment` under the task's own, merged, not yet interpolated: for
   * reading the values as written. Interpolation goes block by block (`envBlocks`).
   */
  environment?: Record<string, string>;
  /**
   * The same blocks as written, lowest layer first (`defaults.environment`, then the
   * task's): each resolves in order over those before it (Expressions.renderEnvBlocks).
   */
  envBlocks?: Record<string, string>[];
  timeout?: number;
  retry?: RetryPolicy;
  continueOnError: boolean;
}

/** A workflow's `defaults` block (`{}` when it has none). */
export type TaskDefaults = NonNullable<Workflow["defaults"]>;

/**
 * `step`'s spec: `defaults` fill in what it leaves out (for shell, its `shell`), and
 * `defaults.environment` lies under its own `environment`.
 */
export function leafSpecOf(step: Step | ParallelChild | Task, defaults: TaskDefaults): LeafSpec {
  const s = step as Step;
  const config = s.type === "shell" && s.shell === undefined && defaults.shell !== undefined
    ? { ...s, shell: defaults.shell }
    : s;
  const envBlocks = [defaults.environment, s.environment].filter((b) => b !== undefined);
  const environment = envBlocks.length > 0 ? Object.assign({}, ...envBlocks) : undefined;
  return {
    type: s.type,
    config,
    cwd: s.cwd ?? defaults.cwd,
    environment,
    envBlocks: envBlocks.length > 0 ? envBlocks : undefined,
    timeout: s.timeout ?? defaults.timeout,
    retry: s.retry ?? defaults.retry,
    continueOnError: s.continue_on_error ?? defaults.continue_on_error ?? false,
  };
}
