/**
 * Bounding how deeply lists and objects nest. Parsers, checks and the engine walk
 * data recursively; a limit checked first, without recursion, turns a hostile file
 * (100,000 nested `[`) into one positioned problem instead of a stack overflow.
 * @module
 */
import type { CST } from "yaml";
import type { PathSegment } from "./source_map.ts";
import { jsonTooDeep, MAX_NESTING_DEPTH } from "../model/json_depth.ts";

// The bound is the model's, shared with the engine's JSON (loop items: expr/value.ts).
export { jsonTooDeep, MAX_NESTING_DEPTH };

/** The message for data nested deeper than {@link MAX_NESTING_DEPTH}. */
export const TOO_DEEP = {
  message: `nested too deeply: more than ${MAX_NESTING_DEPTH} levels of lists and objects`,
  hint: `a workflow may nest lists and objects at most ${MAX_NESTING_DEPTH} levels deep`,
};

/**
 * The offset of the first collection in YAML parser tokens (yaml's CST, built without
 * recursion) that lies deeper than {@link MAX_NESTING_DEPTH}, or undefined.
 */
export function yamlTooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token; depth: number }[] = [];
  for (const token of tokens) {
    if (token.type === "document" && token.value) stack.push({ token: token.value, depth: 1 });
  }
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (
      token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection"
    ) {
      continue;
    }
    if (depth > MAX_NESTING_DEPTH) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/** What makes parsed data unsafe to walk, and the path where it shows. */
export interface DataTrouble {
  kind: "too-deep" | "cycle" | "not-data";
  path: PathSegment[];
}

/**
 * Finds data nested deeper than {@link MAX_NESTING_DEPTH}, that contains itself, or that
 * holds a value JSON has no word for (a Date, bytes, a Map or Set: what YAML 1.1's types
 * would give; syntax.ts forces the core schema and refuses their tags, so this is the
 * last guard that such a value never reaches a field as `{}`).
 * Both can only come from YAML aliases (the text itself was checked): an alias repeats
 * a shallow piece deeper down, or sits inside its own anchor. Shared values are measured
 * once (post-order, without recursion), so an alias bomb costs no more than its text.
 */
export function dataTrouble(data: unknown): DataTrouble | undefined {
  const height = new Map<object, number>(); // finished: levels from here down, itself included
  const open = new Set<object>(); // entered and not finished: the current path
  interface Entry {
    value: object;
    parent?: Entry;
    key?: PathSegment;
    entered: boolean;
  }
  const pathOf = (entry: Entry, key: PathSegment): PathSegment[] => {
    const path = [key];
    for (let e: Entry | undefined = entry; e?.key !== undefined; e = e.parent) path.push(e.key);
    return path.reverse();
  };
  if (isContainer(data) && !isPlain(data)) return { kind: "not-data", path: [] };
  const stack: Entry[] = isContainer(data) ? [{ value: data, entered: false }] : [];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.entered || height.has(top.value)) {
      stack.pop();
      if (!top.entered) continue; // the same value was pushed twice and is measured
      open.delete(top.value);
      let most = 0;
      for (const [, child] of children(top.value)) {
        if (isContainer(child)) most = Math.max(most, height.get(child) ?? 0);
      }
      height.set(top.value, most + 1);
      continue;
    }
    top.entered = true;
    open.add(top.value);
    for (const [key, child] of children(top.value)) {
      if (!isContainer(child) || height.has(child)) continue;
      if (!isPlain(child)) return { kind: "not-data", path: pathOf(top, key) };
      if (open.has(child)) return { kind: "cycle", path: pathOf(top, key) };
      stack.push({ value: child, parent: top, key, entered: false });
    }
  }
  if (!isContainer(data) || (height.get(data) ?? 0) <= MAX_NESTING_DEPTH) return undefined;
  // Follow the tallest child down to the first level past the limit.
  const path: PathSegment[] = [];
  let value: object = data;
  for (let depth = 1; depth <= MAX_NESTING_DEPTH; depth++) {
    let next: [PathSegment, object] | undefined;
    for (const [key, child] of children(value)) {
      if (isContainer(child) && (!next || height.get(child)! > height.get(next[1])!)) {
        next = [key, child];
      }
    }
    if (!next) break;
    path.push(next[0]);
    value = next[1];
  }
  return { kind: "too-deep", path };
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** A list or an object of JSON's kind (what toJS gives for YAML's seq and map). */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

function children(value: object): Iterable<[PathSegment, unknown]> {
  return Array.isArray(value) ? value.entries() : Object.entries(value);
}

/**
 * `data` (from YAML's toJS, which gives every use of an anchored collection the same
 * object) with each collection used a second time replaced by a copy of its own, in
 * place: the rest of parsing changes values by path (an environment's `1.10` becomes
 * text, an http `data` number its written token), and through a shared object a change
 * at the anchor would reach the alias too (an anchor defined in `environment` and used in
 * `data` would send text). Call only on data dataTrouble accepted (no cycle, not too
 * deep); toJS's alias limit bounds the copies. Returns `data`.
 */
export function unshareAliases(data: unknown): unknown {
  const seen = new Set<object>();
  const stack: object[] = isContainer(data) ? [data] : [];
  while (stack.length > 0) {
    const value = stack.pop()!;
    for (const [key, child] of children(value)) {
      if (!isContainer(child)) continue;
      let own = child;
      if (seen.has(child)) {
        own = structuredClone(child);
        // defineProperty: a `__proto__` key (refused later) stays a key, not a prototype.
        Object.defineProperty(value, key, {
          value: own,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      seen.add(own);
      stack.push(own);
    }
  }
  return data;
}
