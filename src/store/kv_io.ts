/**
 * Deno KV primitives for the run store, each retried on "database is locked"
 * (several weft processes share one file) and each within KV's limits: getMany takes
 * 10 keys, an atomic write holds at most 1000 mutations and ~800 KiB, a value at most
 * 64 KiB — bigger values are moved to blobs on write and put back on read
 * (see kv_blobs.ts), so callers store and read records of any size.
 * @module
 */
import { decodeValue, encodeValue, estimateBytes as valueBytes, hasBlobs } from "./kv_blobs.ts";
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

// KV's per-operation limits (Deno's ext/kv: 1,000 mutations, 80 KiB of keys, 800 KiB
// of keys and values). Mutations are counted exactly and keys measured as an upper
// bound of their encoding (keyBytes), so those two are used as they are: a run of
// 1,000 tasks records its tasks in one write, not two (each write is a transaction
// with its fsync, before the first task may start). Values are estimated, so their
// limit keeps a margin.
const MAX_MUTATIONS_PER_OP = 1000;
const MAX_KEY_BYTES_PER_OP = 80 * 1024;
const MAX_BYTES_PER_OP = 500 * 1024;
const GET_MANY_LIMIT = 10;

/** A mutation whose value's estimated size is known already (`bytes`). */
type Sized = Mutation & { bytes?: number };

/**
 * An upper bound of a key's size as KV encodes it (what its 80 KiB limit per operation
 * counts): a string part is a tag, its UTF-8 bytes (a NUL byte escaped to two) and a
 * terminator; a byte part likewise; a number a tag and 8 bytes. Exact for ASCII, so
 * that a batch is not cut early: keys are mostly short ASCII ids.
 */
export function keyBytes(key: Deno.KvKey): number {
  let size = 0;
  // Indexed, not for-of: no iterator per key (measured at each write of every record).
  for (let i = 0; i < key.length; i++) {
    const part = key[i];
    if (typeof part === "string") size += 2 + utf8Bytes(part);
    else if (part instanceof Uint8Array) size += 2 + part.length * 2;
    else if (typeof part === "bigint") size += 2 + part.toString(16).length;
    else size += 9; // number (tag + 8 bytes), boolean (1)
  }
  return size;
}

/** UTF-8 length of `text`, counting a NUL as 2 (KV escapes it in keys). */
function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Past ASCII a UTF-16 unit takes at most 3 bytes (a surrogate pair 4 for 2 units).
    if (c >= 0x80 || c === 0) bytes += c < 0x800 ? 1 : 2;
  }
  return bytes;
}

/**
 * A mutation's estimated size: the value as V8 serializes it (kv_blobs.ts, what KV's
 * limit counts; a JSON string of every record cost a visible share of a run's garbage).
 */
function estimateBytes(m: Sized, keySize: number = keyBytes(m.key)): number {
  if (m.value === undefined) return keySize;
  return keySize + (m.bytes ?? valueBytes(m.value));
}

function bytesOf(mutations: Mutation[]): number {
  return mutations.reduce((sum, m) => sum + estimateBytes(m), 0);
}

function keyBytesOf(keys: Array<{ key: Deno.KvKey }>): number {
  return keys.reduce((sum, m) => sum + keyBytes(m.key), 0);
}

/** Each value too big for KV becomes its blob chunks followed by a small value. */
function withBlobs(mutations: Mutation[]): Sized[] {
  const out: Sized[] = [];
  for (const m of mutations) {
    if (m.value === undefined) {
      out.push(m);
      continue;
    }
    const { value, blobs, bytes } = encodeValue(m.key, m.value);
    // Most values need no blobs: no spread call for them.
    if (blobs.length > 0) out.push(...blobs);
    out.push({ key: m.key, value, bytes });
  }
  return out;
}

/**
 * Splits mutations into groups that each fit one atomic operation; also returns the
 * estimated bytes and key bytes of the last group (each mutation is measured once:
 * JSON.stringify of every record is a visible cost at a thousand tasks a second).
 */
function splitIntoBatches(
  mutations: Mutation[],
  keyReserve: number,
): { batches: Mutation[][]; lastBytes: number; lastKeyBytes: number } {
  const batches: Mutation[][] = [];
  let current: Mutation[] = [];
  let bytes = 0;
  let keys = 0;
  for (const m of mutations) {
    const keySize = keyBytes(m.key);
    const size = estimateBytes(m, keySize);
    if (
      current.length &&
      (current.length >= MAX_MUTATIONS_PER_OP || bytes + size > MAX_BYTES_PER_OP ||
        keys + keySize > MAX_KEY_BYTES_PER_OP - keyReserve)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
      keys = 0;
    }
    current.push(m);
    bytes += size;
    keys += keySize;
  }
  if (current.length) batches.push(current);
  return {
    batches,
    lastBytes: current.length ? bytes : 0,
    lastKeyBytes: current.length ? keys : 0,
  };
}

/** Retrying, limit-aware access to one open Deno.Kv. */
export class KvIO {
  constructor(readonly kv: Deno.Kv) {}

  /** Reads one key. */
  async get<T>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>> {
    return await this.#decode(await withRetry(() => this.kv.get<T>(key)));
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
    const entries = results.flat() as Deno.KvEntryMaybe<T>[];
    return await Promise.all(entries.map((entry) => this.#decode(entry)));
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
      const decoded = await Promise.all(entries.map(async (entry) => {
        if (!hasBlobs(entry.value)) return entry;
        const value = await this.#decodeValue(entry);
        // An entry whose blobs are gone is being deleted: leave it out.
        return value === undefined ? null : { ...entry, value: value as T };
      }));
      const present = decoded.filter((e): e is Deno.KvEntry<T> => e !== null);
      return { entries: present, cursor: done ? "" : iterator.cursor };
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

  /** The keys of every entry under a selector (values are not decoded). */
  listKeys(selector: Deno.KvListSelector): Promise<Deno.KvKey[]> {
    return withRetry(async () => {
      const keys: Deno.KvKey[] = [];
      for await (const entry of this.kv.list(selector, { batchSize: 500 })) keys.push(entry.key);
      return keys;
    });
  }

  /**
   * Commits `mutations` plus `checks` as one atomic operation. Returns false when a
   * check failed (someone else changed a checked key).
   */
  async commit(mutations: Mutation[], checks: Deno.AtomicCheck[] = []): Promise<boolean> {
    return await this.#commitRaw(withBlobs(mutations), checks) !== null;
  }

  /** The commit's versionstamp, or null when a check failed. */
  #commitRaw(mutations: Mutation[], checks: Deno.AtomicCheck[]): Promise<string | null> {
    return withRetry(async () => {
      const op = this.kv.atomic();
      for (const check of checks) op.check(check);
      for (const m of mutations) {
        if (m.value === undefined) op.delete(m.key);
        else op.set(m.key, m.value);
      }
      const result = await op.commit();
      return result.ok ? result.versionstamp : null;
    });
  }

  /**
   * Commits mutations that may exceed one operation's limits: all but the last batch
   * first, then the last batch together with `final` mutations, so the `final` ones
   * (e.g. a run record) become visible only after everything else. `checks` go with
   * every batch: once one fails, nothing more is written (a run settled meanwhile gets
   * none of the writes that follow, see kv_run_guard.ts). Returns false when one failed.
   */
  async commitInBatches(
    mutations: Mutation[],
    final: Mutation[] = [],
    checks: Deno.AtomicCheck[] = [],
  ): Promise<boolean> {
    return await this.commitStamped(mutations, final, checks) !== null;
  }

  /**
   * {@link commitInBatches}, returning the versionstamp of the last batch (that of the
   * `final` mutations), or null when a check failed.
   */
  async commitStamped(
    mutations: Mutation[],
    final: Mutation[] = [],
    checks: Deno.AtomicCheck[] = [],
  ): Promise<string | null> {
    // Blobs of the final values go with the other mutations: before, or in the same op.
    const finalWrites = withBlobs(final);
    const blobs = finalWrites.filter((m) => m.key[0] === "blob");
    // Every batch carries the checks, whose keys count against the limit too.
    const checkKeys = keyBytesOf(checks);
    const { batches, lastBytes, lastKeyBytes } = splitIntoBatches(
      [...withBlobs(mutations), ...blobs],
      checkKeys,
    );
    const finalOnly = finalWrites.filter((m) => m.key[0] !== "blob");
    let last = batches.pop() ?? [];
    const together = last.length + finalOnly.length <= MAX_MUTATIONS_PER_OP &&
      lastBytes + bytesOf(finalOnly) <= MAX_BYTES_PER_OP &&
      lastKeyBytes + keyBytesOf(finalOnly) + checkKeys <= MAX_KEY_BYTES_PER_OP;
    if (!together) {
      batches.push(last);
      last = [];
    }
    for (const batch of batches) {
      if (await this.#commitRaw(batch, checks) === null) return null;
    }
    return await this.#commitRaw([...last, ...finalOnly], checks);
  }

  /** An entry with blob pointers replaced by what they hold (value null when a blob is gone). */
  async #decode<T>(entry: Deno.KvEntryMaybe<T>): Promise<Deno.KvEntryMaybe<T>> {
    if (!hasBlobs(entry.value)) return entry;
    const value = await this.#decodeValue(entry);
    return { ...entry, value: (value ?? null) as T } as Deno.KvEntryMaybe<T>;
  }

  /** The value with its blobs read back; undefined when one is gone. */
  #decodeValue(entry: Deno.KvEntryMaybe<unknown>): Promise<unknown> {
    return decodeValue(entry.key, entry.value, async (keys) => {
      const chunks = await this.getMany<string>(keys);
      return chunks.map((c) => c.value);
    });
  }
}
