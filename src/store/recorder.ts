/**
 * The recorder: subscribes to the engine's events and writes the run's history —
 * the run record on run_started (before any task starts), every task state change,
 * one record per attempt, the final report — and the output lines to per-attempt
 * log files. Events arrive synchronously; writes are queued and applied in order,
 * never dropped. Every string is masked for secrets before it is written.
 * @module
 */
import {
  type EngineEvent,
  type EventListener,
  pendingTaskRecord,
  type TaskRecord,
  type TaskState,
} from "../engine/events.ts";
import { createMasker, maskDeep, MIN_SECRET_LENGTH } from "../engine/secrets.ts";
import { logFilePath, LogWriter } from "./log_files.ts";
import { processStartTicks } from "./recovery.ts";
import type { AttemptRecord, RunStore } from "./run_store.ts";
import { WriteQueue } from "./write_queue.ts";

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** Values to replace by `***` in everything written (a second line of defence). */
  secretValues?: readonly string[];
  /** taskId → definition hash (see resume.ts `taskHashes`), kept for `--resume` checks. */
  taskHashes?: Record<string, string>;
}

/** A recorder: the listener to subscribe, and a way to wait until all is written. */
export interface Recorder {
  listener: EventListener;
  /**
   * Resolves when every event received so far is written (store records and log
   * lines). Rejects with the first write error since the last flush, if any.
   */
  flush(): Promise<void>;
}

interface TaskState_ {
  record: TaskRecord;
  attempt: AttemptRecord | null;
}

/**
 * Creates a recorder writing to `store` and to log files under `logsDir`.
 * @example
 * const recorder = createRecorder(store, store.logsDir, { secretValues });
 * engine.subscribe(recorder.listener);
 * await recorder.flush();
 */
export function createRecorder(
  store: RunStore,
  logsDir: string,
  options: RecorderOptions = {},
): Recorder {
  const secrets = (options.secretValues ?? []).filter((v) => v.length >= MIN_SECRET_LENGTH);
  const mask = createMasker(secrets);
  const logs = new LogWriter(logsDir);
  const tasks = new Map<string, TaskState_>();
  const queue = new WriteQueue(store);
  const key = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;

  const handle = (event: EngineEvent): Promise<void> | void => {
    switch (event.type) {
      case "run_started": {
        for (const task of event.tasks) {
          tasks.set(key(event.run.id, task.id), { record: task, attempt: null });
        }
        const ticks = event.run.pid === Deno.pid ? processStartTicks(Deno.pid) : null;
        return queue.barrier(() =>
          store.createRun(event.run, event.tasks, {
            taskHashes: options.taskHashes,
            pidStartTicks: ticks,
          })
        );
      }
      case "task_started": {
        const state = taskState(tasks, key(event.runId, event.taskId), event.taskId);
        state.record = {
          ...state.record,
          status: "running",
          attempts: event.attempt,
          startedAt: state.record.startedAt ?? event.at,
          finishedAt: null,
          durationMs: null,
        };
        state.attempt = {
          runId: event.runId,
          taskId: event.taskId,
          attempt: event.attempt,
          status: "running",
          exitCode: null,
          reason: null,
          error: null,
          startedAt: event.at,
          finishedAt: null,
          durationMs: null,
          outputs: {},
          logPath: logFilePath(event.runId, event.taskId, event.attempt),
          logBytes: 0,
        };
        const attempt = state.attempt, record = state.record;
        return queue.records((batch) => {
          batch.attempt(attempt);
          batch.task(event.runId, record);
        });
      }
      case "output": {
        logs.append(
          logFilePath(event.runId, event.taskId, event.attempt),
          event.stream,
          event.line,
        );
        return;
      }
      case "attempt_finished": {
        const state = taskState(tasks, key(event.runId, event.taskId), event.taskId);
        const relPath = logFilePath(event.runId, event.taskId, event.attempt);
        const attempt: AttemptRecord = {
          ...(state.attempt ?? emptyAttempt(event.runId, event.taskId, event.attempt)),
          status: event.status,
          exitCode: event.exitCode,
          error: event.error,
          reason: attemptReason(event.status, event.exitCode, event.error),
          startedAt: event.startedAt,
          finishedAt: event.finishedAt,
          durationMs: Date.parse(event.finishedAt) - Date.parse(event.startedAt),
        };
        state.attempt = attempt;
        return queue.records(async (batch) => {
          // Every line of this attempt was buffered before this event: the size is final.
          const logBytes = await logs.close(relPath);
          const final = { ...attempt, logPath: logBytes > 0 ? relPath : null, logBytes };
          if (state.attempt === attempt) state.attempt = final;
          batch.attempt(final);
        });
      }
      case "task_finished": {
        const state = taskState(tasks, key(event.runId, event.task.id), event.task.id);
        state.record = event.task;
        return queue.records((batch) => {
          batch.task(event.runId, event.task);
          const last = state.attempt;
          if (last && last.attempt === event.task.attempts) {
            // The final attempt carries the task's outputs and its final reason.
            batch.attempt({
              ...last,
              outputs: event.task.outputs,
              reason: event.task.reason ?? last.reason,
            });
          }
        });
      }
      case "run_finished": {
        for (const k of [...tasks.keys()]) {
          if (k.startsWith(event.runId + "\u0000")) tasks.delete(k);
        }
        return queue.barrier(async () => {
          await logs.flushAll();
          await store.finishRun(event.report);
        });
      }
    }
  };

  return {
    listener: (event) => handle(secrets.length ? maskDeep(event, mask) : event),
    async flush() {
      await queue.idle();
      await logs.flushAll();
      queue.throwFirstError();
    },
  };
}

function taskState(tasks: Map<string, TaskState_>, key: string, taskId: string): TaskState_ {
  let state = tasks.get(key);
  if (!state) {
    // A task the engine did not announce at run_started (e.g. a nested one).
    state = { record: pendingTaskRecord(taskId), attempt: null };
    tasks.set(key, state);
  }
  return state;
}

function emptyAttempt(runId: string, taskId: string, attempt: number): AttemptRecord {
  return {
    runId,
    taskId,
    attempt,
    status: "running",
    exitCode: null,
    reason: null,
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    durationMs: null,
    outputs: {},
    logPath: null,
    logBytes: 0,
  };
}

function attemptReason(status: TaskState, exitCode: number | null, error: string | null) {
  if (status === "timed_out") return "timeout" as const;
  if (status === "cancelled") return "signal" as const;
  if (status === "failed") {
    return error && exitCode === null ? "error" as const : "exit_code" as const;
  }
  return null;
}
