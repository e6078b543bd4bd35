/**
 * Listing runs from the KV store (kv.ts): newest first (or oldest first), from the index
 * that fits the filter best, page by page, stopping at the limit or at the first run
 * older than `since`, so `history --limit 10` reads ten records whatever the store holds.
 * @module
 */
import { keyPart } from "./kv_keys.ts";
import type { KvIO } from "./kv_io.ts";
import { matchesFilter, timeBound } from "./records.ts";
import type { RunFilter, RunRecord } from "./run_store.ts";

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

/** Pages of runs, newest first, from the index that fits the filter best. */
async function* newestFirst(io: KvIO, filter: RunFilter): AsyncGenerator<RunRecord[]> {
  const fromIndex = filter.workflow !== undefined
    ? ["run_wf", keyPart(filter.workflow)]
    : filter.status !== undefined
    ? ["run_st", filter.status]
    : null;
  const pageSize = Math.min(filter.limit ?? PAGE, PAGE);
  let cursor = "";
  do {
    if (fromIndex) {
      const page = await io.listPage<null>({ prefix: fromIndex }, {
        limit: pageSize,
        reverse: !filter.oldestFirst,
        cursor,
      });
      cursor = page.cursor;
      const keys = page.entries.map((e) => ["run", e.key[e.key.length - 1]]);
      const records = await io.getMany<RunRecord>(keys);
      yield records.flatMap((r) => r.value ? [r.value] : []);
    } else {
      const page = await io.listPage<RunRecord>({ prefix: ["run"] }, {
        limit: pageSize,
        reverse: !filter.oldestFirst,
        cursor,
      });
      cursor = page.cursor;
      yield page.entries.map((e) => e.value);
    }
  } while (cursor);
}
