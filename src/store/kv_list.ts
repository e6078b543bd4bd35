/**
 * Listing runs from the KV store (kv.ts): newest first (or oldest first), from the index
 * that fits the filter best, page by page, stopping at the limit or at the first run
 * older than `since`, so `history --limit 10` reads ten records whatever the store holds;
 * and the runs that finished last, from the finish index (listFinishedRuns).
 * @module
 */
import { keyPart } from "./kv_keys.ts";
import type { KvIO } from "./kv_io.ts";
import { ID_ORDER_SLACK_MS, matchesFilter, timeBound } from "./records.ts";
import type { FinishedFilter, RunFilter, RunRecord } from "./run_store.ts";
import { newestFinished } from "./finished_runs.ts";

/** Records read per KV page. */
const PAGE = 100;

/** The runs `filter` selects, newest first unless `filter.oldestFirst`; see RunStore.listRuns. */
export async function listStoredRuns(io: KvIO, filter: RunFilter): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  const limit = filter.limit ?? Infinity;
  for await (const page of newestFirst(io, filter)) {
    for (const run of page) {
      const bound = timeBound(run, filter);
      if (bound === "stop") return runs;
      if (bound === "skip") continue;
      if (!matchesFilter(run, filter)) continue;
      runs.push(run);
      if (runs.length >= limit) return runs;
    }
  }
  return runs;
}

/**
 * Pages of runs, newest first (or oldest first), from the index that fits the filter
 * best, starting at the filter's time bound: every index ends with the run id, and ids
 * sort by start time (engine/ids.ts), so oldest first from `since` (a parent's children,
 * a fire's run) reads no run started before it, where it read all of history from its
 * oldest run.
 */
async function* newestFirst(io: KvIO, filter: RunFilter): AsyncGenerator<RunRecord[]> {
  const fromIndex = filter.workflow !== undefined
    ? ["run_wf", keyPart(filter.workflow)]
    : filter.status !== undefined
    ? ["run_st", filter.status]
    : null;
  const selector = boundedSelector(fromIndex ?? ["run"], filter);
  const pageSize = Math.min(filter.limit ?? PAGE, PAGE);
  let cursor = "";
  do {
    if (fromIndex) {
      const page = await io.listPage<null>(selector, {
        limit: pageSize,
        reverse: !filter.oldestFirst,
        cursor,
      });
      cursor = page.cursor;
      const keys = page.entries.map((e) => ["run", e.key[e.key.length - 1]]);
      const records = await io.getMany<RunRecord>(keys);
      yield records.flatMap((r) => r.value ? [r.value] : []);
    } else {
      const page = await io.listPage<RunRecord>(selector, {
        limit: pageSize,
        reverse: !filter.oldestFirst,
        cursor,
      });
      cursor = page.cursor;
      yield page.entries.map((e) => e.value);
    }
  } while (cursor);
}

/**
 * The selector of the keys under `prefix` (an index, or `["run"]`, each ending with the
 * run id) that a listing in `filter`'s direction starts at: from the id of `since`
 * oldest first, up to the id of `before` newest first, widened by ID_ORDER_SLACK_MS as
 * timeBound's stop is; the whole prefix without such a bound.
 */
export function boundedSelector(prefix: Deno.KvKey, filter: RunFilter): Deno.KvListSelector {
  const edge = filter.oldestFirst
    ? idAt((filter.since?.getTime() ?? NaN) - ID_ORDER_SLACK_MS)
    : idAt((filter.before?.getTime() ?? NaN) + ID_ORDER_SLACK_MS);
  if (edge === undefined) return { prefix };
  return filter.oldestFirst
    ? { prefix, start: [...prefix, edge] }
    : { prefix, end: [...prefix, edge] };
}

/** The run id stamp of time `ms` (engine/ids.ts newRunId), or undefined past 4-digit years. */
function idAt(ms: number): string | undefined {
  const time = new Date(ms);
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1 || time.getUTCFullYear() > 9999) {
    return undefined;
  }
  return time.toISOString().replace(/[-:]/g, "");
}

/**
 * RunStore.listFinished for the KV store: its `["run_fin", finishedAt, runId]` index
 * (kv_keys.ts finishedKey) read from the newest end. Runs finished before that index
 * existed are not in it, so the newest runs by start are merged in too (as the monitor
 * listed them before), and the whole ordered by finish (finished_runs.ts).
 */
export async function listFinishedRuns(io: KvIO, filter: FinishedFilter): Promise<RunRecord[]> {
  const indexed: RunRecord[] = [];
  let cursor = "";
  do {
    const page = await io.listPage<null>({ prefix: ["run_fin"] }, {
      limit: Math.min(PAGE, filter.limit + 1),
      reverse: true,
      cursor,
    });
    cursor = page.cursor;
    const records = await io.getMany<RunRecord>(
      page.entries.map((e) => ["run", e.key[e.key.length - 1]]),
    );
    for (const { value } of records) {
      // Child runs are skipped here, not counted against the limit.
      if (value && (filter.children !== false || value.parentRunId === undefined)) {
        indexed.push(value);
      }
    }
  } while (cursor && indexed.length < filter.limit);
  // Runs recorded before the finish index: the newest by start, past those still running.
  const running = (await listStoredRuns(io, { status: "running" })).length;
  const byStart = await listStoredRuns(io, {
    limit: filter.limit + running,
    children: filter.children,
  });
  return newestFinished([...indexed, ...byStart], filter);
}
