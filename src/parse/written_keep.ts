/**
 * The yaml-free half of keeping what the user wrote (see written_text.ts): the written
 * numbers of a JSON text and putting written text back into data. Apart so that a
 * `.json` workflow can be checked without loading the YAML parser (issue 12 §3).
 * @module
 */
import type { z } from "zod";
import { schemaAt, unwrap, valueAt } from "./schema_walk.ts";
import type { PathSegment } from "./source_map.ts";

/** An unquoted scalar that YAML read as a number or boolean spelled otherwise. */
export interface WrittenScalar {
  path: PathSegment[];
  /** The source text of the scalar, e.g. `3.10`. */
  text: string;
}

/**
 * Replaces, in `data`, each written scalar by its text where `schema` takes text at
 * that path: the schema accepts the text, and the place is not free-form data (where a
 * number must stay a number); a scalar spelled as `String()` spells its value only
 * where the value itself is refused. Mutates `data`.
 */
export function keepWrittenText(
  data: unknown,
  scalars: readonly WrittenScalar[],
  schema: z.ZodType,
): void {
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
    }
  }
}

/**
 * The numbers of valid JSON `text` whose text `String()` would not give back (`1.10`,
 * `1E+3`, `-0.0`, `0.50`, digits beyond a double's precision), with their data paths:
 * the JSON counterpart of {@link writtenScalars}, so that a `.json` workflow keeps
 * `"version": 1.10` as `1.10` wherever YAML would. A flat scan (no recursion, no YAML
 * parse); the number grammar is RFC 8259 §6. Call only on text `JSON.parse` accepted.
 */
export function jsonWrittenNumbers(text: string): WrittenScalar[] {
  const found: WrittenScalar[] = [];
  // The path of the value being read: one segment per open object (its current key)
  // or list (its current index).
  const path: PathSegment[] = [];
  const lists: boolean[] = [];
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const space = /[ \t\r\n]*/y;
  let at = 0;
  while (at < text.length) {
    const c = text[at];
    if (c === '"') {
      // A loop, not a regular expression: V8's backtracking stack grows with the
      // string's length and overflows on strings of a few million characters.
      const start = at;
      for (at++; at < text.length && text.charCodeAt(at) !== 0x22; at++) {
        if (text.charCodeAt(at) === 0x5c) at++;
      }
      at++;
      const quoted = text.slice(start, at);
      space.lastIndex = at;
      space.exec(text);
      if (text[space.lastIndex] === ":") {
        path[path.length - 1] = JSON.parse(quoted) as string;
        at = space.lastIndex + 1;
      }
    } else if (c === "{" || c === "[") {
      lists.push(c === "[");
      path.push(c === "[" ? 0 : "");
      at++;
    } else if (c === "}" || c === "]") {
      lists.pop();
      path.pop();
      at++;
    } else if (c === ",") {
      if (lists[lists.length - 1]) (path[path.length - 1] as number)++;
      at++;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      number.lastIndex = at;
      const written = number.exec(text)![0];
      if (written !== String(Number(written))) found.push({ path: [...path], text: written });
      at += written.length;
    } else at++;
  }
  return found;
}
