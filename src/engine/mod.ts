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
import { Run } from "./run.ts";
import type { EngineOptions, RunHandle } from "./run.ts";

export type { EngineOptions, RunHandle } from "./run.ts";
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
  return run;
}
