/**
 * Starting a workflow run in this process without a terminal display, recorded in
 * history with its trigger: the path `weft schedule backfill` and `weft daemon` use.
 * The same steps as `weft run` (load and validate the file, resolve params, record
 * with the run's secrets, apply retention), with no progress renderer; both share
 * {@link openRecordedRun}.
 * @module
 */
import type { EventListener, RunReport, RunTrigger } from "../engine/events.ts";
import type { RunHandle } from "../engine/options.ts";
import type { LoadedWorkflow } from "../parse/mod.ts";
import type { RunHistory } from "./run_history.ts";
import type { CliIO } from "./io.ts";
import { ExitCode } from "../model/errors.ts";
import { StorageError } from "../store/faults.ts";
import { faultedReport } from "../store/full_disk.ts";
import { RunSettledError } from "../store/settled.ts";
import { homeFor } from "./home.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";

/** What {@link launchRun} starts. */
export interface LaunchOptions {
  /** Workflow file (absolute, or relative to io.cwd). */
  file: string;
  /**
   * The workflow as already loaded and validated (the daemon's last good version of
   * `file`, which keeps running when a reload finds the file broken); `file` is read
   * when absent.
   */
  loaded?: LoadedWorkflow;
  params: Record<string, string>;
  trigger: RunTrigger;
  /** `--home DIR`. */
  homeOption?: string;
  maxParallel?: number;
  /** Extra listeners of the run's events (e.g. the daemon's log lines). */
  listeners?: EventListener[];
  /** Aborted to stop sending the run's notifications (see NotifyOptions.signal). */
  notifySignal?: AbortSignal;
}

/** A started run. */
export interface LaunchedRun {
  runId: string;
  workflow: string;
  /**
   * Resolves once the run ended and is recorded (history flushed and closed); never
   * rejects. `unrecorded`: why its end is not (all) in history, when weft could not
   * write it after the run had ended (a fault during the run is its report's `error`);
   * such a run is `failed`, as history records it.
   */
  done: Promise<RunReport & { unrecorded?: string }>;
  /**
   * Resolves, as `done` does, once the run's end is recorded, before its notifications
   * are sent (a slow notification server must not keep a finished run going: the daemon
   * counts its runs by this); `done` resolves once they are sent too. Never rejects.
   */
  recorded: Promise<RunReport & { unrecorded?: string }>;
  /** Stops the run (SIGTERM to its tasks, SIGKILL after the grace period). */
  cancel(): void;
  /** Kills the run's running tasks at once (SIGKILL), as a second Ctrl-C does. */
  kill(): void;
}

/**
 * Loads, validates and starts one run of `options.file`, resolving once the run is on
 * record. Throws WeftError (exit 2) when the file does not load or validate, or a param
 * is missing, and StorageError (exit 2) when its record cannot be made (a full disk: as
 * `weft run`, see openRunHistory); nothing runs and nothing is recorded then. Recording
 * trouble later never changes the run's outcome: a fault of the machine stops the run,
 * which is recorded `failed` with the reason, as `weft run` does.
 */
export async function launchRun(io: CliIO, options: LaunchOptions): Promise<LaunchedRun> {
  const loaded = options.loaded ??
    await (await import("../parse/problems.ts")).loadWorkflow(options.file, {
      cwd: io.cwd,
      stdin: io.stdin,
      refusals: fixedRefusalCheck,
      // The daemon's runs: a file read unattended (see LoadOptions.regularOnly).
      regularOnly: true,
    });
  const { resolveParams } = await import("../engine/mod.ts");
  const params = resolveParams(loaded.workflow, options.params);
  const { err } = await import("./io.ts");
  // Notifications and alert rules as `weft run` wires them: a scheduled or triggered
  // run notifies as a manual one does.
  const recorded = await openRecordedRun(io, {
    loaded,
    params,
    extraEnv: {},
    homeOption: options.homeOption,
    signal: options.notifySignal,
    warn: (message) => void err(io, `weft: ${message}\n`),
  });
  let handle;
  try {
    handle = recorded.start({
      maxParallel: options.maxParallel,
      listeners: options.listeners,
      trigger: options.trigger,
    });
  } catch (e) {
    await recorded.history.finish();
    throw e;
  }
  const started = handle;
  // After the run ended, a fault no longer changes it: said with its end instead.
  let unrecorded: string | undefined;
  let settled: StorageError | undefined;
  recorded.history.onFault((fault) => {
    if (fault.cause instanceof RunSettledError) settled ??= fault;
    if (!started.fail(fault.summary)) unrecorded ??= fault.summary;
  });
  const notCreated = await recorded.history.created;
  if (notCreated !== null) {
    // Stopped before its first task (by the fault, or here for another error); no
    // notification for a run that is not in history.
    const refused = refusal(notCreated, io, options.homeOption);
    started.fail(refused.summary);
    await started.done;
    await recorded.history.finish();
    throw refused;
  }
  const end = (report: RunReport): RunReport & { unrecorded?: string } => {
    // Another weft marked it interrupted: so it reads in history, whatever its tasks did.
    if (settled) return faultedReport(report, settled);
    if (unrecorded === undefined) return report;
    // Not wholly in history: recorded `failed` (recorder.ts), never a success.
    return {
      ...report,
      status: report.status === "success" ? "failed" : report.status,
      unrecorded,
    };
  };
  const ended = started.done;
  const onRecord = ended.then(async (report) => {
    await recorded.history.settle();
    return end(report);
  });
  const done = ended.then(async (report) => {
    await recorded.finish();
    // The daemon holds weft.kv open, so SQLite restarts the WAL on its own only once it
    // reached ~4 MB: restarted after each run instead (store/kv_checkpoint.ts).
    const [{ checkpointKv }, { kvPath }] = await Promise.all([
      import("../store/kv_checkpoint.ts"),
      import("../store/open.ts"),
    ]);
    await checkpointKv(kvPath(homeFor(io, options.homeOption)));
    return end(report);
  });
  return {
    runId: started.id,
    workflow: loaded.workflow.name,
    done,
    recorded: onRecord,
    cancel: () => started.cancel(),
    kill: () => started.kill(),
  };
}

/** Why a run whose record could not be made is refused (exit 2: nothing ran). */
export function refusal(error: unknown, io: CliIO, homeOption: string | undefined): StorageError {
  const cause = error instanceof StorageError ? error.cause : error;
  return new StorageError(
    "cannot record the run",
    homeFor(io, homeOption),
    cause,
    ExitCode.Invalid,
  );
}

/** What {@link openRecordedRun} needs: a loaded workflow about to run in this process. */
export interface RecordedRunOptions {
  loaded: LoadedWorkflow;
  /**
   * The resolved params; with `resumeId`, a function giving them from the run resumed
   * (its id and the params it recorded, masked: see engine/resume_params.ts), called
   * once that run is loaded and found resumable.
   */
  params:
    | Record<string, string>
    | ((run: { id: string; params: Record<string, string> }) => Record<string, string>);
  /** `--env`: added to the environment of the tasks and of the notifications. */
  extraEnv: Record<string, string>;
  /** `--home DIR`. */
  homeOption?: string;
  /** `--resume RUN_ID` (see openRunHistory). */
  resumeId?: string;
  /** Aborted to stop sending notifications (see NotifyOptions.signal). */
  signal?: AbortSignal;
  /** Told of a secret too short to mask (one line, without newline). */
  warn(message: string): void;
}

/** A run about to start, with its secrets, history and notifications wired. */
export interface RecordedRun {
  history: RunHistory;
  /**
   * Starts the run with the engine's listeners in this order: `display`, history,
   * notifications, `listeners`. Child runs are recorded, not displayed.
   */
  start(options: {
    maxParallel?: number;
    display?: EventListener;
    listeners?: EventListener[];
    trigger: RunTrigger;
  }): RunHandle;
  /** Once the run ended: flushes history, sends notifications, applies retention, closes. */
  finish(): Promise<void>;
}

/**
 * The steps `weft run` and {@link launchRun} share: the run's secrets, its history
 * (openRunHistory), its params and its notifier (wireNotifications), then the engine's
 * options. Throws WeftError (exit 2) for a malformed global config, a bad `resumeId`, or
 * params the resumed run refuses (engine/resume_params.ts).
 */
export async function openRecordedRun(
  io: CliIO,
  options: RecordedRunOptions,
): Promise<RecordedRun> {
  const { loaded, extraEnv } = options;
  const [{ startRun }, { DenoSpawner }, { openRunHistory }, { Secrets }, { wireNotifications }] =
    await Promise.all([
      import("../engine/mod.ts"),
      import("../tasks/spawner.ts"),
      import("./run_history.ts"),
      import("../engine/secrets.ts"),
      import("./notify_wiring.ts"),
    ]);
  const secrets = new Secrets({ warn: (message) => options.warn(message) });
  // History first: a resumed run's params are those of the run it resumes.
  const history = await openRunHistory(io, {
    workflow: loaded.workflow,
    file: loaded.file,
    fileHash: loaded.hash,
    taskHashes: loaded.taskHashes,
    secrets,
    resumeId: options.resumeId,
    homeOption: options.homeOption,
  });
  let params: Record<string, string>;
  let notifier: Awaited<ReturnType<typeof wireNotifications>>;
  try {
    params = typeof options.params === "function"
      ? options.params({
        id: history.resume?.fromRunId ?? "",
        params: history.resume?.params ?? {},
      })
      : options.params;
    notifier = await wireNotifications(io, loaded.workflow, {
      params,
      extraEnv,
      secrets,
      homeOption: options.homeOption,
      signal: options.signal,
      freeSpace: history.freeSpace,
    });
  } catch (e) {
    history.close();
    throw e;
  }
  return {
    history,
    start: (run) => {
      // The spawner loads libc through FFI (~3 ms) once the run has started writing its
      // record, which the first task waits for anyway; first use would load it too.
      let made: InstanceType<typeof DenoSpawner> | undefined;
      const spawner = () => made ??= new DenoSpawner({ adoptEscapes: true });
      const handle = startRun({
        workflow: loaded.workflow,
        file: loaded.file,
        dir: loaded.dir,
        fileHash: loaded.hash,
        params,
        baseEnv: io.env,
        extraEnv,
        maxParallel: run.maxParallel ?? loaded.workflow.max_parallel,
        spawner: { spawn: (options) => spawner().spawn(options) },
        listeners: [
          ...(run.display ? [run.display] : []),
          history.listener,
          ...notifier.listeners,
          ...(run.listeners ?? []),
        ],
        // Sub-workflows: each child run is recorded as a run of its own, not displayed.
        childListeners: [history.listener],
        secrets,
        beforeStart: history.confirmRunning,
        resume: history.resume,
        trigger: run.trigger,
        // Channel settings read `env.NAME` as the tasks do (the workflow's `environment` too).
        onWorkflowEnv: notifier.useEnvironment,
      });
      spawner();
      return handle;
    },
    finish: () => history.finish(notifier.finish),
  };
}
