/**
 * Recording a `weft run` in history, in one object the run verb wires in: opens the
 * store (with crash recovery), checks and loads `--resume`, builds the recorder
 * (secret masking, task definition hashes), and at the end flushes, applies retention
 * and closes. Recording problems never change a run's outcome: they become warnings.
 *
 * ```ts
 * const history = await openRunHistory(io, { workflow, file, fileHash, resumeId, homeOption });
 * const handle = startRun({ ..., listeners: [progress.listener, history.listener],
 *   secretValues: history.secretValues, resume: history.resume });
 * const report = await handle.done;
 * await history.finish();
 * ```
 * @module
 */
import type { EventListener, TaskRecord } from "../engine/events.ts";
import type { RetentionPolicy } from "../store/retention.ts";
import type { RunStore } from "../store/run_store.ts";
import { openHistory } from "./history_shared.ts";
import { homeFor, readGlobalConfig } from "./home.ts";
import { type CliIO, err } from "./io.ts";

/** What {@link openRunHistory} needs about the run about to start. */
export interface RunHistoryOptions {
  workflow: {
    name: string;
    tasks: ReadonlyArray<{ id: string }>;
    secrets?: string[];
    environment?: Record<string, string>;
    retention?: RetentionPolicy;
  };
  /** Absolute path of the workflow file, or "-". */
  file: string;
  /** SHA-256 of the file's bytes. */
  fileHash: string;
  /** `--env` additions to the environment (their secret-looking values are masked too). */
  extraEnv?: Record<string, string>;
  /** `--resume RUN_ID` (a unique prefix works). */
  resumeId?: string;
  /** `--home DIR`. */
  homeOption?: string;
}

/** A run being recorded. */
export interface RunHistory {
  /** Subscribe this to the engine. */
  listener: EventListener;
  /** Pass to the engine as `secretValues` (masked at the source, too). */
  secretValues: string[];
  /** Pass to the engine as `resume` (set with `resumeId`, after the safety check). */
  resume?: { fromRunId: string; previous: TaskRecord[] };
  /** Waits for everything to be written, applies retention, closes the store. */
  finish(): Promise<void>;
  /** The open store (e.g. to print the run id's history location). */
  store: RunStore;
}

/**
 * Opens history for a run. Throws WeftError (exit 2) when `--resume` names no run, an
 * ambiguous prefix, or a run that cannot be safely resumed with this file.
 */
export async function openRunHistory(io: CliIO, options: RunHistoryOptions): Promise<RunHistory> {
  const store = await openHistory(io, options.homeOption);
  try {
    const [{ createRecorder }, { checkResumable, taskHashes }, { secretValues }] = await Promise
      .all([
        import("../store/recorder.ts"),
        import("../store/resume.ts"),
        import("../engine/secrets.ts"),
      ]);
    let resume: RunHistory["resume"];
    if (options.resumeId !== undefined) {
      const previous = await store.getRun(options.resumeId);
      checkResumable(previous, {
        file: options.file,
        hash: options.fileHash,
        workflow: options.workflow,
      });
      resume = { fromRunId: previous.run.id, previous: previous.tasks };
    }
    const env = { ...io.env, ...options.extraEnv, ...options.workflow.environment };
    const secrets = secretValues(env, options.workflow.secrets ?? []);
    const recorder = createRecorder(store, store.logsDir, {
      secretValues: secrets,
      taskHashes: taskHashes(options.workflow),
    });
    return {
      listener: recorder.listener,
      secretValues: secrets,
      resume,
      store,
      async finish() {
        try {
          await recorder.flush();
        } catch (e) {
          await err(
            io,
            `weft: warning: the run was not fully recorded in history: ${message(e)}\n`,
          );
        }
        try {
          const { applyRetention } = await import("../store/retention.ts");
          const config = await readGlobalConfig(homeFor(io, options.homeOption));
          await applyRetention(store, {
            workflow: options.workflow.name,
            workflowRetention: options.workflow.retention,
            globalRetention: config.retention,
          });
        } catch (e) {
          await err(io, `weft: warning: pruning old history failed: ${message(e)}\n`);
        } finally {
          store.close();
        }
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
