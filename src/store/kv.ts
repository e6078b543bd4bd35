/**
 * The default run store: Deno KV in one local file (`WEFT_HOME/weft.kv`).
 *
 * Keys (run ids sort by time, so key order is time order):
 * - `["run", runId]` → RunRecord
 * - `["run_wf", workflow, runId]`, `["run_st", status, runId]` → null (indexes)
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
 * consists of (its index keys) is in kv_keys.ts.
 * @module
 */
import type { RunInfo, RunReport, TaskRecord } from "../engine/events.ts";
import {
  attemptKey,
  beatKey,
  childPrefixes,
  indexKeys,
  keyPart,
  processKey,
  runKey,
  runMutations,
  taskKey,
  tooLongForKey,
  wholeOutputsKey,
} from "./kv_keys.ts";
import { KvIO, type Mutation } from "./kv_io.ts";
import { listStoredRuns } from "./kv_list.ts";
import {
  capAttemptForWrite,
  capTaskForWrite,
  finishedRecord,
  interruptedAttempt,
  interruptedRecord,
  interruptedTask,
  isUnfinished,
  summarize,
} from "./records.ts";
import { logDirName } from "./log_files.ts";
import { isDiskFull } from "./faults.ts";
import { finishOnFullDisk } from "./full_disk.ts";
import { lateSeq, lookupError, orderTasks, type StoredTask } from "./stored_task.ts";
import type {
  AttemptRecord,
  CreateRunExtras,
  MetricsRun,
  NotificationRecord,
  ProcessRecord,
  RecordBatch,
  RunDetails,
  RunFilter,
  RunRecord,
  RunStore,
} from "./run_store.ts";

/** Run store on Deno KV. Open it with {@link KvRunStore.open} (or store/open.ts). */
export class KvRunStore implements RunStore {
  readonly #io: KvIO;
  /** Announce order and hash of tasks of runs this process created: saves a read per update. */
  readonly #taskMeta = new Map<string, Map<string, { seq: number; hash: string | null }>>();

  constructor(kv: Deno.Kv, readonly logsDir: string) {
    this.#io = new KvIO(kv);
  }

  /** Opens (creating) the KV file at `path`; logs live in `logsDir`. */
  static async open(path: string, logsDir: string): Promise<KvRunStore> {
    return new KvRunStore(await Deno.openKv(path), logsDir);
  }

  async createRun(run: RunInfo, tasks: TaskRecord[], extras: CreateRunExtras = {}): Promise<void> {
    const record: RunRecord = {
      ...run,
      status: "running",
      finishedAt: null,
      durationMs: null,
      pidStartTicks: extras.pidStartTicks ?? null,
      summary: null,
    };
    const meta = new Map<string, { seq: number; hash: string | null }>();
    const taskWrites = tasks.map((task, seq) => {
      const hash = extras.taskHashes?.[task.id] ?? null;
      meta.set(task.id, { seq, hash });
      return this.#taskMutations(run.id, task, seq, hash);
    }).flat();
    this.#taskMeta.set(run.id, meta);
    // Tasks first, run record and indexes last: once the run is visible, so are its tasks.
    const ok = await this.#io.commitInBatches(taskWrites, runMutations(record), [
      { key: runKey(run.id), versionstamp: null },
    ]);
    if (!ok) throw new Error(`run ${run.id} is already recorded`);
  }

  async writeRecords(batch: RecordBatch): Promise<void> {
    const writes: Mutation[] = batch.attempts.map((attempt) => ({
      key: attemptKey(attempt.runId, attempt.taskId, attempt.attempt),
      value: capAttemptForWrite(attempt),
    }));
    for (const { runId, task } of batch.tasks) {
      // Known tasks (all those of runs made here) need no read: no await per task.
      const meta = this.#taskMeta.get(runId)?.get(task.id);
      writes.push(
        ...(meta
          ? this.#taskMutations(runId, task, meta.seq, meta.hash)
          : await this.#taskWrite(runId, task)),
      );
    }
    for (const { process, running } of batch.processes ?? []) {
      writes.push({ key: processKey(process), value: running ? process : undefined });
    }
    if (writes.length) await this.#io.commitInBatches(writes);
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

  async finishRun(report: RunReport, tasks: TaskRecord[] = report.tasks): Promise<void> {
    const taskWrites = (await Promise.all(tasks.map((task) => this.#taskWrite(report.id, task))))
      .flat();
    const writes = [...taskWrites, ...await this.#liveKeys(report.id)];
    try {
      await this.#finish(report, writes, true);
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
      this.#taskMeta.delete(report.id);
    }
  }

  /** Writes `writes`, then the run's final record (with its summary when `withSummary`). */
  async #finish(report: RunReport, writes: Mutation[], withSummary: boolean): Promise<void> {
    for (;;) {
      const current = await this.#io.get<RunRecord>(runKey(report.id));
      if (!current.value) throw new Error(`run ${report.id} was never recorded`);
      const next = finishedRecord(current.value, report);
      if (!withSummary) next.summary = null;
      const ok = await this.#io.commitInBatches(writes, runMutations(next, current.value), [
        current,
      ]);
      if (ok) return;
    }
  }

  async heartbeat(runId: string, at: string): Promise<void> {
    await this.#io.commitInBatches([{ key: beatKey(runId), value: at }]);
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

  async wholeOutputs(
    runId: string,
    taskIds: string[],
  ): Promise<Record<string, Record<string, string>>> {
    const found: Record<string, Record<string, string>> = {};
    for (const taskId of taskIds) {
      const entry = await this.#io.get<Record<string, string>>(wholeOutputsKey(runId, taskId));
      if (entry.value) found[taskId] = entry.value;
    }
    return found;
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

  async markInterrupted(runId: string): Promise<boolean> {
    for (;;) {
      const current = await this.#io.get<RunRecord>(runKey(runId));
      if (!current.value || current.value.status !== "running") return false;
      const tasks = (await this.#io.listAll<StoredTask>({ prefix: ["task", keyPart(runId)] }))
        .map((e) => e.value);
      const attempts = await this.listAttempts(runId);
      const beat = await this.#io.get<string>(beatKey(runId));
      const writes: Mutation[] = await this.#liveKeys(runId);
      for (const stored of tasks) {
        if (!isUnfinished(stored.task.status)) continue;
        const task = interruptedTask(stored.task);
        writes.push({ key: taskKey(runId, task.id), value: { ...stored, task } });
      }
      for (const attempt of attempts) {
        if (attempt.status !== "running") continue;
        writes.push({
          key: attemptKey(runId, attempt.taskId, attempt.attempt),
          value: interruptedAttempt(attempt),
        });
      }
      const finalTasks = tasks.map((s) =>
        isUnfinished(s.task.status) ? interruptedTask(s.task) : s.task
      );
      const next = interruptedRecord(current.value, finalTasks, attempts, beat.value);
      const ok = await this.#io.commitInBatches(writes, runMutations(next, current.value), [
        current,
      ]);
      if (ok) return true;
    }
  }

  async deleteRun(runId: string): Promise<void> {
    await Deno.remove(`${this.logsDir}/${logDirName(runId)}`, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    for (;;) {
      const current = await this.#io.get<RunRecord>(runKey(runId));
      const children: Mutation[] = [];
      for (const prefix of childPrefixes(runId)) {
        for (const key of await this.#io.listKeys({ prefix })) children.push({ key });
      }
      const final: Mutation[] = current.value
        ? [{ key: runKey(runId) }, ...indexKeys(current.value).map((key) => ({ key }))]
        : [];
      if (await this.#io.commitInBatches(children, final, [current])) break;
    }
    this.#taskMeta.delete(runId);
  }

  close(): void {
    this.#io.kv.close();
  }

  // ---- private helpers --------------------------------------------------------

  /** Deletions of what only a running run has: its heartbeat and process records. */
  async #liveKeys(runId: string): Promise<Mutation[]> {
    const procs = await this.#io.listKeys({ prefix: ["proc", keyPart(runId)] });
    return [{ key: beatKey(runId) }, ...procs.map((key) => ({ key }))];
  }

  /**
   * The writes of a task record: the capped record, and before it (so a record that says
   * its outputs were cut finds them) the whole outputs when anything was cut, for --resume.
   */
  #taskMutations(
    runId: string,
    task: TaskRecord,
    seq: number,
    hash: string | null,
  ): Mutation[] {
    const { task: capped, truncated } = capTaskForWrite(task);
    const value: StoredTask = { seq, hash, truncated, task: capped };
    const record = { key: taskKey(runId, task.id), value };
    return truncated.length
      ? [{ key: wholeOutputsKey(runId, task.id), value: task.outputs }, record]
      : [record];
  }

  /** The write for a task update, keeping its announce order and hash. */
  async #taskWrite(runId: string, task: TaskRecord): Promise<Mutation[]> {
    let meta = this.#taskMeta.get(runId)?.get(task.id);
    if (!meta) {
      const existing = await this.#io.get<StoredTask>(taskKey(runId, task.id));
      // A task the engine did not announce at the start goes after all announced ones.
      meta = existing.value
        ? { seq: existing.value.seq, hash: existing.value.hash }
        : { seq: lateSeq(), hash: null };
      this.#taskMeta.get(runId)?.set(task.id, meta);
    }
    return this.#taskMutations(runId, task, meta.seq, meta.hash);
  }

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
