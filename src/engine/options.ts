/**
 * What a caller gives the engine to start a run, and what it gets back.
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import type { Registry } from "../tasks/mod.ts";
import type { ProcessSpawner } from "../tasks/types.ts";
import type { EventListener, RunReport, TaskRecord } from "./events.ts";

/** Everything a run needs; see `startRun`. */
export interface EngineOptions {
  workflow: Workflow;
  /** Absolute path of the workflow file, or "-". */
  file: string;
  /** The workflow's folder: tasks' default cwd; relative task cwd resolves against it. */
  dir: string;
  fileHash: string;
  /** Given with -p; declared defaults are merged in by {@link resolveParams}. */
  params: Record<string, string>;
  /** The process environment (passed in; the engine never reads Deno.env). */
  baseEnv: Record<string, string>;
  /** --env K=V: part of the process environment (process+extra < workflow < task). */
  extraEnv?: Record<string, string>;
  /** CLI flag > workflow max_parallel > number of CPUs. */
  maxParallel?: number;
  spawner: ProcessSpawner;
  /** Default: the registry from src/tasks/mod.ts. */
  runners?: Registry;
  /** Called synchronously in order for each event; returned promises are not awaited. */
  listeners: EventListener[];
  /** Replaced by "***" in every string of every event (values under 3 chars ignored). */
  secretValues?: string[];
  /** SIGTERM → SIGKILL grace (default 5000 ms). */
  killGraceMs?: number;
  runId?: string;
  host?: string;
  pid?: number;
  now?: () => Date;
  /** Tasks that succeeded in `previous` are kept (reason "resumed"); the rest runs. */
  resume?: { fromRunId: string; previous: TaskRecord[] };
  /** Where per-attempt $WEFT_OUTPUT files go; default a private temp folder, removed at the end. */
  workDir?: string;
}

/** A started run. */
export interface RunHandle {
  readonly id: string;
  /** Resolves with the final report (after `run_finished` was published); never rejects. */
  readonly done: Promise<RunReport>;
  /** Stop launching; SIGTERM every running group, SIGKILL after the grace period. */
  cancel(): void;
  /** Like cancel, but SIGKILL every running group at once. */
  kill(): void;
}
