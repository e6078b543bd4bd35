/**
 * Recording a `weft run` in history, in one object the run verb wires in: opens the
 * store (with crash recovery), checks and loads `--resume`, builds the recorder
 * (masking with the run's secrets, task definition hashes), and at the end flushes, applies retention
 * and closes. Recording problems never change a run's outcome: they become warnings.
 *
 * ```ts
 * const secrets = new Secrets({ declared: workflow.secrets, warn });
 * const history = await openRunHistory(io, { workflow, file, fileHash, secrets, resumeId, homeOption });
 * const handle = startRun({ ..., listeners: [progress.listener, history.listener],
 *   secrets, resume: history.resume });
 * const report = await handle.done;
 * await history.finish();
 * ```
 * @module
 */
import type { EventListener, RunTrigger } from "../engine/events.ts";
import type { EngineResume } from "../engine/options.ts";
import type { Secrets } from "../engine/secrets.ts";
// Static: small, and used at the end of every run, where a dynamic import cost ~1 ms.
import { applyRetention, type RetentionPolicy } from "../store/retention.ts";
import type { RunStore } from "../store/run_store.ts";
import { isFault, StorageError } from "../store/faults.ts";
import { openHistoryForRun } from "./run_home.ts";
import { noRuns, runById } from "./history_shared.ts";
import { homeFor, readGlobalConfig } from "./home.ts";
import { type CliIO, err } from "./io.ts";

/** What {@link openRunHistory} needs about the run about to start. */
export interface RunHistoryOptions {
  workflow: {
    name: string;
    tasks: ReadonlyArray<{ id: string }>;
    retention?: RetentionPolicy;
  };
  /** Absolute path of the workflow file, or "-". */
  file: string;
  /** SHA-256 of the file's bytes. */
  fileHash: string;
  /**
   * store/resume.ts taskHashes of `workflow` when already worked out (parse/problems.ts
   * loadWorkflow, or the validated-workflow cache): not worked out again.
   */
  taskHashes?: Record<string, string>;
  /**
   * The run's secrets, also given to the engine, which fills it (environment, `--env`,
   * workflow, defaults and task `environment`); everything recorded is masked with it.
   */
  secrets: Secrets;
  /** `--resume RUN_ID` (a unique prefix works). */
  resumeId?: string;
  /** `--home DIR`. */
  homeOption?: string;
}

/** A run being recorded. */
export interface RunHistory {
  /** Subscribe this to the engine. */
  listener: EventListener;
  /**
   * Pass to the engine as `resume` (set with `resumeId`, after the safety check); `params`
   * are those the resumed run recorded (masked), see engine/resume_params.ts; `fire` is the
   * schedule fire its trigger stood for (absent when no schedule started it), which the
   * resumed run stands for too.
   */
  resume?: EngineResume & {
    params: Record<string, string>;
    fire?: { scheduledFor: string; schedule: string };
  };
  /**
   * Calls `handler` once when recording fails for a fault of the machine (disk full,
   * read-only, I/O error): the run should then be stopped. A fault that already
   * happened is passed at once.
   */
  onFault(handler: (error: StorageError) => void): void;
  /**
   * Settles once the run's record is written: null, or the error that kept it from being
   * written (the run is then not in history: refuse it, see launch.ts).
   */
  created: Promise<unknown>;
  /**
   * Waits for everything received so far to be written (a write error that is no fault
   * already told becomes a warning), then resolves to the first fault of the machine
   * met while recording, or null: a run with one is not wholly in history, and reads
   * `failed` there (store/full_disk.ts `unrecordedReport`) whatever its tasks did.
   */
  settle(): Promise<StorageError | null>;
  /** Pass to the engine as `beforeStart`: see store/recorder.ts `confirmRunning`. */
  confirmRunning(runId: string): Promise<void> | undefined;
  /**
   * Waits for everything to be written ({@link settle}), calls `beforeClose` (e.g.
   * notifications, which read the recorded run and write to it), applies retention,
   * closes the store.
   */
  finish(beforeClose?: (store: RunStore) => Promise<unknown>): Promise<void>;
  /** The open store (e.g. to print the run id's history location). */
  store: RunStore;
  /**
   * Spends the run's own space reserve (store/run_reserve.ts) for one of its last records
   * on a full disk (its notifications' outcome); resolves to whether there was one.
   */
  freeSpace(): Promise<boolean>;
  /** Closes the store without {@link finish} (the run never started), giving back its reserve. */
  close(): void;
}

/**
 * What `--resume` keeps of run `resumeId`, after the safety checks (store/resume.ts
 * checkResumable, resumedTasks; store/resume_claim.ts): throws WeftError (exit 2) when the
 * run cannot be resumed with this file. `claim`: this process resumes it (a real run);
 * `weft run --dry-run --resume` checks the same without claiming.
 */
export async function loadResume(
  store: RunStore,
  options: Pick<RunHistoryOptions, "workflow" | "file" | "fileHash" | "taskHashes"> & {
    resumeId: string;
    /** The history folder, named when it holds no runs (history_shared.ts runById). */
    home: string;
  },
  claim: boolean,
): Promise<NonNullable<RunHistory["resume"]>> {
  const [resumeChecks, { claimResume }, { childResumer, earlierResume }] = await Promise.all([
    import("../store/resume.ts"),
    import("../store/resume_claim.ts"),
    import("../store/resume_children.ts"),
  ]);
  const { changedTasks, checkResumable, resumedTasks, taskHashes } = resumeChecks;
  const previous = await runById(store, options.resumeId, options.home);
  checkResumable(previous, {
    file: options.file,
    hash: options.fileHash,
    workflow: options.workflow,
  });
  // History keeps outputs cut for display; a kept task passes on its whole outputs.
  const cut = Object.keys(previous.truncatedOutputs);
  const whole = cut.length ? await store.wholeOutputs(previous.run.id, cut) : {};
  const kept = resumedTasks(previous, whole, options.file);
  // What the run resumed kept itself (when it was a resume) and may not have recorded yet.
  const earlier = await earlierResume(store, previous, options.file);
  const resume = {
    fromRunId: previous.run.id,
    previous: kept,
    changed: changedTasks(
      previous,
      options.taskHashes ?? taskHashes(options.workflow),
      options.fileHash,
    ),
    params: previous.run.params ?? {},
    // A resumed fire is still that fire: `${schedule.time}` and its record follow it.
    ...fireOf(previous.run.trigger),
    // A sub-workflow run again resumes its child run (store/resume_children.ts).
    child: childResumer(store, previous.run.id, kept, earlier),
    ...(earlier ? { earlier } : {}),
  };
  // Last: once per run, and not by two at once.
  await claimResume(store, previous.run, options.file, claim);
  return resume;
}

/**
 * Opens history for a run. Throws WeftError (exit 2) when `--resume` names no run, an
 * ambiguous prefix, or a run that cannot be safely resumed with this file.
 */
export async function openRunHistory(io: CliIO, options: RunHistoryOptions): Promise<RunHistory> {
  const home = homeFor(io, options.homeOption);
  // A run to resume where no history is: refused before the home, logs/ and weft.kv are
  // made for it (nothing runs, nothing is left behind).
  if (options.resumeId !== undefined && !(await import("../store/open.ts")).holdsHistory(home)) {
    throw noRuns(home);
  }
  // Loaded while the store opens (mostly waiting on the disk), not after it: both come
  // before the first task can start.
  const modules = Promise.all([import("../store/recorder.ts"), import("../store/resume.ts")]);
  modules.catch(() => {}); // a failed load is thrown below, unless opening failed first
  const { store, reserve } = await openHistoryForRun(io, options.homeOption);
  try {
    const [{ createRecorder }, { taskHashes }] = await modules;
    const hashes = options.taskHashes ?? taskHashes(options.workflow);
    const resume = options.resumeId === undefined
      ? undefined
      : await loadResume(store, { ...options, resumeId: options.resumeId, home }, true);
    let fault: StorageError | null = null;
    let onFault = (_: StorageError) => {};
    const recorder = createRecorder(store, store.logsDir, {
      secrets: options.secrets,
      taskHashes: hashes,
      storePath: home,
      onFault: (error) => {
        fault = error;
        onFault(error);
      },
      // The reserve is released only here, for the run's final record, once its tasks have
      // ended and its logs are stopped and drained (recorder.ts run_finished): released at
      // the fault, its room went to what still wrote while the run stopped (log lines in
      // flight, the tasks' own files), and the final record found none. It is this run's
      // own (run_reserve.ts): the other runs in flight in this home keep theirs.
      freeSpace: () => reserve.release(),
    });
    // The runs recorded here: retention never deletes them (a clock stepped back makes
    // the run just made look older than the others, see store/retention.ts).
    const recordedRuns: string[] = [];
    let settled: Promise<StorageError | null> | undefined;
    const settle = () =>
      settled ??= recorder.flush().catch(async (e) => {
        // A fault already told (and that stopped the run) is not told twice.
        if (!fault || message(e) !== fault.summary) {
          await err(
            io,
            `weft: warning: the run was not fully recorded in history: ${message(e)}\n`,
          );
        }
      }).then(() => fault);
    return {
      listener: (event) => {
        if (event.type === "run_started") recordedRuns.push(event.run.id);
        return recorder.listener(event);
      },
      created: recorder.created,
      confirmRunning: recorder.confirmRunning,
      resume,
      store,
      freeSpace: () => reserve.release(),
      close() {
        store.close();
        reserve.giveBack();
      },
      onFault(handler) {
        onFault = handler;
        if (fault) handler(fault);
      },
      settle,
      async finish(beforeClose) {
        // Read while the last records are written; used (and its error told) below.
        const config = readGlobalConfig(home);
        config.catch(() => {});
        await settle();
        try {
          await beforeClose?.(store);
        } catch (e) {
          await err(io, `weft: warning: ${options.secrets.maskKeeping(message(e))}\n`);
        }
        try {
          // After a fault of the machine, deleting old runs is no time to write more.
          if (fault) return;
          await applyRetention(store, {
            workflow: options.workflow.name,
            workflowRetention: options.workflow.retention,
            globalRetention: (await config).retention,
            keep: recordedRuns,
          });
        } catch (e) {
          // A fault of the machine says where and what to do, not SQLite's bare words.
          const fault = e instanceof StorageError || !isFault(e)
            ? e
            : new StorageError("pruning old history failed", home, e);
          const hint = fault instanceof StorageError ? fault.problems[0]?.hint : undefined;
          await err(
            io,
            fault instanceof StorageError
              ? `weft: warning: ${fault.summary}${hint ? ` — ${hint}` : ""}\n`
              : `weft: warning: pruning old history failed: ${message(e)}\n`,
          );
        } finally {
          store.close();
          // Every record of the run is written (notifications' too): the next run's now.
          reserve.giveBack();
        }
      },
    };
  } catch (e) {
    store.close();
    reserve.giveBack();
    throw e;
  }
}

function message(e: unknown): string {
  if (e instanceof StorageError) return e.summary;
  return e instanceof Error ? e.message : String(e);
}

/** `{fire}` of a run's trigger when a schedule's fire started it (or a resume of one). */
function fireOf(
  trigger: RunTrigger | undefined,
): { fire?: { scheduledFor: string; schedule: string } } {
  return trigger?.scheduledFor !== undefined && trigger.schedule !== undefined
    ? { fire: { scheduledFor: trigger.scheduledFor, schedule: trigger.schedule } }
    : {};
}
