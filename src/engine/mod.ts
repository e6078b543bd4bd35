/**
 * The engine: runs a workflow's DAG with real processes and publishes what happens
 * as a typed event stream. It knows nothing of terminals or storage.
 *
 * ```ts
 * const handle = startRun({ workflow, file, dir, fileHash, params: {}, baseEnv,
 *   spawner: new DenoSpawner(), listeners: [(e) => console.log(e.type)] });
 * Deno.addSignalListener("SIGINT", () => handle.cancel());
 * const report = await handle.done;
 * ```
 * @module
 */
import { WeftError } from "../model/errors.ts";
import type { Workflow } from "../model/workflow.ts";
import { defaultRegistry, type Registry } from "../tasks/mod.ts";
import { buildNodes } from "./nodes.ts";
import type { EngineOptions, RunHandle } from "./options.ts";
import { Run } from "./run.ts";

export type { EngineOptions, RunHandle } from "./options.ts";
export type { Plan, PlannedTask } from "./plan.ts";
export { planRun } from "./plan.ts";
export { resolveParams } from "./params.ts";
export { newRunId } from "./ids.ts";
export { retryDelayMs, type RetryPolicy } from "./retry.ts";
export { parseOutputs } from "./outputs.ts";
export type * from "./events.ts";
export type { Registry } from "../tasks/mod.ts";

/**
 * Validates and starts a run. Throws a WeftError (exit 2) before anything starts when
 * a task's type has no runner, a required param is missing, an undeclared param is
 * given, a condition does not parse, or a task depends on a callback-only task.
 */
export function startRun(options: EngineOptions): RunHandle {
  const run = new Run(options);
  run.start();
  return {
    id: run.id,
    done: run.done,
    taskOutputs: () => run.taskOutputs(),
    cancel: () => run.cancel(),
    stopByCaller: (stop) => run.stopByCaller(stop),
    kill: () => run.kill(),
    fail: (error) => run.fail(error),
  };
}

/**
 * The checks `startRun` makes of the workflow itself — every task type has a runner,
 * no task depends on a callback-only task, ids are unique — without running anything
 * (for `--dry-run`). Throws WeftError (exit 2) listing every problem.
 */
export function checkRunnable(
  workflow: Workflow,
  file: string,
  registry: Registry = defaultRegistry,
): void {
  const { problems } = buildNodes(workflow, file, (type) => registry.has(type));
  if (problems.length > 0) throw new WeftError(problems);
}
