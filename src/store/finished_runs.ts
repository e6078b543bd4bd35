/**
 * The runs that finished last (RunStore.listFinished): `weft monitor`'s "Finished: the
 * last N", whose FINISHED column and `recent[]` promise the newest finish first. Run ids
 * sort by start, so the newest ids are not the last to finish: a long run that ends now
 * was left out behind short ones started after it (tester26 F1).
 *
 * Here the order every store applies; the KV store reads its finish index for the
 * candidates (kv_list.ts listFinishedRuns).
 * @module
 */
import type { FinishedFilter, RunRecord } from "./run_store.ts";

/** Newest finish first; the same finish time: newest start (id) first. */
export function byFinishNewestFirst(a: RunRecord, b: RunRecord): number {
  const fa = a.finishedAt ?? "";
  const fb = b.finishedAt ?? "";
  if (fa !== fb) return fa < fb ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The first `filter.limit` of `runs` by {@link byFinishNewestFirst}: each run once,
 * none running, child runs only when `filter.children` is not false.
 */
export function newestFinished(runs: Iterable<RunRecord>, filter: FinishedFilter): RunRecord[] {
  const seen = new Map<string, RunRecord>();
  for (const run of runs) {
    if (run.status === "running") continue;
    if (filter.children === false && run.parentRunId !== undefined) continue;
    if (!seen.has(run.id)) seen.set(run.id, run);
  }
  return [...seen.values()].sort(byFinishNewestFirst).slice(0, filter.limit);
}
