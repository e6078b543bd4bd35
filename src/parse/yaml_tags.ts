/**
 * YAML tags weft does not read. A workflow is data of YAML 1.2's core schema (strings,
 * numbers, booleans, null, lists, maps: YAML 1.2.2 §10.3), and only those tags mean
 * something here (`!!str 12` is the text "12"). Any other tag changed what a value is
 * without a word: an unknown one (`!custom echo hi`, a tag of another tool) was dropped
 * and the value read as plain text, and YAML 1.1's types (`!!binary`, `!!timestamp`,
 * `!!set`, `!!omap`) made bytes, a date, a set or a map that no field takes. Each is
 * refused at its value, naming the tag.
 * @module
 */
import { type Document, isNode, visit } from "yaml";
import type { Problem } from "../model/errors.ts";
import type { SourceMap } from "./source_map.ts";

/** The core schema's tags, and `!` (non-specific: the value as written, a string). */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ["str", "int", "float", "bool", "null", "seq", "map"].map((t) => `tag:yaml.org,2002:${t}`)
    .concat("!"),
);

/** A tag as the file wrote it: `!!binary` for YAML's own, else as given. */
function written(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
}

/**
 * Where the tag written before the value at `offset` of `text` starts: back over the
 * blanks, then over the tag's characters (a tag holds no blank).
 */
function tagStart(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && /\s/.test(text[at - 1])) at--;
  while (at > 0 && !/\s/.test(text[at - 1])) at--;
  return text[at] === "!" ? at : offset;
}

/** A problem at each tag (`text`'s) that is not one of the core schema's. */
export function yamlTagProblems(
  doc: Document,
  text: string,
  map: SourceMap,
  file: string,
): Problem[] {
  const problems: Problem[] = [];
  visit(doc, (_, node) => {
    if (!isNode(node) || node.tag === undefined || CORE_TAGS.has(node.tag)) return;
    const tag = written(node.tag);
    problems.push({
      file,
      ...map.position(tagStart(text, node.range?.[0] ?? 0)),
      message: `the YAML tag ${tag} is not one weft reads: a workflow's values are text, ` +
        "numbers, booleans, null, lists and maps",
      hint: tag.startsWith("!!")
        ? `remove ${tag} and write the value as text (quoted if need be)`
        : `remove ${tag} (a tag of another tool?); write the value as it should be used`,
    });
  });
  return problems;
}
