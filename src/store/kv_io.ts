/**
 * Deno KV primitives for the run store, each retried on "database is locked"
 * (several weft processes share one file) and each within KV's limits: getMany takes
 * 10 keys, an atomic write holds at most 1000 mutations and ~800 KiB.
 * @module
 */
import { withRetry } from "./retry.ts";

/** One write in an atomic operation: set a value, or delete when `value` is undefined. */
export interface Mutation {
  key: Deno.KvKey;
  value?: unknown;
}

/** One page of a listing and the cursor to continue after it ("" when done). */
export interface Page<T> {
  entries: Deno.KvEntry<T>[];
  cursor: string;
}

// Stay well inside KV's per-operation limits.
const MAX_MUTATIONS_PER_OP = 500;
const MAX_BYTES_PER_OP = 500 * 1024;
const GET_MANY_LIMIT = 10;

function estimateBytes(m: Mutation): number {
  return JSON.stringify(m.key).length +
    (m.value === undefined ? 0 : JSON.stringify(m.value).length);
}

function fitsOneOp(mutations: Mutation[]): boolean {
  if (mutations.length > MAX_MUTATIONS_PER_OP) return false;
  return mutations.reduce((sum, m) => sum + estimateBytes(m), 0) <= MAX_BYTES_PER_OP;
}

/** Splits mutations into groups that each fit one atomic operation. */
function splitIntoBatches(mutations: Mutation[]): Mutation[][] {
  const batches: Mutation[][] = [];
  let current: Mutation[] = [];
  let bytes = 0;
  for (const m of mutations) {
    const size = estimateBytes(m);
    if (
      current.length && (current.length >= MAX_MUTATIONS_PER_OP || bytes + size > MAX_BYTES_PER_OP)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Retrying, limit-aware access to one open Deno.Kv. */
export class KvIO {
  constructor(readonly kv: Deno.Kv) {}

  /** Reads one key. */
  get<T>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>> {
    return withRetry(() => this.kv.get<T>(key));
  }

  /** Reads any number of keys (in parallel chunks of 10), in the order given. */
  async getMany<T>(keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
    const chunks: Deno.KvKey[][] = [];
    for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
      chunks.push(keys.slice(i, i + GET_MANY_LIMIT));
    }
    const results = await Promise.all(
      chunks.map((chunk) => withRetry(() => this.kv.getMany<T[]>(chunk))),
    );
    return results.flat() as Deno.KvEntryMaybe<T>[];
  }

  /** One page of a listing, continuing after `cursor`. */
  listPage<T>(
    selector: Deno.KvListSelector,
    options: { limit: number; reverse?: boolean; cursor?: string },
  ): Promise<Page<T>> {
    return withRetry(async () => {
      const iterator = this.kv.list<T>(selector, {
        limit: options.limit,
        reverse: options.reverse,
        cursor: options.cursor || undefined,
        batchSize: Math.min(Math.max(options.limit, 1), 500),
      });
      const entries: Deno.KvEntry<T>[] = [];
      for await (const entry of iterator) entries.push(entry);
      const done = entries.length < options.limit;
      return { entries, cursor: done ? "" : iterator.cursor };
    });
  }

  /** Every entry under a selector. */
  async listAll<T>(selector: Deno.KvListSelector): Promise<Deno.KvEntry<T>[]> {
    const all: Deno.KvEntry<T>[] = [];
    let cursor = "";
    do {
      const page = await this.listPage<T>(selector, { limit: 500, cursor });
      all.push(...page.entries);
      cursor = page.cursor;
    } while (cursor);
    return all;
  }

  /**
   * Commits `mutations` plus `checks` as one atomic operation. Returns false when a
   * check failed (someone else changed a checked key).
   */
  commit(mutations: Mutation[], checks: Deno.AtomicCheck[] = []): Promise<boolean> {
    return withRetry(async () => {
      const op = this.kv.atomic();
      for (const check of checks) op.check(check);
      for (const m of mutations) {
        if (m.value === undefined) op.delete(m.key);
        else op.set(m.key, m.value);
      }
      return (await op.commit()).ok;
    });
  }

  /**
   * Commits mutations that may exceed one operation's limits: all but the last batch
   * first, then the last batch together with `final` mutations and `checks`, so the
   * `final` ones (e.g. a run record) become visible only after everything else.
   */
  async commitInBatches(
    mutations: Mutation[],
    final: Mutation[] = [],
    checks: Deno.AtomicCheck[] = [],
  ): Promise<boolean> {
    const batches = splitIntoBatches(mutations);
    let last = batches.pop() ?? [];
    if (!fitsOneOp([...last, ...final])) {
      batches.push(last);
      last = [];
    }
    for (const batch of batches) await this.commit(batch);
    return await this.commit([...last, ...final], checks);
  }
}
