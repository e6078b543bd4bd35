/**
 * An in-memory RunStore for unit tests of the logic above the store (CLI verbs,
 * metrics, retention, recovery). Same rules as the KV store — size caps, ordering,
 * prefix lookup — without a file. Values are copied in and out, as a real store would.
 * @module
 */
import {
  type JournaledRecords,
  takesJournaledAttempt,
  takesJournaledTask,
} from "./records_journal.ts";
import { ownerFields } from "./run_owner.ts";
import type { RunInfo, RunReport, TaskRecord } from "../engine/events.ts";
import {
  capAttempt,
  capTask,
  finishedRecord,
  interruptedAttempt,
  interruptedRecord,
  interruptedTask,
  isUnfinished,
  matchesFilter,
  summarize,
  timeBound,
  withLoopCounts,
} from "./records.ts";
import { removeRunLogDir } from "./log_format.ts";
import { newestFinished } from "./finished_runs.ts";
import { isSettledElsewhere, RunSettledError } from "./settled.ts";
import { lateSeq, lookupError, orderTasks, type StoredTask } from "./stored_task.ts";
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

/** A RunStore held in memory; `logsDir` is only used to delete logs with runs. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, RunRecord>();
  readonly #tasks = new Map<string, Map<string, StoredTask>>();
  readonly #attempts = new Map<string, Map<string, AttemptRecord>>();
  readonly #beats = new Map<string, string>();
  /** JSON of a state key → its value. */
  readonly #state = new Map<string, unknown>();
  /** runId → "taskId\0attempt\0pid" → record. */
  readonly #processes = new Map<string, Map<string, ProcessRecord>>();
  /** runId → taskId → whole outputs, kept when the record's were cut (for --resume). */
  readonly #whole = new Map<string, Map<string, Record<string, string>>>();

  constructor(readonly logsDir: string = "") {}

  createRun(run: RunInfo, tasks: TaskRecord[], extras: CreateRunExtras = {}): Promise<void> {
    if (this.#runs.has(run.id)) {
      return Promise.reject(new Error(`run ${run.id} is already recorded`));
    }
    const stored = new Map<string, StoredTask>();
    this.#whole.set(run.id, new Map());
    tasks.forEach((task, seq) => {
      const { task: capped, truncated } = capTask(task);
      if (truncated.length) this.#keepWhole(run.id, task);
      stored.set(task.id, {
        seq,
        hash: extras.taskHashes?.[task.id] ?? null,
        truncated,
        task: capped,
      });
    });
    this.#tasks.set(run.id, stored);
    this.#attempts.set(run.id, new Map());
    this.#runs.set(
      run.id,
      structuredClone({
        ...run,
        status: "running",
        finishedAt: null,
        durationMs: null,
        pidStartTicks: extras.pidStartTicks ?? null,
        ...ownerFields(extras),
        summary: null,
      }),
    );
    return Promise.resolve();
  }

  async writeRecords(batch: RecordBatch): Promise<void> {
    // All or nothing, as in the KV store: no record of a run another weft settled.
    const runIds = [
      ...batch.attempts.map((a) => a.runId),
      ...batch.tasks.map((t) => t.runId),
      ...(batch.processes ?? []).map((p) => p.process.runId),
    ];
    const settled = runIds.find((id) => this.#settled(id));
    if (settled !== undefined) throw new RunSettledError(settled);
    for (const attempt of batch.attempts) await this.recordAttempt(attempt);
    for (const { runId, task } of batch.tasks) await this.updateTask(runId, task);
    for (const { process, running } of batch.processes ?? []) {
      const key = `${process.taskId}\u0000${process.attempt}\u0000${process.pid}`;
      let procs = this.#processes.get(process.runId);
      if (!procs) this.#processes.set(process.runId, procs = new Map());
      if (running) procs.set(key, structuredClone(process));
      else procs.delete(key);
    }
  }

  heartbeat(runId: string, at: string): Promise<void> {
    if (this.#settled(runId)) return Promise.reject(new RunSettledError(runId));
    if (this.#runs.has(runId)) this.#beats.set(runId, at);
    return Promise.resolve();
  }

  lastHeartbeat(runId: string): Promise<string | null> {
    return Promise.resolve(this.#beats.get(runId) ?? null);
  }

  listProcesses(runId: string): Promise<ProcessRecord[]> {
    return Promise.resolve(structuredClone([...(this.#processes.get(runId)?.values() ?? [])]));
  }

  updateTask(runId: string, task: TaskRecord): Promise<void> {
    if (this.#settled(runId)) return Promise.reject(new RunSettledError(runId));
    this.#putTask(runId, task);
    return Promise.resolve();
  }

  recordAttempt(attempt: AttemptRecord, task?: TaskRecord): Promise<void> {
    if (this.#settled(attempt.runId)) return Promise.reject(new RunSettledError(attempt.runId));
    this.#attempts.get(attempt.runId)?.set(
      attemptKey(attempt),
      structuredClone(capAttempt(attempt)),
    );
    if (task) this.#putTask(attempt.runId, task);
    return Promise.resolve();
  }

  async finishRun(
    report: RunReport,
    tasks: TaskRecord[] = report.tasks,
    attempts: AttemptRecord[] = [],
  ): Promise<void> {
    const run = this.#runs.get(report.id);
    if (!run) throw new Error(`run ${report.id} was never recorded`);
    if (this.#settled(report.id)) throw new RunSettledError(report.id);
    for (const task of tasks) this.#putTask(report.id, task);
    for (const attempt of attempts) await this.recordAttempt(attempt);
    this.#runs.set(report.id, structuredClone(finishedRecord(run, report)));
    this.#beats.delete(report.id);
    this.#processes.delete(report.id);
  }

  findRun(id: string): Promise<RunRecord | null> {
    const run = this.#runs.get(id);
    return Promise.resolve(run ? structuredClone(run) : null);
  }

  getRun(idOrPrefix: string): Promise<RunDetails> {
    let run = this.#runs.get(idOrPrefix);
    if (!run) {
      const matches = idOrPrefix
        ? [...this.#runs.values()].filter((r) => r.id.startsWith(idOrPrefix))
          .sort((a, b) => a.id < b.id ? -1 : 1)
        : [];
      if (matches.length !== 1) return Promise.reject(lookupError(idOrPrefix, matches));
      run = matches[0];
    }
    const stored = [...(this.#tasks.get(run.id)?.values() ?? [])];
    return Promise.resolve(structuredClone(orderTasks(run, stored)));
  }

  listAttempts(runId: string, taskId?: string): Promise<AttemptRecord[]> {
    const entries = [...(this.#attempts.get(runId)?.entries() ?? [])]
      .sort(([a], [b]) => a < b ? -1 : 1)
      .map(([, attempt]) => attempt)
      .filter((a) => taskId === undefined || a.taskId === taskId);
    return Promise.resolve(structuredClone(entries));
  }

  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const order = filter.oldestFirst ? -1 : 1;
    const sorted = [...this.#runs.values()].sort((a, b) => a.id < b.id ? order : -order);
    const result: RunRecord[] = [];
    for (const run of sorted) {
      // Same early stop as the KV store: ids sort by start time.
      const bound = timeBound(run, filter);
      if (bound === "stop") break;
      if (bound === "skip") continue;
      if (!matchesFilter(run, filter)) continue;
      result.push(structuredClone(run));
      if (result.length >= (filter.limit ?? Infinity)) break;
    }
    return Promise.resolve(result);
  }

  listFinished(filter: FinishedFilter): Promise<RunRecord[]> {
    return Promise.resolve(
      newestFinished(this.#runs.values(), filter).map((r) => structuredClone(r)),
    );
  }

  async runsForMetrics(options: { since?: Date; workflow?: string }): Promise<MetricsRun[]> {
    const runs = await this.listRuns(options);
    return runs.map((run) => ({
      run,
      tasks: run.summary ??
        (run.status === "running"
          ? []
          : summarize([...(this.#tasks.get(run.id)?.values() ?? [])].map((s) => s.task))),
    }));
  }

  findRunning(): Promise<RunRecord[]> {
    return this.listRuns({ status: "running" });
  }

  async markInterrupted(runId: string, journaled?: JournaledRecords): Promise<boolean> {
    const run = this.#runs.get(runId);
    if (!run || run.status !== "running") return false;
    if (journaled) this.#takeJournaled(runId, journaled);
    const tasks = this.#tasks.get(runId) ?? new Map<string, StoredTask>();
    const stored = [...tasks.values()];
    // A loop's outputs are counted from its iterations as they end up (withLoopCounts).
    const counted = withLoopCounts(
      stored.map((s) => isUnfinished(s.task.status) ? interruptedTask(s.task) : s.task),
    );
    stored.forEach((s, i) => s.task = counted[i]);
    const attempts = this.#attempts.get(runId) ?? new Map<string, AttemptRecord>();
    for (const [key, attempt] of attempts) {
      if (attempt.status === "running") attempts.set(key, interruptedAttempt(attempt));
    }
    const taskList = [...tasks.values()].map((s) => s.task);
    const beat = this.#beats.get(runId) ?? null;
    this.#runs.set(runId, interruptedRecord(run, taskList, [...attempts.values()], beat));
    this.#beats.delete(runId);
    this.#processes.delete(runId);
    return await Promise.resolve(true);
  }

  async deleteRun(runId: string): Promise<void> {
    // Records first, then logs (as kv.ts): never a run left whose logs are gone.
    this.#runs.delete(runId);
    this.#tasks.delete(runId);
    this.#attempts.delete(runId);
    this.#beats.delete(runId);
    this.#processes.delete(runId);
    this.#whole.delete(runId);
    if (this.logsDir) await removeRunLogDir(this.logsDir, runId);
  }

  /** Nothing to finish: a delete here is never stopped part way. */
  finishDeletes(): Promise<number> {
    return Promise.resolve(0);
  }

  addNotifications(runId: string, records: NotificationRecord[]): Promise<void> {
    const run = this.#runs.get(runId);
    if (!run) return Promise.reject(new Error(`run ${runId} was never recorded`));
    run.notifications = [...run.notifications ?? [], ...structuredClone(records)];
    return Promise.resolve();
  }

  getState<T>(key: string[]): Promise<T | null> {
    const value = this.#state.get(JSON.stringify(key));
    return Promise.resolve(value === undefined ? null : structuredClone(value) as T);
  }

  setState(key: string[], value: unknown): Promise<void> {
    if (value === undefined) this.#state.delete(JSON.stringify(key));
    else this.#state.set(JSON.stringify(key), structuredClone(value));
    return Promise.resolve();
  }

  listState<T>(prefix: string[]): Promise<Array<{ key: string[]; value: T }>> {
    const found: Array<{ key: string[]; value: T }> = [];
    for (const [text, value] of this.#state) {
      const key = JSON.parse(text) as string[];
      if (prefix.every((part, i) => key[i] === part)) {
        found.push({ key, value: structuredClone(value) as T });
      }
    }
    found.sort((a, b) => JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1);
    return Promise.resolve(found);
  }

  close(): void {}

  wholeOutputs(runId: string, taskIds: string[]): Promise<Record<string, Record<string, string>>> {
    const found: Record<string, Record<string, string>> = {};
    for (const taskId of taskIds) {
      const outputs = this.#whole.get(runId)?.get(taskId);
      if (outputs) found[taskId] = structuredClone(outputs);
    }
    return Promise.resolve(found);
  }

  #keepWhole(runId: string, task: TaskRecord): void {
    this.#whole.get(runId)?.set(task.id, structuredClone(task.outputs));
  }

  /** Whether another weft marked the run interrupted: its writes are refused (settled.ts). */
  #settled(runId: string): boolean {
    return isSettledElsewhere(this.#runs.get(runId) ?? null);
  }

  /** The journal's records where this store's are older (see RunStore.markInterrupted). */
  #takeJournaled(runId: string, journaled: JournaledRecords): void {
    const tasks = this.#tasks.get(runId);
    for (const task of journaled.tasks.values()) {
      if (takesJournaledTask(tasks?.get(task.id)?.task, task)) this.#putTask(runId, task);
    }
    const attempts = this.#attempts.get(runId);
    for (const attempt of journaled.attempts.values()) {
      const key = attemptKey(attempt);
      if (takesJournaledAttempt(attempts?.get(key), attempt)) {
        attempts?.set(key, structuredClone(capAttempt(attempt)));
      }
    }
  }

  #putTask(runId: string, task: TaskRecord): void {
    const tasks = this.#tasks.get(runId);
    if (!tasks) return;
    const existing = tasks.get(task.id);
    const { task: capped, truncated } = capTask(structuredClone(task));
    if (truncated.length) this.#keepWhole(runId, task);
    tasks.set(task.id, {
      seq: existing?.seq ?? lateSeq(),
      hash: existing?.hash ?? null,
      truncated,
      task: capped,
    });
  }
}

/** An attempt's key among its run's attempts: by task, then attempt number, as listed. */
function attemptKey(attempt: { taskId: string; attempt: number }): string {
  return `${attempt.taskId}\u0000${String(attempt.attempt).padStart(6, "0")}`;
}
