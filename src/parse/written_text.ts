/**
 * Keeping what the user wrote. YAML reads an unquoted `3.10` as the number 3.1, `0012`
 * as 12 and `True` as true; where weft wants text (an environment value, a parameter
 * default, `version`, a name), turning that number back into a string would give "3.1".
 * Weft has the source, so such values get the text exactly as written instead. Where a
 * number is wanted (`max_parallel`, `retry.attempts`, anything in an http `data`) the
 * number stays. A JSON number (`1.10`, `1E+3`) is kept as written the same way.
 * @module
 */
import { type Document, isAlias, isMap, isScalar, isSeq, Scalar } from "yaml";
import type { z } from "zod";
import { schemaAt, unwrap, valueAt } from "./schema_walk.ts";
import { keyText, type PathSegment } from "./source_map.ts";

/** An unquoted scalar that YAML read as a number or boolean spelled otherwise. */
export interface WrittenScalar {
  path: PathSegment[];
  /** The source text of the scalar, e.g. `3.10`. */
  text: string;
}

/**
 * Every plain scalar of `doc` whose value is a number or boolean that `String()` would
 * not spell as written (`3.10`, `0012`, `1e3`, `0x1F`, `.5`, `+1`, `True`). Walks the
 * document without recursion; an alias counts at its own place, with its anchor's text.
 */
export function writtenScalars(doc: Document, text: string): WrittenScalar[] {
  interface Entry {
    node: unknown;
    parent?: Entry;
    key?: PathSegment;
  }
  const found: WrittenScalar[] = [];
  const stack: Entry[] = [{ node: doc.contents }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    let node = entry.node;
    if (isAlias(node)) {
      node = node.resolve(doc);
      if (!isScalar(node)) continue; // a collection is walked where its anchor is
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key !== undefined) stack.push({ node: pair.value, parent: entry, key });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, parent: entry, key: i }));
    } else if (isScalar(node) && node.type === Scalar.PLAIN && node.range) {
      const value = node.value;
      if (typeof value !== "number" && typeof value !== "boolean") continue;
      const written = text.slice(node.range[0], node.range[1]);
      if (written === String(value)) continue;
      const path: PathSegment[] = [];
      for (let e: Entry | undefined = entry; e?.key !== undefined; e = e.parent) path.push(e.key);
      found.push({ path: path.reverse(), text: written });
    }
  }
  return found;
}

/**
 * Replaces, in `data`, each written scalar by its text where `schema` takes text at
 * that path: the schema accepts the text, and the place is not free-form data (where a
 * number must stay a number). Mutates `data`.
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
  const string = /"(?:[^"\\]|\\[^])*"/y;
  const space = /[ \t\r\n]*/y;
  let at = 0;
  while (at < text.length) {
    const c = text[at];
    if (c === '"') {
      string.lastIndex = at;
      const quoted = string.exec(text)![0];
      at += quoted.length;
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
