/**
 * The default run store: Deno KV in one local file (`WEFT_HOME/weft.kv`).
 *
 * Keys (run ids sort by time, so key order is time order):
 * - `["run", runId]` → RunRecord
 * - `["run_wf", workflow, runId]`, `["run_st", status, runId]`, and for a run that ended
 *   `["run_fin", finishedAt, runId]` → null (indexes)
 * - `["task", runId, taskId]` → StoredTask (record + announce order + definition hash)
 * - `["att", runId, taskId, attempt]` → AttemptRecord
 * - `["beat", runId]` → UTC ISO time of the last heartbeat, while the run runs
 * - `["proc", runId, taskId, attempt, pid]` → ProcessRecord, while that process group runs
 * - `["blob", runId, sha256, i]` → a chunk of a value too big for one KV value
 * - `["state", ...key]` → subscribers' state across runs (alert rules: `["alert", workflow, rule]`)
 *
 * Any record fits, whatever its size: user-given key parts (workflow names, task ids,
 * ids asked for) go through `keyPart` (kv_keys.ts) and big values become blobs
 * (kv_blobs.ts).
 *
 * Listing runs walks an index page by page (kv_list.ts); what a run record's write
 * consists of (its index keys) is in kv_keys.ts; a task record's writes (and the whole
 * outputs kept for --resume) in kv_task_writes.ts; marking a run interrupted in
 * kv_interrupt.ts. A run marked interrupted by another weft gets no write of its own
 * weft any more (settled.ts, kv_run_guard.ts).
 * @module
 */
import { ownerFields } from "./run_owner.ts";
import type { RunInfo, RunReport, TaskRecord } from "../engine/events.ts";
import {
  attemptKey,
  beatKey,
  childPrefixes,
  goneKey,
  indexKeys,
  keyPart,
  processKey,
  runKey,
  runMutations,
  tooLongForKey,
} from "./kv_keys.ts";
import { KvIO, type Mutation } from "./kv_io.ts";
import { listFinishedRuns, listStoredRuns } from "./kv_list.ts";
import { capAttemptForWrite, finishedRecord, summarize } from "./records.ts";
import {
  attemptRecordKey,
  type JournaledRecords,
  takesJournaledAttempt,
  takesJournaledTask,
} from "./records_journal.ts";
import { removeRunLogDir } from "./log_format.ts";
import { isDiskFull } from "./faults.ts";
import { finishOnFullDisk } from "./full_disk.ts";
import { openKvFile } from "./kv_handles.ts";
import { lookupError, orderTasks, type StoredTask } from "./stored_task.ts";
import { KvTaskWrites, type TaskMeta } from "./kv_task_writes.ts";
import { indexFinished, liveKeys, markRunInterrupted } from "./kv_interrupt.ts";
import { KvRunGuard } from "./kv_run_guard.ts";
import { refuseSettled } from "./settled.ts";
import type {
  AttemptRecord,
  CreateRunExtras,
  FinishedFilter,
  MetricsRun,
  NotificationRecord,
  ProcessRecord,
  RecordBatch,
  RunDetails,
  RunFilter,
  RunRecord,
  RunStore,
} from "./run_store.ts";

/** The write of an attempt record. */
function attemptWrite(attempt: AttemptRecord): Mutation {
  return {
    key: attemptKey(attempt.runId, attempt.taskId, attempt.attempt),
    value: capAttemptForWrite(attempt),
  };
}

/** Run store on Deno KV. Open it with {@link KvRunStore.open} (or store/open.ts). */
export class KvRunStore implements RunStore {
  readonly #io: KvIO;
  readonly #tasks: KvTaskWrites;
  readonly #guard: KvRunGuard;

  constructor(kv: Deno.Kv, readonly logsDir: string) {
    this.#io = new KvIO(kv);
    this.#tasks = new KvTaskWrites(this.#io);
    this.#guard = new KvRunGuard(this.#io);
  }

  /** Opens (creating) the KV file at `path`; logs live in `logsDir`. */
  static async open(path: string, logsDir: string): Promise<KvRunStore> {
    return new KvRunStore(await openKvFile(path), logsDir);
  }

  async createRun(run: RunInfo, tasks: TaskRecord[], extras: CreateRunExtras = {}): Promise<void> {
    const record: RunRecord = {
      ...run,
      status: "running",
      finishedAt: null,
      durationMs: null,
      pidStartTicks: extras.pidStartTicks ?? null,
      ...ownerFields(extras),
      summary: null,
    };
    const meta = new Map<string, TaskMeta>();
    const taskWrites = tasks.map((task, seq) => {
      const hash = extras.taskHashes?.[task.id] ?? null;
      meta.set(task.id, { seq, hash });
      return this.#tasks.mutations(run.id, task, seq, hash);
    }).flat();
    this.#tasks.remember(run.id, meta);
    // Tasks first, run record and indexes last: once the run is visible, so are its tasks.
    const stamp = await this.#io.commitStamped(taskWrites, runMutations(record), [
      { key: runKey(run.id), versionstamp: null },
    ]);
    if (stamp === null) throw new Error(`run ${run.id} is already recorded`);
    this.#guard.remember(run.id, stamp);
  }

  async writeRecords(batch: RecordBatch): Promise<void> {
    // By run: each write checks its run's record (kv_run_guard.ts).
    const byRun = new Map<string, Mutation[]>();
    const add = (runId: string, ...writes: Mutation[]) => {
      const list = byRun.get(runId);
      if (list) list.push(...writes);
      else byRun.set(runId, writes);
    };
    for (const { runId, task } of batch.tasks) {
      // Known tasks (all those of runs made here) need no read: no await per task.
      const meta = this.#tasks.known(runId, task.id);
      add(
        runId,
        ...(meta
          ? this.#tasks.mutations(runId, task, meta.seq, meta.hash)
          : await this.#tasks.write(runId, task)),
      );
    }
    // After the tasks: a batch too big for one atomic write is committed in parts, in
    // this order, and a reader that finds an attempt then finds its task on record, with
    // the rest of its loop's iterations (`weft logs --follow` pads to them, log_labels.ts).
    for (const attempt of batch.attempts) add(attempt.runId, attemptWrite(attempt));
    for (const { process, running } of batch.processes ?? []) {
      add(process.runId, { key: processKey(process), value: running ? process : undefined });
    }
    await this.#guard.writeRuns(byRun);
  }

  updateTask(runId: string, task: TaskRecord): Promise<void> {
    return this.writeRecords({ tasks: [{ runId, task }], attempts: [] });
  }

  recordAttempt(attempt: AttemptRecord, task?: TaskRecord): Promise<void> {
    return this.writeRecords({
      tasks: task ? [{ runId: attempt.runId, task }] : [],
      attempts: [attempt],
    });
  }

  async finishRun(
    report: RunReport,
    tasks: TaskRecord[] = report.tasks,
    attempts: AttemptRecord[] = [],
  ): Promise<void> {
    // The run record's read goes to SQLite with the live keys' listing, not after it:
    // one round trip less between a run's last task and its exit.
    const current = this.#io.get<RunRecord>(runKey(report.id));
    current.catch(() => {}); // thrown by #finish, unless building the writes threw first
    const [taskWrites, live] = await Promise.all([
      Promise.all(tasks.map((task) => this.#tasks.write(report.id, task))),
      liveKeys(this.#io, report.id),
    ]);
    const writes = [...taskWrites.flat(), ...attempts.map(attemptWrite), ...live];
    try {
      await this.#finish(report, writes, true, current);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      // The run's final state must not depend on its task records fitting first (a
      // few hundred of them can need more than the whole reserve): on a full disk the
      // run record goes alone (its summary holding the tasks' final states), then what
      // room is left takes the rest, batch by batch (see finishOnFullDisk).
      await finishOnFullDisk(
        (withSummary) => this.#finish(report, [], withSummary),
        (batch) => this.#io.commitInBatches(batch),
        writes,
      );
      throw e; // the run is recorded, but not all of its task records
    } finally {
      this.#tasks.forget(report.id);
      this.#guard.forget(report.id);
    }
  }

  /**
   * Writes `writes`, then the run's final record (with its summary when `withSummary`);
   * `read`: the run record's read already under way, used for the first try.
   */
  async #finish(
    report: RunReport,
    writes: Mutation[],
    withSummary: boolean,
    read?: Promise<Deno.KvEntryMaybe<RunRecord>>,
  ): Promise<void> {
    for (;;) {
      const current = await (read ?? this.#io.get<RunRecord>(runKey(report.id)));
      read = undefined; // a retry reads the record again
      if (!current.value) throw new Error(`run ${report.id} was never recorded`);
      refuseSettled(report.id, current.value);
      const next = finishedRecord(current.value, report);
      if (!withSummary) next.summary = null;
      const ok = await this.#io.commitInBatches(writes, runMutations(next, current.value), [
        current,
      ]);
      if (ok) return await indexFinished(this.#io, next);
    }
  }

  heartbeat(runId: string, at: string): Promise<void> {
    return this.#guard.write(
      [runId],
      (checks) => this.#io.commitInBatches([{ key: beatKey(runId), value: at }], [], checks),
    );
  }

  async lastHeartbeat(runId: string): Promise<string | null> {
    return (await this.#io.get<string>(beatKey(runId))).value;
  }

  async listProcesses(runId: string): Promise<ProcessRecord[]> {
    const entries = await this.#io.listAll<ProcessRecord>({ prefix: ["proc", keyPart(runId)] });
    return entries.map((e) => e.value);
  }

  async findRun(id: string): Promise<RunRecord | null> {
    return (await this.#io.get<RunRecord>(runKey(id))).value;
  }

  async getRun(idOrPrefix: string): Promise<RunDetails> {
    const run = await this.#resolveId(idOrPrefix);
    const stored = await this.#io.listAll<StoredTask>({ prefix: ["task", keyPart(run.id)] });
    return orderTasks(run, stored.map((e) => e.value));
  }

  wholeOutputs(
    runId: string,
    taskIds: string[],
  ): Promise<Record<string, Record<string, string>>> {
    return this.#tasks.wholeOutputs(runId, taskIds);
  }

  async listAttempts(runId: string, taskId?: string): Promise<AttemptRecord[]> {
    const prefix = taskId === undefined
      ? ["att", keyPart(runId)]
      : ["att", keyPart(runId), keyPart(taskId)];
    return (await this.#io.listAll<AttemptRecord>({ prefix })).map((e) => e.value);
  }

  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return listStoredRuns(this.#io, filter);
  }

  listFinished(filter: FinishedFilter): Promise<RunRecord[]> {
    return listFinishedRuns(this.#io, filter);
  }

  async runsForMetrics(options: { since?: Date; workflow?: string }): Promise<MetricsRun[]> {
    const runs = await this.listRuns({ since: options.since, workflow: options.workflow });
    return await Promise.all(runs.map(async (run) => {
      if (run.summary || run.status === "running") return { run, tasks: run.summary ?? [] };
      // The summary was too big for the run record: read the task records instead.
      const details = await this.getRun(run.id);
      return { run, tasks: summarize(details.tasks) };
    }));
  }

  findRunning(): Promise<RunRecord[]> {
    return this.listRuns({ status: "running" });
  }

  async markInterrupted(runId: string, journaled?: JournaledRecords): Promise<boolean> {
    if (journaled) await this.#takeJournaled(runId, journaled);
    return await markRunInterrupted(this.#io, runId, (id) => this.listAttempts(id));
  }

  /**
   * Writes the journal's records where the store's are older (see
   * RunStore.markInterrupted), checking that the run is still on record as running.
   */
  async #takeJournaled(runId: string, journaled: JournaledRecords): Promise<void> {
    const run = await this.#io.get<RunRecord>(runKey(runId));
    if (!run.value || run.value.status !== "running") return;
    const stored = new Map<string, StoredTask>();
    for (
      const { value } of await this.#io.listAll<StoredTask>({ prefix: ["task", keyPart(runId)] })
    ) {
      stored.set(value.task.id, value);
    }
    const attempts = new Map<string, AttemptRecord>();
    for (const attempt of await this.listAttempts(runId)) {
      attempts.set(attemptRecordKey(attempt), attempt);
    }
    const writes: Mutation[] = [];
    for (const task of journaled.tasks.values()) {
      const current = stored.get(task.id);
      if (!takesJournaledTask(current?.task, task)) continue;
      writes.push(
        ...(current
          ? this.#tasks.mutations(runId, task, current.seq, current.hash)
          : await this.#tasks.write(runId, task)),
      );
    }
    for (const attempt of journaled.attempts.values()) {
      if (takesJournaledAttempt(attempts.get(attemptRecordKey(attempt)), attempt)) {
        writes.push(attemptWrite(attempt));
      }
    }
    // A failed check: the run was settled meanwhile (another weft recovered it first).
    if (writes.length) await this.#io.commitInBatches(writes, [], [run]);
  }

  /**
   * The run record and its index keys go first, in one atomic op: from then on the run
   * is gone from history as a whole. Then its task, attempt and other records (no
   * longer reachable), then its logs: a crash or a full disk at any point leaves the run
   * whole or wholly gone, never a run in history whose logs are gone (tester22 F1).
   */
  async deleteRun(runId: string): Promise<void> {
    for (;;) {
      const current = await this.#io.get<RunRecord>(runKey(runId));
      if (!current.value) break;
      const keys = [runKey(runId), ...indexKeys(current.value)];
      // The mark goes with the record: a prune stopped before the rest is gone leaves
      // it, and the next finishes the run (finishDeletes; verifier V2 F4).
      const final = [{ key: goneKey(runId), value: true }, ...keys.map((key) => ({ key }))];
      if (await this.#io.commitInBatches([], final, [current])) break;
    }
    await this.#finishDelete(runId);
  }

  async finishDeletes(): Promise<number> {
    const ids = (await this.#io.listKeys({ prefix: ["gone"] })).map((key) => String(key[1]));
    for (const id of ids) await this.#finishDelete(id);
    return ids.length;
  }

  /** The tasks, attempts, logs (last but the mark) and mark of a run whose record is gone. */
  async #finishDelete(runId: string): Promise<void> {
    const children: Mutation[] = [];
    for (const prefix of childPrefixes(runId)) {
      for (const key of await this.#io.listKeys({ prefix })) children.push({ key });
    }
    if (children.length > 0) await this.#io.commitInBatches(children);
    this.#tasks.forget(runId);
    await removeRunLogDir(this.logsDir, runId);
    await this.#io.commitInBatches([{ key: goneKey(runId) }]);
  }

  close(): void {
    this.#io.kv.close();
  }

  // ---- private helpers --------------------------------------------------------

  async #resolveId(idOrPrefix: string): Promise<RunRecord> {
    const exact = idOrPrefix ? await this.findRun(idOrPrefix) : null;
    if (exact) return exact;
    // A prefix longer than any key part matches nothing (and must not reach KV as a key).
    const matches = idOrPrefix && !tooLongForKey(idOrPrefix)
      ? (await this.#io.listPage<RunRecord>(
        { start: ["run", idOrPrefix], end: ["run", idOrPrefix + "\uffff"] },
        { limit: 11 },
      )).entries.map((e) => e.value)
      : [];
    if (matches.length === 1) return matches[0];
    throw lookupError(idOrPrefix, matches);
  }

  async addNotifications(runId: string, records: NotificationRecord[]): Promise<void> {
    for (;;) {
      const current = await this.#io.get<RunRecord>(runKey(runId));
      if (!current.value) throw new Error(`run ${runId} was never recorded`);
      const next = {
        ...current.value,
        notifications: [...current.value.notifications ?? [], ...records],
      };
      if (await this.#io.commit([{ key: runKey(runId), value: next }], [current])) return;
    }
  }

  async getState<T>(key: string[]): Promise<T | null> {
    return (await this.#io.get<T>(["state", ...key.map(keyPart)])).value;
  }

  async setState(key: string[], value: unknown): Promise<void> {
    await this.#io.commitInBatches([{ key: ["state", ...key.map(keyPart)], value }]);
  }

  async listState<T>(prefix: string[]): Promise<Array<{ key: string[]; value: T }>> {
    const entries = await this.#io.listAll<T>({ prefix: ["state", ...prefix.map(keyPart)] });
    // Key parts too long for KV are hashes: the values carry what callers need.
    return entries.map((e) => ({ key: e.key.slice(1).map(String), value: e.value }));
  }
}
