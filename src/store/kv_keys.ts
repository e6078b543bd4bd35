/**
 * The run store's Deno KV keys (see kv.ts for the layout). A user-given string part
 * (workflow name, task id, an id asked for) longer than {@link MAX_KEY_PART_BYTES} is
 * replaced by its SHA-256 as a Uint8Array, since a whole key holds at most 2 KiB
 * (https://docs.deno.com/deploy/kv/manual/key_space/). Records keep the full strings;
 * listings by prefix still find them.
 * @module
 */
import { sha256 } from "./sha256.ts";
import type { Mutation } from "./kv_io.ts";
import type { ProcessRecord, RunRecord } from "./run_store.ts";

/** Longest user-given key part kept as text (UTF-8 bytes); two such parts fit in 2 KiB. */
export const MAX_KEY_PART_BYTES = 512;

const encoder = new TextEncoder();

/**
 * A KV key part for a user-given string: the string itself when at most
 * {@link MAX_KEY_PART_BYTES} UTF-8 bytes, else its SHA-256 (32 bytes). Deterministic,
 * so every read and write of the same string uses the same key.
 */
export function keyPart(text: string): string | Uint8Array {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: skip encoding short ones.
  if (text.length * 3 <= MAX_KEY_PART_BYTES) return text;
  if (encoder.encode(text).length <= MAX_KEY_PART_BYTES) return text;
  return new Uint8Array(sha256().update(text, "utf16le").digest());
}

/** Whether `text` is too long to be any key part this store writes (lookups of it find nothing). */
export function tooLongForKey(text: string): boolean {
  return text.length * 3 > MAX_KEY_PART_BYTES && encoder.encode(text).length > MAX_KEY_PART_BYTES;
}

/**
 * `["gone", runId]` → true: a run whose record a prune deleted and whose tasks, attempts
 * and logs it had not all removed yet (written with the record's delete, removed once the
 * rest is gone): a prune stopped part way leaves it, and the next one finishes the run.
 */
export function goneKey(runId: string): Deno.KvKey {
  return ["gone", keyPart(runId)];
}

/** `["run", runId]` → RunRecord. */
export function runKey(runId: string): Deno.KvKey {
  return ["run", keyPart(runId)];
}

/** `["task", runId, taskId]` → StoredTask. */
export function taskKey(runId: string, taskId: string): Deno.KvKey {
  return ["task", keyPart(runId), keyPart(taskId)];
}

/**
 * `["out", runId, taskId]` → the task's whole outputs, written only when its record's
 * outputs were cut (records.ts capOutputs); big values go to blobs (kv_blobs.ts).
 */
export function wholeOutputsKey(runId: string, taskId: string): Deno.KvKey {
  return ["out", keyPart(runId), keyPart(taskId)];
}

/** `["att", runId, taskId, attempt]` → AttemptRecord. */
export function attemptKey(runId: string, taskId: string, attempt: number): Deno.KvKey {
  return ["att", keyPart(runId), keyPart(taskId), attempt];
}

/** `["proc", runId, taskId, attempt, pid]` → ProcessRecord. */
export function processKey(p: ProcessRecord): Deno.KvKey {
  return ["proc", keyPart(p.runId), keyPart(p.taskId), p.attempt, p.pid];
}

/** `["beat", runId]` → UTC ISO time of the last heartbeat. */
export function beatKey(runId: string): Deno.KvKey {
  return ["beat", keyPart(runId)];
}

/** Prefixes of everything kept for a run besides its record and indexes. */
export function childPrefixes(runId: string): Deno.KvKey[] {
  const id = keyPart(runId);
  return [["task", id], ["att", id], ["proc", id], ["beat", id], ["blob", id], ["out", id]];
}

/**
 * `["run_fin", finishedAt, runId]` for a run that ended (any state but running, with a
 * finish time): the finished runs by when they finished (kv_list.ts listFinishedRuns).
 * Null for a running run. Runs finished before this index existed have none.
 */
export function finishedKey(run: RunRecord): Deno.KvKey | null {
  if (run.status === "running" || !run.finishedAt) return null;
  return ["run_fin", run.finishedAt, keyPart(run.id)];
}

/** The index keys of a run (by workflow, by status, by finish time), each holding null. */
export function indexKeys(run: RunRecord): Deno.KvKey[] {
  const id = keyPart(run.id);
  const keys: Deno.KvKey[] = [["run_wf", keyPart(run.workflow), id], ["run_st", run.status, id]];
  const finished = finishedKey(run);
  if (finished) keys.push(finished);
  return keys;
}

/**
 * The run record and its index keys by workflow and status; drops the old status and
 * finish indexes when they changed. The finish index itself is written apart, after the
 * record ({@link finishedIndexMutations}): a run's last write on a full disk is the one
 * that must fit, and a key in a range of its own may need a page the disk has not got.
 */
export function runMutations(run: RunRecord, previous?: RunRecord): Mutation[] {
  const writes: Mutation[] = [{ key: runKey(run.id), value: run }];
  const id = keyPart(run.id);
  writes.push({ key: ["run_wf", keyPart(run.workflow), id], value: null });
  writes.push({ key: ["run_st", run.status, id], value: null });
  if (previous && previous.status !== run.status) {
    writes.push({ key: ["run_st", previous.status, keyPart(run.id)] });
  }
  const before = previous && finishedKey(previous);
  if (before && before[1] !== finishedKey(run)?.[1]) writes.push({ key: before });
  return writes;
}

/** The finish index of a run that ended (none for a running one): see {@link runMutations}. */
export function finishedIndexMutations(run: RunRecord): Mutation[] {
  const key = finishedKey(run);
  return key ? [{ key, value: null }] : [];
}
