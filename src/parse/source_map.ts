/**
 * Positions in a parsed YAML/JSON document: from a data path (as zod reports it) to
 * the line and column where that value, its key, or its parent is written.
 * @module
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  Scalar,
  type YAMLMap,
} from "yaml";
import { lineStarts, positionIn } from "./lines.ts";
import { scalarSourceOffset, type ScalarStyle } from "./scalar_offsets.ts";

/** One step of a data path: an object key or a list index. */
export type PathSegment = string | number;

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

interface Found {
  /** The node at the path, or the deepest ancestor that exists. */
  node: Node | null;
  /** The key node of the last segment when it was found in a mapping. */
  key: Node | null;
  /** Whether every segment was found. */
  complete: boolean;
  /** The closest node that exists (the parent when the last segment is missing). */
  parent: Node | null;
}

/**
 * Maps data paths to source positions. The YAML document is built only when a
 * position is first asked for: a valid JSON file never pays for YAML parsing.
 */
export class SourceMap {
  #doc?: Document;
  #lineStarts?: number[];

  /** `load` yields the document of `text` (parsed with `version: "1.2"`). */
  constructor(private readonly text: string, private readonly load: () => Document) {}

  private get doc(): Document {
    return this.#doc ??= this.load();
  }

  /** The position of a character offset in the source (columns count UTF-16 units). */
  position(offset: number): Position {
    return positionIn(this.text, offset, this.#lineStarts ??= lineStarts(this.text));
  }

  /** Where the value at `path` is written; the closest written ancestor when it is not. */
  value(path: readonly PathSegment[]): Position {
    const found = this.find(path);
    return this.start(found.node ?? found.key ?? found.parent);
  }

  /**
   * Where the value at `path` is brought in: the first alias on the way (`*base`, or the
   * one of a `<<: *base` merge that gave the key), else where it is written (`value`). A
   * value of an anchor used twice is written once: this tells its two uses apart.
   */
  used(path: readonly PathSegment[]): Position {
    let node = this.doc.contents as Node | null;
    for (const segment of path) {
      if (isAlias(node)) return this.start(node);
      let next: Node | null | undefined;
      if (isMap(node)) {
        const match = (p: Pair) => keyText(p.key) === String(segment);
        const own = node.items.find((p) => !isMergeKey(p.key) && match(p));
        if (!own) {
          const merge = node.items.find((p) => isMergeKey(p.key));
          if (merge && mergedPairs(node, this.doc).some(match)) {
            return this.start(merge.value as Node | null);
          }
        }
        next = own?.value as Node | null | undefined;
      } else if (isSeq(node) && typeof segment === "number") {
        next = node.items[segment] as Node | undefined;
      }
      if (!next) break;
      node = next;
    }
    return isAlias(node) ? this.start(node) : this.value(path);
  }

  /** Where the key of the last segment is written (for unknown keys); else like `value`. */
  key(path: readonly PathSegment[]): Position {
    const found = this.find(path);
    return this.start(found.complete && found.key ? found.key : found.node ?? found.parent);
  }

  /** Where the object at `path` starts (for keys missing from it). */
  container(path: readonly PathSegment[]): Position {
    return this.value(path);
  }

  /**
   * The comment written right after the key at `path` where its value would be
   * (`channel: #deployments`: YAML reads ` #` as a comment and the value as null), or
   * undefined when the key's line goes on otherwise.
   */
  commentAfterKey(path: readonly PathSegment[]): string | undefined {
    const found = this.find(path);
    const end = found.complete ? found.key?.range?.[1] : undefined;
    if (end === undefined) return undefined;
    const rest = /^[ \t]*:[ \t]+(#[^\r\n]*)/.exec(this.text.slice(end, end + 1024));
    return rest?.[1].trimEnd();
  }

  /**
   * Whether the value at `path` is written in quotes (a JSON string always is); false for
   * a plain, block or missing value.
   */
  quoted(path: readonly PathSegment[]): boolean {
    const found = this.find(path);
    const node = found.complete ? this.resolve(found.node) : null;
    return isScalar(node) &&
      (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE);
  }

  /** Whether a value is written at `path`. */
  has(path: readonly PathSegment[]): boolean {
    return this.find(path).complete;
  }

  /**
   * The position of UTF-16 unit `offset` of the string at `path`, in any style it is
   * written in (plain, quoted with escapes, multi-line, `|` or `>` block; a JSON string
   * is a double-quoted one). Where the value starts when the source cannot be matched.
   */
  inString(path: readonly PathSegment[], offset: number): Position {
    return this.inText(path, offset, false);
  }

  /** {@link inString} for the key that ends `path` (written in any style, as a value is). */
  inKey(path: readonly PathSegment[], offset: number): Position {
    return this.inText(path, offset, true);
  }

  private inText(path: readonly PathSegment[], offset: number, inKey: boolean): Position {
    const found = this.find(path);
    const node = found.complete ? inKey ? found.key : this.resolve(found.node) : null;
    const whole = () => inKey ? this.key(path) : this.value(path);
    if (!isScalar(node) || !node.range || typeof node.value !== "string") return whole();
    const at = scalarSourceOffset(
      this.text,
      node.range[0],
      (node.type ?? Scalar.PLAIN) as ScalarStyle,
      node.value,
      offset,
    );
    return at === undefined ? whole() : this.position(at);
  }

  private start(node: Node | null): Position {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, column: 1 } : this.position(offset);
  }

  private find(path: readonly PathSegment[]): Found {
    // Aliases are followed to look inside them; a path that ends at one points at the alias.
    let node = this.doc.contents as Node | null;
    let key: Node | null = null;
    let parent: Node | null = node;
    for (const segment of path) {
      node = this.resolve(node);
      parent = node;
      let next: Node | null | undefined;
      key = null;
      if (isMap(node)) {
        const pair = mergedPairs(node, this.doc).find((p) => keyText(p.key) === String(segment));
        if (pair) {
          key = pair.key as Node;
          next = (pair.value as Node | null) ?? null;
          // A key written without a value (`then:`) is found; point at the key.
          if (next === null || !next.range) {
            return { node: key, key, complete: true, parent };
          }
        }
      } else if (isSeq(node) && typeof segment === "number") {
        next = node.items[segment] as Node | undefined;
      }
      if (!next) return { node: null, key: null, complete: false, parent };
      node = next;
    }
    return { node, key, complete: true, parent };
  }

  private resolve(node: Node | null): Node | null {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? node;
    return node;
  }
}

/** Whether `key` is a YAML merge key (`<<`, which syntax.ts enables). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol" && key.value.description === "<<";
}

/**
 * The pairs of mapping `node` as its data has them: its own pairs (merge keys left out),
 * then those its `<<` merge keys bring (an alias or a list of them) that no earlier pair
 * has, as yaml's toJS merges them. A merged pair is found where its anchor writes it.
 */
export function mergedPairs(node: YAMLMap, doc: Document): Pair[] {
  if (!node.items.some((p) => isMergeKey(p.key))) return node.items;
  const own = node.items.filter((p) => !isMergeKey(p.key));
  const seen = new Set(own.map((p) => keyText(p.key)));
  const pairs = [...own];
  for (const merge of node.items.filter((p) => isMergeKey(p.key))) {
    const value = merge.value;
    const sources = isSeq(value) ? value.items : [value];
    for (const source of sources) {
      const map = isAlias(source) ? source.resolve(doc) : source;
      if (!isMap(map)) continue;
      for (const pair of mergedPairs(map, doc)) {
        const name = keyText(pair.key);
        if (seen.has(name)) continue;
        seen.add(name);
        pairs.push(pair);
      }
    }
  }
  return pairs;
}

/** A mapping key as text (keys are scalars in workflow files; a merge key is `<<`). */
export function keyText(key: unknown): string | undefined {
  if (isMergeKey(key)) return "<<";
  if (isScalar(key)) return String(key.value);
  if (typeof key === "string" || typeof key === "number") return String(key);
  return undefined;
}
