/**
 * The registry of task types: the only place that lists them. A type missing here is
 * accepted by `weft validate` but refused by `weft run` before anything starts.
 * @module
 */
import { httpRunner } from "./http.ts";
import { shellRunner } from "./shell.ts";
import type { TaskRunner } from "./types.ts";

/** Task runners by task type. */
export type Registry = ReadonlyMap<string, TaskRunner>;

/** Every task type this version of weft can run. */
export const defaultRegistry: Registry = new Map<string, TaskRunner>([
  [shellRunner.type, shellRunner],
  [httpRunner.type, httpRunner],
]);

export type { ProcessSpawner, TaskContext, TaskResult, TaskRunner } from "./types.ts";
export { DenoSpawner } from "./spawner.ts";
