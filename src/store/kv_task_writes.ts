/**
 * The task records of the KV run store (kv.ts): the writes of a task record, keeping
 * each task's announce order and definition hash, and beside a record whose outputs
 * were cut the whole outputs, which --resume reads back here.
 *
 * Keys: `["task", runId, taskId]` → StoredTask; the whole outputs under
 * `wholeOutputsKey` (kv_keys.ts).
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import { taskKey, wholeOutputsKey } from "./kv_keys.ts";
import type { KvIO, Mutation } from "./kv_io.ts";
import { capTaskForWrite } from "./records.ts";
import { lateSeq, type StoredTask } from "./stored_task.ts";

/** A task's announce order and definition hash (null when the run gave none). */
export interface TaskMeta {
  seq: number;
  hash: string | null;
}

/** Builds task record writes for one KV store; reads the whole outputs back. */
export class KvTaskWrites {
  /** Announce order and hash of tasks of runs this process created: saves a read per update. */
  readonly #taskMeta = new Map<string, Map<string, TaskMeta>>();

  readonly #io: KvIO;

  constructor(io: KvIO) {
    this.#io = io;
  }

  /** Remembers the tasks of run `runId` created here (`meta` by task id). */
  remember(runId: string, meta: Map<string, TaskMeta>): void {
    this.#taskMeta.set(runId, meta);
  }

  /** The remembered announce order and hash of a task, if its run was created here. */
  known(runId: string, taskId: string): TaskMeta | undefined {
    return this.#taskMeta.get(runId)?.get(taskId);
  }

  /** Forgets run `runId` (finished or deleted). */
  forget(runId: string): void {
    this.#taskMeta.delete(runId);
  }

  /**
   * The writes of a task record: the capped record, and before it (so a record that says
   * its outputs were cut finds them) the whole outputs when anything was cut, for --resume.
   */
  mutations(
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
  async write(runId: string, task: TaskRecord): Promise<Mutation[]> {
    let meta = this.known(runId, task.id);
    if (!meta) {
      const existing = await this.#io.get<StoredTask>(taskKey(runId, task.id));
      // A task the engine did not announce at the start goes after all announced ones.
      meta = existing.value
        ? { seq: existing.value.seq, hash: existing.value.hash }
        : { seq: lateSeq(), hash: null };
      this.#taskMeta.get(runId)?.set(task.id, meta);
    }
    return this.mutations(runId, task, meta.seq, meta.hash);
  }

  /** The whole outputs of those of `taskIds` whose record has cut outputs, by task id. */
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
}
