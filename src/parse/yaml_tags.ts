/**
 * YAML tags weft does not read. A workflow is data of YAML 1.2's core schema (strings,
 * numbers, booleans, null, lists, maps: YAML 1.2.2 §10.3), and only those tags mean
 * something here (`!!str 12` is the text "12"). Any other tag changed what a value is
 * without a word: an unknown one (`!custom echo hi`, a tag of another tool) was dropped
 * and the value read as plain text, and YAML 1.1's types (`!!binary`, `!!timestamp`,
 * `!!set`, `!!omap`) made bytes, a date, a set or a map that no field takes. Each is
 * refused at its value, naming the tag.
 *
 * In a field that holds code (a condition, a shell command, a script, a query) no tag is
 * read at all: there a leading `!` is what the user wrote as the code's own "not"
 * (`condition: ! ${params.dry_run}`, `command: ! grep -q error log`), and YAML takes it
 * (with the blank after it) as the non-specific tag and drops it, so the code ran
 * un-negated. GitHub Actions documents the same trap for `if:`. An anchor no alias uses
 * on code (`command: &>/dev/null echo hi`) is dropped the same way, and refused the same way.
 * @module
 */
import { type Document, isNode, isPair, isScalar, isSeq, type Node, Scalar, visit } from "yaml";
import type { Problem } from "../model/errors.ts";
import { keyText, type PathSegment, type SourceMap } from "./source_map.ts";
import { ONE_STEP_FIELDS } from "./raw.ts";
import { quotedForYaml } from "./yaml_hints.ts";

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

/** The fields of a step that hold code, by their path inside the step. */
const STEP_CODE_FIELDS = [
  "condition",
  "command",
  "script",
  "code",
  "config.query",
  "config.command",
];

/**
 * The code field at `path` (`tasks.0.condition`), or undefined when the path is no such
 * field: a step's condition, command, script, inline code, query or docker command, at
 * any depth of composites, an alert rule's condition, and a file_change trigger's
 * `config.files` patterns (where a leading `!` excludes).
 */
export function codeFieldAt(path: readonly PathSegment[]): string | undefined {
  if (path.length === 3 && path[0] === "alerts" && typeof path[1] === "number") {
    return path[2] === "condition" ? "condition" : undefined;
  }
  // A file_change pattern: `- ! src/gen/**` meant an exclusion, which YAML reads as a tag.
  if (
    path[0] === "triggers" && typeof path[1] === "number" && path[2] === "config" &&
    path[3] === "files" && (path.length === 4 || (path.length === 5 && typeof path[4] === "number"))
  ) return "config.files";
  if (path[0] !== "tasks" || typeof path[1] !== "number") return undefined;
  let at = 2;
  for (;;) {
    if (ONE_STEP_FIELDS.includes(String(path[at]))) at += 1;
    else if (path[at] === "tasks" && typeof path[at + 1] === "number") at += 2;
    else break;
  }
  const field = path.slice(at).join(".");
  return STEP_CODE_FIELDS.includes(field) ? field : undefined;
}

/** Text on one line, cut at 80 characters: for a message. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** The key path of a node from the ancestors `visit` hands over. */
function pathOf(ancestors: readonly unknown[], node: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const here = ancestors[i];
    const next = ancestors[i + 1] ?? node;
    if (isPair(here)) path.push(keyText(here.key) ?? "?");
    else if (isSeq(here)) path.push(here.items.indexOf(next as never));
  }
  return path;
}

/** A problem at each tag (`text`'s) that is not one of the core schema's, or is on code. */
export function yamlTagProblems(
  doc: Document,
  text: string,
  map: SourceMap,
  file: string,
): Problem[] {
  const problems: Problem[] = [];
  // Anchors some alias uses: on code, one of these names a command to share, on purpose.
  const used = new Set<string>();
  visit(doc, { Alias: (_, alias) => void used.add(alias.source) });
  visit(doc, (_, node, ancestors) => {
    if (!isNode(node)) return;
    if (node.anchor !== undefined && !used.has(node.anchor)) {
      const trouble = anchorOnCode(node, pathOf(ancestors, node), text);
      if (trouble) problems.push({ file, ...map.position(trouble.at), ...trouble.problem });
    }
    if (node.tag === undefined) return;
    const tag = written(node.tag);
    const start = tagStart(text, node.range?.[0] ?? 0);
    if (!CORE_TAGS.has(node.tag)) {
      problems.push({
        file,
        ...map.position(start),
        message: `the YAML tag ${tag} is not one weft reads: a workflow's values are text, ` +
          "numbers, booleans, null, lists and maps",
        hint: tag.startsWith("!!")
          ? `remove ${tag} and write the value as text (quoted if need be)`
          : `remove ${tag} (a tag of another tool?); write the value as it should be used`,
      });
      return;
    }
    const field = codeFieldAt(pathOf(ancestors, node));
    if (field === undefined) return;
    const key = field.split(".").pop()!;
    const plain = isScalar(node) && node.type === Scalar.PLAIN && node.range !== undefined;
    const value = node.range ? oneLine(text.slice(node.range[0], node.range[1])) : "";
    problems.push({
      file,
      ...map.position(start),
      message: `\`${tag}\` at the start of \`${field}\` is a YAML tag, not part of the ` +
        `${
          key === "condition" ? "expression" : key === "files" ? "pattern" : "code"
        }: YAML drops it and reads \`${value}\``,
      hint: key === "files"
        ? `to exclude, quote the pattern with the ! joined to it: "!${value.trim()}"`
        : plain
        ? `quote the whole value to keep the ${tag}: ${key}: ` +
          quotedForYaml(text.slice(start, node.range![1]).replace(/\s+/g, " ").trim()) +
          (key === "condition" && tag === "!" ? " (or write !(…) inside the quotes)" : "")
        : `remove ${tag}, or move a \`!\` meant as "not" inside the quotes`,
    });
  });
  return problems;
}

/**
 * An anchor no alias uses, on a code field: `command: &>/dev/null echo hi` (bash's "both
 * streams to") is read by YAML as the anchor `&>/dev/null` on the value `echo hi`, and
 * dropped, so the code would run without it. Refused at the `&` with the value quoted.
 * An anchor an alias uses is YAML on purpose (one command shared) and stays.
 */
function anchorOnCode(
  node: Node,
  path: PathSegment[],
  text: string,
): { at: number; problem: { message: string; hint: string } } | undefined {
  const field = codeFieldAt(path);
  if (field === undefined || field === "config.files" || !node.range) return undefined;
  const at = text.lastIndexOf(`&${node.anchor}`, node.range[0]);
  if (at < 0) return undefined;
  const key = field.split(".").pop()!;
  const value = oneLine(text.slice(node.range[0], node.range[1]));
  const plain = isScalar(node) && node.type === Scalar.PLAIN;
  return {
    at,
    problem: {
      message: `\`&${node.anchor}\` at the start of \`${field}\` is a YAML anchor, not part of ` +
        `the ${key === "condition" ? "expression" : "code"}: YAML drops it and reads \`${value}\``,
      hint: plain
        ? `quote the whole value to keep it: ${key}: ` +
          quotedForYaml(text.slice(at, node.range[1]).replace(/\s+/g, " ").trim())
        : `remove &${node.anchor}, or move it inside the quotes`,
    },
  };
}
