/**
 * The recorder: subscribes to the engine's events and writes the run's history —
 * the run record on run_started (before any task starts), every task state change,
 * one record per attempt, the final report — and the output lines to per-attempt
 * log files. Events arrive synchronously; writes are queued and applied in order,
 * never dropped. The data fields of every event (output lines, output values, errors,
 * parameter values) are masked for secrets before anything is written; identifiers,
 * statuses and keys are written as they are (see engine/mask_events.ts). What was last
 * queued for each task is kept in recorder_tasks.ts.
 * @module
 */
import type { EngineEvent, EventListener } from "../engine/events.ts";
import { maskEvent, maskOutputs } from "../engine/mask_events.ts";
import { Secrets } from "../engine/secrets.ts";
import { isDiskFull, isFault, StorageError } from "./faults.ts";
import { finishWithRoom, unrecordedReport } from "./full_disk.ts";
import { Heartbeats } from "./heartbeat.ts";
import {
  childStartTicks,
  type GroupJournal,
  openRunJournal,
  removeJournal,
} from "./group_journal.ts";
import { logFilePath, LogWriter } from "./log_files.ts";
import { attemptRecordKey, hasOutputs, RecordsJournal } from "./records_journal.ts";
import { processStartTicks } from "./recovery.ts";
import { ownOwnerFacts } from "./run_owner.ts";
import { RecordedTasks } from "./recorder_tasks.ts";
import type { AttemptRecord, RunStore } from "./run_store.ts";
import { unwrittenTasks } from "./unchanged.ts";
import { WriteQueue } from "./write_queue.ts";

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /**
   * The run's secrets, shared with the engine so that values found while the run goes
   * on (a task's own `environment`) are masked here too: a second line of defence.
   */
  secrets?: Secrets;
  /** Extra values to mask, added to `secrets` (or to a set of the recorder's own). */
  secretValues?: readonly string[];
  /** taskId → definition hash (see resume.ts `taskHashes`), kept for `--resume` checks. */
  taskHashes?: Record<string, string>;
  /**
   * Called once, at the first fault of the machine while recording (a log line or a
   * record could not be written: disk full, read-only, I/O error). The caller should
   * stop the run: it can no longer be recorded. Later errors are only kept for flush().
   */
  onFault?: (error: StorageError) => void;
  /** The store's file or folder, named in faults of store writes (default: logsDir). */
  storePath?: string;
  /**
   * Gives back room on a full disk (releases the space reserve, store/reserve.ts);
   * resolves to whether it freed any. Called when a run's final record meets a full
   * disk, which is then written again: a run whose end was not written would stay
   * `running`, then read as crashed.
   */
  freeSpace?: () => Promise<boolean>;
}

/** A recorder: the listener to subscribe, and a way to wait until all is written. */
export interface Recorder {
  listener: EventListener;
  /**
   * Resolves when every event received so far is written (store records and log
   * lines). Rejects with the first write error since the last flush, if any.
   */
  flush(): Promise<void>;
  /**
   * Before a task of `runId` starts (EngineOptions.beforeStart): undefined, or, when this
   * process may have been paused for long (heartbeat.ts Heartbeats.confirm), a heartbeat
   * written first, whose refusal (the run marked interrupted by another weft) stops the run
   * through `onFault` before the promise resolves.
   */
  confirmRunning(runId: string): Promise<void> | undefined;
  /**
   * Settles once the record of the first run announced (the top-level run; its child
   * runs come later) was written: null, or the error that kept it from being written.
   * Such a run is not in history: it should be refused (its record goes to a fault as
   * any failed write does, which stops it before its first task).
   */
  created: Promise<unknown>;
}

/**
 * Creates a recorder writing to `store` and to log files under `logsDir`.
 * @example
 * const recorder = createRecorder(store, store.logsDir, { secrets });
 * engine.subscribe(recorder.listener);
 * await recorder.flush();
 */
export function createRecorder(
  store: RunStore,
  logsDir: string,
  options: RecorderOptions = {},
): Recorder {
  const secrets = options.secrets ?? new Secrets();
  for (const value of options.secretValues ?? []) secrets.add(value);
  // The first fault, whatever part of the recording met it: flush() rejects with it even
  // when the part that met it keeps no error of its own (a journal that could not be made).
  let firstFault: StorageError | null = null;
  const fault = (error: StorageError) => {
    if (firstFault) return;
    firstFault = error;
    // The run is being stopped: its remaining output (and, on a full disk, its
    // intermediate records) must not take the room its final record needs.
    logs.stop(error);
    if (isDiskFull(error)) queue.dropRecords();
    options.onFault?.(error);
  };
  const logs = new LogWriter(logsDir, fault);
  const tasks = new RecordedTasks();
  /** A fault of a store write, as told (naming the store's file or folder). */
  const storageError = (e: unknown): StorageError =>
    e instanceof StorageError
      ? e
      : new StorageError("cannot record the run", options.storePath ?? logsDir, e);
  /**
   * runId → its records journal (records_journal.ts), while the run goes on: the queue
   * appends its records there and gives them to the store in larger batches.
   */
  const recordJournals = new Map<string, RecordsJournal | null>();
  const queue = new WriteQueue(
    store,
    (e) => {
      if (isFault(e)) fault(storageError(e));
    },
    childStartTicks,
    undefined,
    (runId) => recordJournals.get(runId),
  );
  /** runId → its process-group journal (group_journal.ts), while the run goes on. */
  const journals = new Map<string, GroupJournal | null>();
  /**
   * runId → final attempt records whose log lost lines: written again with the run's
   * end, since on a full disk the run's own record writes are dropped (tester15 F10).
   */
  const lostLogs = new Map<string, Map<string, AttemptRecord>>();
  const keepLost = (attempt: AttemptRecord) => {
    if (attempt.logLost === undefined) return;
    let run = lostLogs.get(attempt.runId);
    if (!run) lostLogs.set(attempt.runId, run = new Map());
    run.set(`${attempt.taskId}\u0000${attempt.attempt}`, attempt);
  };
  /** Runs whose record could not be created: nothing of them is in the store. */
  const unrecorded = new Set<string>();
  const created = Promise.withResolvers<unknown>();
  let first = true;
  // Written at beat time: the process was alive then (the queue may delay the write).
  // A refused beat (the run settled elsewhere) is a fault: it stops the run first.
  const beats = new Heartbeats(async (runId, at) => {
    let taken = false;
    await queue.barrier(async () => {
      await store.heartbeat(runId, at.toISOString());
      taken = true;
    });
    return taken;
  });

  /** The secrets' generation the journals were last masked with (Secrets.generation). */
  let generation = secrets.generation;
  const handle = (event: EngineEvent): Promise<void> | void => {
    switch (event.type) {
      case "run_started": {
        tasks.announce(event.run.id, event.tasks);
        const ticks = event.run.pid === Deno.pid ? processStartTicks(Deno.pid) : null;
        // The work folder goes to the journal, for recovery; the run record stays as it was.
        const { workDir, ...run } = event.run;
        const runId = run.id;
        const settle = first ? created.resolve : () => {};
        first = false;
        const recorded = queue.barrier(async () => {
          journals.set(
            runId,
            openRunJournal(store.logsDir, runId, workDir, fault, options.storePath),
          );
          // None (records to the store only, as often as before) where the store keeps no
          // files, or the file cannot be made: the run's record write then says why.
          // It keeps the outputs until the run's end, masked as secrets are learned.
          recordJournals.set(
            runId,
            store.logsDir
              ? RecordsJournal.open(
                store.logsDir,
                runId,
                (outputs) => maskOutputs(outputs, secrets),
              )
              : null,
          );
          try {
            await store.createRun(run, event.tasks, {
              // The hashes are of the workflow the recorder was made for, not of a child run's.
              taskHashes: event.run.parentRunId === undefined ? options.taskHashes : undefined,
              pidStartTicks: ticks,
              // Only the facts of this process: a run recorded for another pid has none.
              ...(event.run.pid === Deno.pid ? ownOwnerFacts() : {}),
            });
          } catch (e) {
            unrecorded.add(runId);
            settle(e);
            throw e;
          }
          settle(null);
        });
        // After the record's write began: the first timer of a process loads Deno's
        // timers (~5 ms), which no longer delays that write (no task starts before it).
        beats.start(runId);
        return recorded;
      }
      case "tasks_added": {
        // Written pending (as run_started writes its tasks), so crash recovery finds them.
        tasks.announce(event.runId, event.tasks);
        return queue.records((batch) => {
          for (const task of event.tasks) batch.task(event.runId, task);
        });
      }
      case "task_started": {
        const { attempt, record } = tasks.started(event);
        return queue.records((batch) => {
          batch.attempt(attempt);
          batch.task(event.runId, record);
        });
      }
      case "output": {
        const relPath = logFilePath(event.runId, event.taskId, event.attempt);
        // The attempt's first output: `weft logs` of the live run finds its log through the
        // attempt's record, which the store then gets at once (write_queue.ts soon()).
        if (!logs.has(relPath)) queue.soon();
        // A promise here (the log is behind the task) holds the task's output back.
        return logs.append(
          relPath,
          event.stream,
          event.bytes ?? event.line, // raw bytes as printed, unless masking changed them
          event.continues,
          event.continuation,
          event.unended,
        );
      }
      case "attempt_finished": {
        const state = tasks.state(event.runId, event.taskId);
        const relPath = logFilePath(event.runId, event.taskId, event.attempt);
        const attempt = tasks.attemptFinished(event);
        return queue.records((batch) => {
          const finish = (logBytes: number, logLines: number) => {
            // Lines it printed that a fault kept out of its log: said, not taken for silence.
            const lost = logs.takeLost(relPath);
            const final = {
              ...attempt,
              logPath: logBytes > 0 || lost ? relPath : null,
              logBytes,
              logLines,
              ...(lost ? { logLost: lost.summary } : {}),
            };
            keepLost(final);
            if (state.attempt === attempt) state.attempt = final;
            batch.attempt(final);
          };
          // An attempt that printed nothing has no log to close: no promise to wait for.
          if (!logs.has(relPath)) return finish(0, 0);
          // Every line of this attempt was buffered before this event: the size is final.
          const lines = logs.lineCount(relPath);
          return logs.close(relPath).then((bytes) => finish(bytes, lines));
        });
      }
      case "task_finished": {
        const state = tasks.state(event.runId, event.task.id);
        state.record = event.task;
        return queue.records((batch) => {
          batch.task(event.runId, event.task);
          const last = state.attempt;
          if (last && last.attempt === event.task.attempts) {
            // The final attempt carries the task's outputs and its final reason, unless
            // the task was stopped while waiting to retry: that stop ended no attempt.
            const final = {
              ...last,
              outputs: event.task.outputs,
              reason: state.retrying ? last.reason : event.task.reason ?? last.reason,
            };
            // Written again with the run's end, its outputs masked with every secret then.
            state.attempt = final;
            batch.attempt(final);
            keepLost(final);
          }
        });
      }
      case "process_started":
      case "process_exited": {
        // The journal, not the store: a commit per group cost a commit per task of a chain.
        const journal = journals.get(event.runId);
        if (journal) {
          if (event.type === "process_started") journal.started(event.pid);
          else journal.exited(event.pid);
          return;
        }
        // No journal (a store without files, or it could not be made): in the store.
        const running = event.type === "process_started";
        const process = {
          runId: event.runId,
          taskId: event.taskId,
          attempt: event.attempt,
          pid: event.pid,
          // Read when its batch is built (write_queue.ts): most groups are gone by then.
          startTicks: running ? undefined : null,
          startedAt: event.at,
        };
        return queue.records((batch) => batch.process(process, running), running);
      }
      case "run_finished": {
        beats.stop(event.runId);
        // What was last queued per task: by the barrier below it is written, and the
        // report's copies of those records need no second write (unchanged.ts).
        const states = tasks.states(event.runId);
        const queued = tasks.take(event.runId);

        return queue.barrier(async () => {
          // Taken here, after the run's creation (a barrier too, which opens the journal): a
          // run stopped while its record was written may end before that barrier ran.
          const journal = journals.get(event.runId);
          journals.delete(event.runId);
          // The barrier gave the store what it held before this runs: no more appends.
          const recordJournal = recordJournals.get(event.runId);
          recordJournals.delete(event.runId);
          await logs.flushAll();
          // Written with the run's end: a full disk dropped the record writes before it.
          const lost = lostLogs.get(event.runId) ?? new Map<string, AttemptRecord>();
          lostLogs.delete(event.runId);
          // The outputs, which the store got only from the records journal until now (a
          // value may have become a secret since: records_journal.ts), masked with every
          // secret of the run as the report's are, in the tasks' final attempts too.
          const finals = new Map(lost);
          for (const task of event.report.tasks) {
            const last = states.get(task.id)?.attempt;
            if (!hasOutputs(task) || last?.attempt !== task.attempts) continue;
            const key = attemptRecordKey(last);
            finals.set(key, { ...(finals.get(key) ?? last), outputs: task.outputs });
          }
          if (unrecorded.delete(event.runId)) {
            // Never recorded (so refused before its first task): no journal to keep
            // for recovery, and no log folder left behind.
            journal?.close(true);
            recordJournal?.close(true);
            removeJournal(store.logsDir, event.runId);
            return;
          }
          // A record or log line lost before this point (the disk filled as the last tasks
          // ended, after the engine could still stop the run): the run is not wholly
          // recorded, so it must not read as a success.
          const report = firstFault
            ? unrecordedReport(event.report, firstFault.summary)
            : event.report;
          try {
            await finishWithRoom(
              store,
              report,
              // A failed or dropped record write: the report's records repair it, all of them.
              // Those with outputs always: the store got them without (records_journal.ts).
              queue.recordsIntact
                ? unwrittenTasks(report.tasks, queued, (task) => hasOutputs(task))
                : undefined,
              options.freeSpace,
              (r, e) => unrecordedReport(r, storageError(e).summary),
              [...finals.values()],
            );
            // Every record is in the store now. Kept when the end could not be written:
            // recovery then takes the run's last states from it.
            recordJournal?.close(true);
          } finally {
            recordJournal?.close(false);
            // Every process group of the run has ended by its run_finished, and its work
            // folder is the engine's to remove: nothing left for recovery, on record or not.
            journal?.close(true);
          }
        });
      }
    }
  };

  return {
    listener: (event) => {
      const masked = maskEvent(event, secrets);
      // A secret learned (a task's environment took another's output): what the records
      // journals keep of the outputs so far is masked with it, before anything else.
      if (secrets.generation !== generation) {
        generation = secrets.generation;
        for (const journal of recordJournals.values()) journal?.remask();
      }
      return handle(masked);
    },
    created: created.promise,
    confirmRunning: (runId) => beats.confirm(runId),
    async flush() {
      await queue.idle();
      await logs.flushAll();
      try {
        queue.throwFirstError();
      } catch (e) {
        throw isFault(e) ? storageError(e) : e;
      }
      const logError = logs.takeError();
      if (logError) throw logError;
      if (firstFault) throw firstFault;
    },
  };
}
