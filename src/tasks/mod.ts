/**
 * The registry of task types: the only place that lists them. A type missing here is
 * accepted by `weft validate` but refused by `weft run` before anything starts.
 * @module
 */
import { dockerRunner } from "./docker.ts";
import { databaseRunner } from "./database/runner.ts";
import { dataProcessorRunner } from "./data_processor.ts";
import { httpRunner } from "./http.ts";
import { javascriptRunner } from "./javascript.ts";
import { pythonRunner } from "./python.ts";
import { shellRunner } from "./shell.ts";
import type { TaskRunner } from "./types.ts";
import { workflowRunner } from "./workflow.ts";

/** Task runners by task type. */
export type Registry = ReadonlyMap<string, TaskRunner>;

/** Every task type this version of weft can run. */
export const defaultRegistry: Registry = new Map<string, TaskRunner>([
  [shellRunner.type, shellRunner],
  [httpRunner.type, httpRunner],
  [javascriptRunner.type, javascriptRunner],
  [pythonRunner.type, pythonRunner],
  [dataProcessorRunner.type, dataProcessorRunner],
  [databaseRunner.type, databaseRunner],
  [dockerRunner.type, dockerRunner],
  [workflowRunner.type, workflowRunner],
]);

export type { ProcessSpawner, TaskContext, TaskResult, TaskRunner } from "./types.ts";
export { DenoSpawner } from "./spawner.ts";
