/**
 * YAML's keys and aliases where yaml's toJS gives no place or a wrong value: a key that
 * is a list, a map or an alias (toJS turns it into its text, `"[ a, b ]"` or `"*x"`, and
 * prints a Node warning addressed to a developer), an alias with no anchor before it, and
 * aliases expanding past toJS's limit (thrown with no position). Each is placed here.
 * @module
 */
import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isNode,
  isPair,
  isSeq,
  type Node,
  visit,
} from "yaml";
import type { Problem } from "../model/errors.ts";
import type { SourceMap } from "./source_map.ts";

/** A problem at each mapping key written as a list, a map or an alias. */
export function oddKeyProblems(doc: Document, map: SourceMap, file: string): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isNode(key) || !(isCollection(key) || isAlias(key))) return;
      problems.push({
        file,
        ...map.position(key.range?.[0] ?? 0),
        message: isAlias(key)
          ? `a key may not be an alias (*${key.source})`
          : `a key must be text, not a ${isSeq(key) ? "list" : "map"}`,
        hint: "write the key as text (in quotes if it holds [ ] { } or *)",
      });
    },
  });
  return problems;
}

/**
 * The problem of a toJS that threw on an alias "bomb": the alias whose expansion repeats
 * the most values, if any. (An alias with no anchor is yaml_hints.ts's unresolvedAlias.)
 */
export function aliasProblem(doc: Document, map: SourceMap, file: string): Problem | undefined {
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_, node) => void aliases.push(node) });
  const counted = new Map<Node, number>();
  let worst: { alias: Alias; count: number } | undefined;
  try {
    for (const alias of aliases) {
      const count = expansions(alias, doc, counted, new Set());
      if (!worst || count > worst.count) worst = { alias, count };
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e; // anchors chained past the stack: place unknown
  }
  if (!worst) return undefined;
  return {
    file,
    ...map.position(worst.alias.range?.[0] ?? 0),
    message: `invalid YAML: aliases expand to too many values (*${worst.alias.source} here ` +
      `expands ${
        worst.count > 1e9 ? "over a billion" : worst.count.toLocaleString("en-US")
      } aliases)`,
    hint: "aliases of aliases multiply: anchor less, or write the values out",
  };
}

/** How many aliases expanding `node` takes, itself included; an alias inside its own anchor counts once. */
function expansions(
  node: unknown,
  doc: Document,
  counted: Map<Node, number>,
  open: Set<Node>,
): number {
  if (isAlias(node)) {
    const source = node.resolve(doc) as Node | undefined;
    if (!source || open.has(source)) return 1;
    let inner = counted.get(source);
    if (inner === undefined) {
      open.add(source);
      inner = expansions(source, doc, counted, open);
      open.delete(source);
      counted.set(source, inner);
    }
    return 1 + inner;
  }
  if (!isCollection(node)) return 0;
  let sum = 0;
  for (const item of node.items) {
    if (isNode(item)) sum += expansions(item, doc, counted, open);
    else if (isPair(item)) {
      sum += expansions(item.key, doc, counted, open) + expansions(item.value, doc, counted, open);
    }
  }
  return sum;
}
