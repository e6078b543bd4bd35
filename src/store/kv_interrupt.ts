/**
 * The end of a run of the KV store (kv.ts) other than its own finish: marking a run whose
 * process died interrupted (its unfinished tasks and running attempts too, in one
 * transaction with the run record), and the deletions of what only a running run has,
 * which finishing a run writes as well.
 * @module
 */
import {
  attemptKey,
  beatKey,
  finishedIndexMutations,
  keyPart,
  runKey,
  runMutations,
  taskKey,
} from "./kv_keys.ts";
import type { KvIO, Mutation } from "./kv_io.ts";
import {
  interruptedAttempt,
  interruptedRecord,
  interruptedTask,
  isUnfinished,
  withLoopCounts,
} from "./records.ts";
import type { StoredTask } from "./stored_task.ts";
import type { AttemptRecord, RunRecord } from "./run_store.ts";

/** Deletions of what only a running run has: its heartbeat and process records. */
export async function liveKeys(io: KvIO, runId: string): Promise<Mutation[]> {
  const procs = await io.listKeys({ prefix: ["proc", keyPart(runId)] });
  return [{ key: beatKey(runId) }, ...procs.map((key) => ({ key }))];
}

/**
 * Marks run `runId` interrupted, as RunStore.markInterrupted says (run_store.ts); retries
 * while the run record changes underneath. `listAttempts` lists the run's attempts.
 */
export async function markRunInterrupted(
  io: KvIO,
  runId: string,
  listAttempts: (runId: string) => Promise<AttemptRecord[]>,
): Promise<boolean> {
  for (;;) {
    const current = await io.get<RunRecord>(runKey(runId));
    if (!current.value || current.value.status !== "running") return false;
    const tasks = (await io.listAll<StoredTask>({ prefix: ["task", keyPart(runId)] }))
      .map((e) => e.value);
    const attempts = await listAttempts(runId);
    const beat = await io.get<string>(beatKey(runId));
    const writes: Mutation[] = await liveKeys(io, runId);
    // A loop's outputs are counted from its iterations as they end up (withLoopCounts).
    const finalTasks = withLoopCounts(
      tasks.map((s) => isUnfinished(s.task.status) ? interruptedTask(s.task) : s.task),
    );
    tasks.forEach((stored, i) => {
      if (!isUnfinished(stored.task.status)) return;
      const task = finalTasks[i];
      writes.push({ key: taskKey(runId, task.id), value: { ...stored, task } });
    });
    for (const attempt of attempts) {
      if (attempt.status !== "running") continue;
      writes.push({
        key: attemptKey(runId, attempt.taskId, attempt.attempt),
        value: interruptedAttempt(attempt),
      });
    }
    const next = interruptedRecord(current.value, finalTasks, attempts, beat.value);
    const ok = await io.commitInBatches(writes, runMutations(next, current.value), [
      current,
    ]);
    if (ok) {
      await indexFinished(io, next);
      return true;
    }
  }
}

/**
 * Writes the finish index of `run` (kv_keys.ts finishedIndexMutations) after its record:
 * best effort, since the record is what must fit on a full disk; a run without it is
 * still listed (kv_list.ts listFinishedRuns merges in the newest by start).
 */
export async function indexFinished(io: KvIO, run: RunRecord): Promise<void> {
  const writes = finishedIndexMutations(run);
  if (writes.length === 0) return;
  try {
    await io.commitInBatches([], writes);
  } catch {
    // The record is written; only the listing by finish time misses this run.
  }
}
