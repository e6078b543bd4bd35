/**
 * Starting a workflow run in this process without a terminal display, recorded in
 * history with its trigger: the path `weft schedule backfill` and `weft daemon` use.
 * The same steps as `weft run` (load and validate the file, resolve params, record
 * with the run's secrets, apply retention), with no progress renderer.
 * @module
 */
import type { EventListener, RunReport, RunTrigger } from "../engine/events.ts";
import type { LoadedWorkflow } from "../parse/mod.ts";
import type { CliIO } from "./io.ts";

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
}

/** A started run. */
export interface LaunchedRun {
  runId: string;
  workflow: string;
  /** Resolves once the run ended and is recorded (history flushed and closed); never rejects. */
  done: Promise<RunReport>;
  /** Stops the run (SIGTERM to its tasks, SIGKILL after the grace period). */
  cancel(): void;
}

/**
 * Loads, validates and starts one run of `options.file`. Throws WeftError (exit 2)
 * when the file does not load or validate, or a param is missing; nothing is recorded
 * then. Recording trouble never changes the run's outcome (a warning on stderr).
 */
export async function launchRun(io: CliIO, options: LaunchOptions): Promise<LaunchedRun> {
  const loaded = options.loaded ??
    await (await import("../parse/mod.ts")).loadWorkflow(options.file, {
      cwd: io.cwd,
      stdin: io.stdin,
    });
  const { resolveParams, startRun } = await import("../engine/mod.ts");
  const params = resolveParams(loaded.workflow, options.params);
  const { DenoSpawner } = await import("../tasks/spawner.ts");
  const { openRunHistory } = await import("./run_history.ts");
  const { Secrets } = await import("../engine/secrets.ts");
  const { err } = await import("./io.ts");
  const secrets = new Secrets({ warn: (message) => void err(io, `weft: ${message}\n`) });
  // Notifications and alert rules as `weft run` wires them: a scheduled or triggered
  // run notifies as a manual one does.
  const { wireNotifications } = await import("./notify_wiring.ts");
  const notifier = await wireNotifications(io, loaded.workflow, {
    params,
    extraEnv: {},
    secrets,
    homeOption: options.homeOption,
  });
  const history = await openRunHistory(io, {
    workflow: loaded.workflow,
    file: loaded.file,
    fileHash: loaded.hash,
    secrets,
    homeOption: options.homeOption,
  });
  let handle;
  try {
    handle = startRun({
      workflow: loaded.workflow,
      file: loaded.file,
      dir: loaded.dir,
      fileHash: loaded.hash,
      params,
      baseEnv: io.env,
      maxParallel: options.maxParallel ?? loaded.workflow.max_parallel,
      spawner: new DenoSpawner(),
      listeners: [history.listener, ...notifier.listeners, ...(options.listeners ?? [])],
      childListeners: [history.listener],
      secrets,
      trigger: options.trigger,
    });
  } catch (e) {
    await history.finish();
    throw e;
  }
  const started = handle;
  history.onFault((fault) => started.fail(fault.summary));
  const done = started.done.then(async (report) => {
    await history.finish(notifier.finish);
    return report;
  });
  return {
    runId: started.id,
    workflow: loaded.workflow.name,
    done,
    cancel: () => started.cancel(),
  };
}
