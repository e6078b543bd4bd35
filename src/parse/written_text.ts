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
import { keyText, mergedPairs, type PathSegment } from "./source_map.ts";
import type { WrittenScalar } from "./written_keep.ts";

export { jsonWrittenScalars, keepWrittenText, type WrittenScalar } from "./written_keep.ts";

/**
 * Every plain scalar of `doc` whose value is a number or boolean (`10`, `3.10`, `0012`,
 * `1e3`, `0x1F`, `.5`, `+1`, `true`, `True`), with its text as written. Walks the
 * document without recursion; an alias counts at its own place with its anchor's text, a
 * scalar inside an aliased collection at each place the collection is used (`again: *b`
 * sends `b`'s numbers as written too). Call only on a document whose toJS passed: its
 * alias limit bounds what the aliases expand to, and it refused aliases in a cycle.
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
    }
    if (isMap(node)) {
      for (const pair of mergedPairs(node, doc)) {
        const key = keyText(pair.key);
        if (key !== undefined) stack.push({ node: pair.value, parent: entry, key });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, parent: entry, key: i }));
    } else if (isScalar(node) && node.type === Scalar.PLAIN && node.range) {
      const value = node.value;
      if (typeof value !== "number" && typeof value !== "boolean") continue;
      // Every spelling, `10` and `true` too: a text field (`file`, a name) takes the
      // text of any unquoted number or boolean, not only of those String() re-spells.
      const written = text.slice(node.range[0], node.range[1]);
      const path: PathSegment[] = [];
      for (let e: Entry | undefined = entry; e?.key !== undefined; e = e.parent) path.push(e.key);
      found.push({ path: path.reverse(), text: written, offset: node.range[0] });
    }
  }
  return found;
}
