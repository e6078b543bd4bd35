/**
 * YAML merge keys (`<<: *base`), which syntax.ts enables: yaml's toJS throws for a merge
 * of something that is not a mapping, with no position; this finds the place.
 * @module
 */
import { type Document, isAlias, isMap, isSeq, type Node, visit } from "yaml";
import type { Problem } from "../model/errors.ts";
import { isMergeKey, type SourceMap } from "./source_map.ts";

/** The first `<<` merge key whose value is not a mapping (or a list of them), if any. */
export function badMergeSource(doc: Document, map: SourceMap, file: string): Problem | undefined {
  let found: Problem | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (!isMergeKey(pair.key)) return;
      const value = pair.value as Node | null;
      const sources = isSeq(value) ? value.items : [value];
      const bad = sources.find((s) => !isMap(isAlias(s) ? s.resolve(doc) : s)) as Node | null;
      if (bad === undefined) return;
      found = {
        file,
        ...map.position(bad?.range?.[0] ?? (pair.key as Node).range?.[0] ?? 0),
        message:
          "invalid YAML: a merge key `<<` takes a mapping, an alias of one, or a list of them",
        hint: "merge an anchored mapping (`<<: *common` where `x-common: &common` holds keys), " +
          "or write `<<` in quotes for a key of that name",
      };
      return visit.BREAK;
    },
  });
  return found;
}
