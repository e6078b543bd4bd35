/**
 * What a caller gives the engine to start a run, and what it gets back.
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import type { Registry } from "../tasks/mod.ts";
import type { ProcessSpawner } from "../tasks/types.ts";
import type { EventListener, RunReport, RunTrigger, TaskRecord } from "./events.ts";
import type { Secrets } from "./secrets.ts";
import type { CallerStop } from "./context.ts";

/**
 * Default window after the workflow `timeout` in which on_failure callbacks of the tasks
 * it ended still run (30 s, as documented in the README under Callbacks). Longer than
 * the default kill grace, so a task that ignores SIGTERM still leaves callbacks time.
 */
export const CALLBACK_GRACE_MS = 30_000;

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
  /**
   * The run's secrets, shared with other listeners (the recorder masks with the same
   * set). The engine adds every secret it finds: in the process environment, `--env`,
   * the workflow's `environment`, `defaults.environment` and each task's `environment`
   * (after interpolation). Default: a set of the run's own.
   */
  secrets?: Secrets;
  /**
   * Told the environment the run's tasks start from (process env + --env < workflow
   * `environment` < `defaults.environment`, interpolated) once the run is prepared,
   * before any event or task:
   * the notifier reads its channel settings' `env.NAME` from it (notify/mod.ts).
   */
  onWorkflowEnv?: (env: Readonly<Record<string, string>>) => void;
  /** Extra values masked like secrets (values under 4 characters ignored). */
  secretValues?: string[];
  /**
   * Asked before each attempt of a task starts (main task, callback, retry, a composite's
   * child; child runs ask with their own run id): undefined to start at once, or a promise
   * to wait for first, after which the run's stop state is read again, so that a stop
   * made meanwhile keeps the attempt from starting. The history recorder answers with a
   * promise only after this process may have been paused long enough for another weft to
   * mark the run interrupted (store/recorder.ts `confirmRunning`). Default: never waits.
   */
  beforeStart?: (runId: string) => Promise<void> | undefined;
  /** SIGTERM → SIGKILL grace (default 5000 ms). */
  killGraceMs?: number;
  /**
   * How long callbacks may still run after the workflow timeout, counted from the
   * timeout (default {@link CALLBACK_GRACE_MS}); what is still running then is timed_out.
   */
  callbackGraceMs?: number;
  runId?: string;
  host?: string;
  pid?: number;
  now?: () => Date;
  /**
   * What started the run (recorded on the run; `${trigger.type}`, `${schedule.time}` and
   * `${schedule.name}` read it). Default: none recorded, read as manual (resume with `resume`).
   */
  trigger?: RunTrigger;
  /** `--resume`: see {@link EngineResume}. */
  resume?: EngineResume;
  /** Where per-attempt $WEFT_OUTPUT files go; default a private temp folder, removed at the end. */
  workDir?: string;
  /**
   * Listeners of the child runs that `workflow` tasks start (see child.ts): e.g. the
   * history recorder, so each child is recorded as a run of its own. The terminal's
   * listeners belong in `listeners` only. Default: none (child runs go unrecorded).
   */
  childListeners?: EventListener[];
  /** Set by the engine on a child run: who called it, and the chain of calling files. */
  parent?: { runId: string; taskId: string; files: string[] };
}

/** A started run. */
export interface RunHandle {
  readonly id: string;
  /** Resolves with the final report (after `run_finished` was published); never rejects. */
  readonly done: Promise<RunReport>;
  /**
   * Resolves with the same time as `done`: each task's outputs (by task id) as the tasks
   * made them, unmasked (`done`'s report has them masked, as printed and stored), for a
   * caller that passes them on as values: a child run's outputs reach the calling task
   * as `${tasks.X.outputs.Y}` does within one run (child.ts).
   */
  taskOutputs(): Promise<Record<string, Record<string, string>>>;
  /** Stop launching; SIGTERM every running group, SIGKILL after the grace period. */
  cancel(): void;
  /**
   * Stops a child run because its caller's timeout ran out (child.ts): as its own
   * workflow timeout, its tasks end `timed_out` saying whose timeout it was (context.ts
   * CallerStop) and call their `on_failure` callbacks in the grace window; the run ends
   * `cancelled`.
   */
  stopByCaller(stop: CallerStop): void;
  /** Like cancel, but SIGKILL every running group at once. */
  kill(): void;
  /**
   * Stops the run because weft cannot go on (e.g. its history cannot be written):
   * like cancel, but the run ends `failed`, its stopped tasks `cancelled` with reason
   * "fault", and the report's `error` is `error` (the first one given wins). Returns
   * false when the run had already finished (nothing changes then).
   */
  fail(error: string): boolean;
}

/**
 * `--resume`: tasks that succeeded in `previous` are kept (reason "resumed"); the rest
 * runs, but for the succeeded children of composites not in `changed` (the top-level ids
 * whose definition changed since: resume.ts ResumedChildren).
 */
export interface EngineResume {
  fromRunId: string;
  previous: TaskRecord[];
  changed?: readonly string[];
  /**
   * The resume of the child run a `workflow` task `taskId` that did not succeed before
   * starts now (child.ts), given the child workflow as loaded and the params it gets: the
   * child run it started then, resumed (its successes kept, its record `resumedFrom` it),
   * or null for a fresh child run (none then, another file or params). Asked for each
   * child run started; the caller answers once per task.
   */
  child?(taskId: string, child: ResumableChild): Promise<EngineResume | null>;
  /**
   * The resume run `fromRunId` made itself, when it was a resumed run (and the run it
   * resumed is still in history): a child (loop iteration, parallel child) it never
   * started is kept as that run had it, and a `workflow` task that started no child run in
   * it resumes the child run of the run before (resume.ts ResumedChildren.kept). Its
   * `changed` says what changed between those two runs.
   */
  earlier?: EngineResume;
}

/** A child run about to start, as {@link EngineResume.child} sees it. */
export interface ResumableChild {
  workflow: Workflow;
  file: string;
  fileHash: string;
  params: Record<string, string>;
}
