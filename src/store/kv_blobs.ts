/**
 * Keeping any record within Deno KV's limits: a key holds at most 2 KiB and a value
 * at most 64 KiB (https://docs.deno.com/deploy/kv/manual/key_space/ and
 * .../transactions/), but a run's params, a workflow or task name, a task id can be
 * bigger than that. Nothing is cut or refused here; instead:
 *
 * - Keys: see kv_keys.ts (long user-given parts are hashed).
 * - Values: a value estimated above {@link MAX_VALUE_BYTES} has its biggest strings moved
 *   to blobs — `["blob", scope, sha256, i]`, chunks of {@link CHUNK_CHARS} characters — and
 *   replaced by pointers; if it is still too big (very many small strings), the whole
 *   value goes to a blob as JSON. `scope` is the key's second part (the run id), so
 *   deleting a run deletes its blobs by prefix. Blobs are addressed by content: writing
 *   the same big string again (a task record rewritten at each state change) rewrites
 *   the same keys, and a reader never sees a blob change under it.
 * @module
 */
import { sha256 } from "./sha256.ts";

/** Largest value stored as is (estimated V8-serialized bytes; KV allows 65,536). */
export const MAX_VALUE_BYTES = 60 * 1024;
/** Characters per blob chunk: at most 32 KiB even for two-byte strings. */
export const CHUNK_CHARS = 16 * 1024;
/** Strings shorter than this stay inline even in a big value. */
const MIN_BLOB_CHARS = 1024;

const BLOB = "\u0000weft.blob";
const WRAPPED = "\u0000weft.blobs";

/** One blob chunk to write. */
export interface BlobWrite {
  key: Deno.KvKey;
  value: string;
}

interface Pointer {
  [BLOB]: string;
  chunks: number;
  /** The blob holds the whole value as JSON. */
  json?: true;
}

/** A character V8 stores in two bytes. Made once: a regex literal is a new object per call. */
const TWO_BYTE = /[\u0100-\uffff]/;

/**
 * Upper estimate of a value's size as V8 serializes it (Deno KV's encoding): strings
 * take one byte per character when all are Latin-1, else two.
 */
export function estimateBytes(value: unknown): number {
  if (typeof value === "string") return 5 + value.length * (TWO_BYTE.test(value) ? 2 : 1);
  if (value === null || typeof value !== "object") return 10;
  let size = 5;
  if (Array.isArray(value)) {
    for (const item of value) size += estimateBytes(item);
  } else if (value instanceof Uint8Array) {
    size += value.length;
  } else {
    // for-in, not Object.entries: no array of pairs per object (a record is measured at
    // each write, and those arrays were the largest allocation of a 1,000-task run).
    const record = value as Record<string, unknown>;
    for (const k in record) {
      if (Object.hasOwn(record, k)) size += estimateBytes(k) + estimateBytes(record[k]);
    }
  }
  return size;
}

function blobScope(key: Deno.KvKey): Deno.KvKeyPart {
  return key.length >= 2 ? key[1] : "";
}

function hashOf(text: string): string {
  return sha256().update(text, "utf16le").digest("hex");
}

/** Splits text into chunks, never between the two halves of a surrogate pair. */
function chunksOf(text: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + CHUNK_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(text.slice(at, end));
    at = end;
  }
  return chunks;
}

function toBlob(key: Deno.KvKey, text: string, blobs: BlobWrite[], json = false): Pointer {
  const hash = hashOf(text);
  const chunks = chunksOf(text);
  const scope = blobScope(key);
  chunks.forEach((value, i) => blobs.push({ key: ["blob", scope, hash, i], value }));
  const pointer: Pointer = { [BLOB]: hash, chunks: chunks.length };
  if (json) pointer.json = true;
  return pointer;
}

interface Slot {
  holder: Record<string, unknown> | unknown[];
  at: string | number;
  text: string;
  size: number;
}

/** A deep copy of a JSON-like value, listing the strings long enough to move out. */
function copyCollecting(value: unknown, slots: Slot[]): unknown {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [k, v] of Object.entries(value)) {
    const at = Array.isArray(copy) ? Number(k) : k;
    (copy as Record<string | number, unknown>)[at] = copyCollecting(v, slots);
    if (typeof v === "string" && v.length >= MIN_BLOB_CHARS) {
      slots.push({ holder: copy, at, text: v, size: estimateBytes(v) });
    }
  }
  return copy;
}

/** The blobs of a value small enough to store as it is: one shared empty list. */
const NO_BLOBS: readonly BlobWrite[] = Object.freeze([]);

/**
 * The value to store under `key`, the blob chunks to write before (or with) it, and the
 * value's {@link estimateBytes} (measured once: each record is measured at each write).
 * Small values are returned as they are, with no blobs.
 */
export function encodeValue(
  key: Deno.KvKey,
  value: unknown,
): { value: unknown; blobs: readonly BlobWrite[]; bytes: number } {
  const size = estimateBytes(value);
  if (size <= MAX_VALUE_BYTES) return { value, blobs: NO_BLOBS, bytes: size };
  const encoded = encodeLarge(key, value, size);
  return { ...encoded, bytes: estimateBytes(encoded.value) };
}

function encodeLarge(
  key: Deno.KvKey,
  value: unknown,
  size: number,
): { value: unknown; blobs: BlobWrite[] } {
  const blobs: BlobWrite[] = [];
  const slots: Slot[] = [];
  const copy = copyCollecting(value, slots);
  slots.sort((a, b) => b.size - a.size);
  for (const slot of slots) {
    if (size <= MAX_VALUE_BYTES) break;
    const pointer = toBlob(key, slot.text, blobs);
    (slot.holder as Record<string | number, unknown>)[slot.at] = pointer;
    size += estimateBytes(pointer) - slot.size;
  }
  if (size <= MAX_VALUE_BYTES) return { value: { [WRAPPED]: 1, value: copy }, blobs };
  // Still too big: many small strings. Keep the whole value as JSON in one blob.
  const whole: BlobWrite[] = [];
  const pointer = toBlob(key, JSON.stringify(value), whole, true);
  return { value: { [WRAPPED]: 1, value: pointer }, blobs: whole };
}

/** Whether a stored value refers to blobs (and so must go through {@link decodeValue}). */
export function hasBlobs(value: unknown): boolean {
  return value !== null && typeof value === "object" && WRAPPED in value;
}

function isPointer(value: unknown): value is Pointer {
  return value !== null && typeof value === "object" && BLOB in value;
}

/** Reads blob chunks by key; a missing chunk reads as null. */
export type ChunkReader = (keys: Deno.KvKey[]) => Promise<(string | null)[]>;

/**
 * The value as written, from a stored value that {@link hasBlobs}. Returns undefined
 * when a blob is gone (the record is being deleted).
 */
export async function decodeValue(
  key: Deno.KvKey,
  stored: unknown,
  read: ChunkReader,
): Promise<unknown> {
  const scope = blobScope(key);
  let missing = false;
  const resolve = async (pointer: Pointer): Promise<unknown> => {
    const keys = Array.from(
      { length: pointer.chunks },
      (_, i) => ["blob", scope, pointer[BLOB], i],
    );
    const chunks = await read(keys);
    if (chunks.some((c) => typeof c !== "string")) {
      missing = true;
      return "";
    }
    const text = chunks.join("");
    return pointer.json ? JSON.parse(text) : text;
  };
  const walk = async (value: unknown): Promise<unknown> => {
    if (isPointer(value)) return await resolve(value);
    if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
    const holder = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(holder)) {
      if (v !== null && typeof v === "object") holder[k] = await walk(v);
    }
    return value;
  };
  const result = await walk((stored as { value: unknown }).value);
  return missing ? undefined : result;
}
