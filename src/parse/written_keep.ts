/**
 * The yaml-free half of keeping what the user wrote (see written_text.ts): the written
 * numbers and booleans of a JSON text and putting written text back into data. Apart so that a
 * `.json` workflow can be checked without loading the YAML parser (issue 12 §3).
 * @module
 */
import type { z } from "zod";
import { MAX_NESTING_DEPTH } from "./nesting.ts";
import { schemaAt, unwrap, valueAt } from "./schema_walk.ts";
import type { PathSegment } from "./source_map.ts";

/** An unquoted scalar that YAML read as a number or boolean spelled otherwise. */
export interface WrittenScalar {
  path: PathSegment[];
  /** The source text of the scalar, e.g. `3.10`. */
  text: string;
  /** Where that text starts in the source (UTF-16 units): an alias's is its anchor's. */
  offset?: number;
}

/**
 * `schema.safeParse(data, params)` of `data` with its written text kept
 * ({@link keepWrittenText}). Scalars spelled as `String()` spells their value (`10`,
 * `true`: most numbers and booleans of a file) change only a value the schema refuses,
 * so they are looked at only when the first parse fails, and then parsed again: walking
 * the schema to each of thousands of them costs ~5 ms for 1,000 tasks (issue 8 §5).
 * Mutates `data` as keepWrittenText does.
 */
export function parseKeepingText<S extends z.ZodType>(
  schema: S,
  data: unknown,
  scalars: readonly WrittenScalar[],
  params?: Parameters<S["safeParse"]>[1],
): ReturnType<S["safeParse"]> {
  const asValue: WrittenScalar[] = [];
  const respelled: WrittenScalar[] = [];
  for (const s of scalars) (String(valueAt(data, s.path)) === s.text ? asValue : respelled).push(s);
  keepWrittenText(data, respelled, schema);
  const first = schema.safeParse(data, params) as ReturnType<S["safeParse"]>;
  if (first.success || keepWrittenText(data, asValue, schema) === 0) return first;
  return schema.safeParse(data, params) as ReturnType<S["safeParse"]>;
}

/**
 * Replaces, in `data`, each written scalar by its text where `schema` takes text at
 * that path: the schema accepts the text, and the place is not free-form data (where a
 * number must stay a number); a scalar spelled as `String()` spells its value only
 * where the value itself is refused. Mutates `data`; returns how many it replaced.
 */
export function keepWrittenText(
  data: unknown,
  scalars: readonly WrittenScalar[],
  schema: z.ZodType,
): number {
  let replaced = 0;
  for (const { path, text } of scalars) {
    if (path.length === 0) continue;
    const at = schemaAt(schema, data, path);
    if (!at) continue;
    const kind = (unwrap(at, text) as unknown as { _zod: { def: { type: string } } })._zod.def
      .type;
    if (kind === "unknown" || kind === "any" || !at.safeParse(text).success) continue;
    // Spelled as String() would (`10`, `true`): the text only where the value as read
    // is refused, i.e. in a text-only field (`file: true`); a field that takes numbers
    // too (loop items) keeps the number, as it keeps everything else it accepts.
    const read = valueAt(data, path);
    if (String(read) === text && at.safeParse(read).success) continue;
    const holder = valueAt(data, path.slice(0, -1));
    if (typeof holder === "object" && holder !== null) {
      (holder as Record<PathSegment, unknown>)[path[path.length - 1]] = text;
      replaced++;
    }
  }
  return replaced;
}

/**
 * Every number and `true`/`false` of valid JSON `text` with its text as written (`10`,
 * `1.10`, `1E+3`, `-0.0`, digits beyond a double's precision, `true`) and its data
 * path: the JSON counterpart of {@link writtenScalars}, so that a `.json` workflow keeps
 * `"version": 1.10` as `1.10` and takes `"name": 10` or `"file": true` as text wherever
 * YAML would (a JSON file read as YAML 1.2 gives the same). A flat scan (no recursion,
 * no YAML parse); the grammar is RFC 8259 §3, §6. Call only on text `JSON.parse` accepted.
 */
export function jsonWrittenScalars(text: string): WrittenScalar[] {
  return scanJson(text, false)!;
}

/**
 * {@link jsonWrittenScalars} of valid JSON `text` that nests at most
 * {@link MAX_NESTING_DEPTH} levels deep and repeats no key within an object; undefined
 * for other text, whose problems the full path reports (jsonTooDeep, findDuplicateJsonKeys).
 * The quick path (clean_json.ts) asks this instead of those three: one pass over the text
 * instead of three costs ~1 ms instead of ~3.5 for 1,000 tasks (issue 8 §5).
 */
export function plainJsonScalars(text: string): WrittenScalar[] | undefined {
  return scanJson(text, true);
}

/** Keys of an object kept in a list up to this many, then in a set. */
const FEW_KEYS = 16;

function scanJson(text: string, plain: boolean): WrittenScalar[] | undefined {
  const found: WrittenScalar[] = [];
  // Where the value being read is, one entry per open object or list: a list's current
  // index, or the offset of the object's current key (-1 before its first). A key is
  // read only for the path of a number or boolean: a file has thousands of keys and
  // far fewer of those (issue 8 §5).
  const places: number[] = [];
  const lists: boolean[] = [];
  // For `plain`: per open object the keys read so far (null for a list).
  const keys: (string[] | Set<string> | null)[] = [];
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let at = 0;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c === 0x22) { // "
      const start = at;
      at = stringEnd(text, at);
      let next = at;
      while (next < text.length && isJsonSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) === 0x3a) { // :
        places[places.length - 1] = start;
        if (plain && !addKey(keys, keyAt(text, start, at))) return undefined;
        at = next + 1;
      }
    } else if (c === 0x7b || c === 0x5b) { // { [
      lists.push(c === 0x5b);
      places.push(c === 0x5b ? 0 : -1);
      if (plain) {
        if (lists.length > MAX_NESTING_DEPTH) return undefined;
        keys.push(c === 0x5b ? null : []);
      }
      at++;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      lists.pop();
      places.pop();
      keys.pop();
      at++;
    } else if (c === 0x2c) { // ,
      if (lists[lists.length - 1]) places[places.length - 1]++;
      at++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66) {
      // A number, `true` or `false` (- 0-9 t f outside a string of valid JSON): every
      // one, `10` and `true` too, as for YAML's unquoted scalars (writtenScalars): a
      // field that takes only text (`name`, `command`, a header value) takes its text.
      let written: string;
      if (c === 0x74) written = "true";
      else if (c === 0x66) written = "false";
      else {
        number.lastIndex = at;
        written = number.exec(text)![0];
      }
      const path = places.map((place, depth): PathSegment =>
        lists[depth] ? place : place < 0 ? "" : keyAt(text, place, stringEnd(text, place))
      );
      found.push({ path, text: written, offset: at });
      at += written.length;
    } else at++;
  }
  return found;
}

/** The key whose quoted text is `text[start, end)`: decoded only when it has an escape. */
function keyAt(text: string, start: number, end: number): string {
  const quoted = text.slice(start, end);
  return quoted.includes("\\") ? JSON.parse(quoted) : quoted.slice(1, -1);
}

/** Adds `key` to the keys of the innermost open object; false when it is there already. */
function addKey(keys: (string[] | Set<string> | null)[], key: string): boolean {
  const seen = keys[keys.length - 1];
  if (!seen) return true;
  if (seen instanceof Set ? seen.has(key) : seen.includes(key)) return false;
  if (seen instanceof Set) {
    seen.add(key);
    return true;
  }
  seen.push(key);
  if (seen.length > FEW_KEYS) keys[keys.length - 1] = new Set(seen);
  return true;
}

/**
 * The offset just after the JSON string whose opening quote is at `start`. A loop, not
 * a regular expression: V8's backtracking stack grows with the string's length and
 * overflows on strings of a few million characters.
 */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (; at < text.length && text.charCodeAt(at) !== 0x22; at++) {
    if (text.charCodeAt(at) === 0x5c) at++; // \ escapes the next character
  }
  return at + 1;
}

/** JSON's whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
