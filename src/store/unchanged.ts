/**
 * Which of a finished run's task records still need writing, for the recorder
 * (recorder.ts): a run's final report repeats every task's record, and most of them were
 * written already, unchanged, by the write queue as each task ended. Rewriting them cost a
 * quarter of the KV writes of a 1,000-task run (1,000 of ~5,700 mutations).
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";

/**
 * The records of `final` that differ from what was last queued for the same task id in
 * `queued` (written by now: the caller waits for the queue first). A record with no queued
 * counterpart, or one that differs in any field, is kept: when in doubt, write. So is one
 * `always` keeps (the recorder's records with outputs, which the store got without them).
 */
export function unwrittenTasks(
  final: readonly TaskRecord[],
  queued: ReadonlyMap<string, TaskRecord>,
  always: (task: TaskRecord) => boolean = () => false,
): TaskRecord[] {
  return final.filter((task) => {
    if (always(task)) return true;
    const before = queued.get(task.id);
    return before === undefined || !sameValue(task, before);
  });
}

/**
 * Deep equality of JSON-like values (plain objects, arrays, strings, numbers, booleans,
 * null, undefined). Keys whose value is undefined count as absent, as in KV's
 * serialization of records. Anything else (a Date, a Map) compares by identity.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  for (const key in x) if (!sameValue(x[key], y[key])) return false;
  for (const key in y) if (!(key in x) && y[key] !== undefined) return false;
  return true;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
