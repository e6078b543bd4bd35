/**
 * Turning text into data: YAML 1.2 (which reads JSON too) with positions kept, strict
 * JSON for `.json` files, duplicate keys as errors.
 * @module
 */
import {
  Composer,
  type CST,
  type Document,
  isMap,
  isPair,
  isScalar,
  type Node,
  Parser,
  Scalar,
  visit,
  YAMLParseError,
} from "yaml";
import type { Problem } from "../model/errors.ts";
import type { SourceFormat } from "./read.ts";
import { findDuplicateJsonKeys, findJsonError } from "./json_error.ts";
import { dataTrouble, jsonTooDeep, TOO_DEEP, unshareAliases, yamlTooDeep } from "./nesting.ts";
import { lfBreaks } from "./lines.ts";
import { yamlTagProblems } from "./yaml_tags.ts";
import { yamlVersionProblems } from "./yaml_version.ts";
import { tagTrouble, unresolvedAlias, valueStartTrouble, yamlHint } from "./yaml_hints.ts";
import { keyText, SourceMap } from "./source_map.ts";
import { badMergeSource } from "./yaml_merge.ts";
import { aliasProblem, oddKeyProblems } from "./yaml_aliases.ts";
import { jsonWrittenScalars, type WrittenScalar, writtenScalars } from "./written_text.ts";

/** Parsed data and the map back to its source, or the syntax problems that stopped it. */
export interface ParsedSource {
  /** The data, when the text parsed. */
  data?: unknown;
  /** Positions of the data, when the text parsed. */
  map?: SourceMap;
  /** Syntax problems and duplicate keys. Data may still be present with duplicate keys. */
  problems: Problem[];
  /** Unquoted numbers (and, in YAML, booleans) not spelled as `String()` would. */
  written?: WrittenScalar[];
}

/**
 * Parses `text` as `format`, reporting every syntax problem with its position. A lone
 * `\r` is a line break (see {@link lfBreaks}); made a `\n` first, offsets unchanged.
 */
export function parseSource(text: string, format: SourceFormat, file: string): ParsedSource {
  const lines = lfBreaks(text);
  return format === "json" ? parseJson(lines, file) : parseYaml(lines, file);
}

/**
 * YAML 1.2, plus the merge key of YAML 1.1 (`<<: *base`, https://yaml.org/type/merge.html),
 * which docker compose and GitLab CI files use with anchors: keys written in the mapping win
 * over merged ones, earlier merged mappings over later ones (source_map.ts mergedPairs).
 */
const YAML_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: false,
  version: "1.2",
  // A `%YAML 1.1` directive would switch the file to the yaml-1.1 schema (booleans `yes`,
  // dates): the core schema always, and yaml_version.ts refuses the directive.
  schema: "core",
  merge: true,
} as const;

/**
 * yaml's parser tokens of `text`, and the offset of a collection nested too deeply to
 * compose, if any: the tokenizer works without recursion, the composer does not.
 */
function yamlTokens(text: string): { tokens: CST.Token[]; tooDeep?: number } {
  const tokens = Array.from(new Parser().parse(text));
  return { tokens, tooDeep: yamlTooDeep(tokens) };
}

/** Composes tokens as `parseDocument` does: one document, later ones are an error. */
function composeDocument(text: string, tokens: CST.Token[]): Document {
  // Duplicate keys are found separately, with both positions.
  const composer = new Composer(YAML_OPTIONS);
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          "MULTIPLE_DOCS",
          "Source contains multiple documents",
        ),
      );
      break;
    }
  }
  return doc!;
}

/** The YAML document of text already known to nest within the limit. */
function yamlDocument(text: string): Document {
  return composeDocument(text, yamlTokens(text).tokens);
}

function tooDeep(file: string, map: SourceMap, offset: number): Problem {
  return { file, ...map.position(offset), ...TOO_DEEP };
}

/**
 * JSON: `JSON.parse` for the data (fast, and strict), a scan for duplicate keys, and
 * positions from the YAML parser only if a problem needs one.
 */
function parseJson(text: string, file: string): ParsedSource {
  const map = new SourceMap(text, () => yamlDocument(text));
  const deep = jsonTooDeep(text);
  if (deep !== undefined) return { problems: [tooDeep(file, map, deep)] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problems: [jsonSyntaxProblem(text, e as Error, file, map)] };
  }
  const problems: Problem[] = findDuplicateJsonKeys(text).map((d) => ({
    file,
    ...map.position(d.offset),
    message: `duplicate key "${d.key}"`,
    hint: `"${d.key}" is already set at line ${
      map.position(d.firstOffset).line
    }; a key may appear once per object`,
  }));
  if (data === null) problems.push(noData(file));
  return data === null ? { problems } : { data, map, problems, written: jsonWrittenScalars(text) };
}

/** Text that may hold a YAML anchor: `&` after a blank or a flow indicator, then a name. */
const MAY_ANCHOR = /(?:^|[\s[{,:])&[^\s&]/m;

function parseYaml(text: string, file: string): ParsedSource {
  const { tokens, tooDeep: deep } = yamlTokens(text);
  // Too deep to compose: the problem needs only the text's line starts.
  const doc = composeDocument(text, deep === undefined ? tokens : []);
  const map = new SourceMap(text, () => doc);
  if (deep !== undefined) return { problems: [tooDeep(file, map, deep)] };
  if (doc.errors.length > 0) return { problems: yamlErrors(doc, map, file, text) };
  keepWrittenKeys(doc, text);
  const problems = [...yamlVersionProblems(tokens, map, file), ...duplicateKeys(doc, map, file)];
  // A tag needs a `!`, an anchor a `&`: most files have neither, and no walk for them.
  if (text.includes("!") || MAY_ANCHOR.test(text)) {
    const tags = yamlTagProblems(doc, text, map, file);
    if (tags.length > 0) return { problems: [...problems, ...tags] };
  }
  // A list, map or alias as a key: toJS would make it text and print a Node warning.
  const keys = oddKeyProblems(doc, map, file);
  if (keys.length > 0) return { problems: [...problems, ...keys] };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Unresolved or excessive aliases are reported by toJS.
    problems.push(
      badMergeSource(doc, map, file) ?? unresolvedAlias(doc, text, map, file) ??
        aliasProblem(doc, map, file) ??
        { file, line: 1, column: 1, message: `invalid YAML: ${(e as Error).message}` },
    );
    return { problems };
  }
  if (data === null || data === undefined) {
    problems.push(noData(file));
    return { problems };
  }
  const trouble = dataTrouble(data);
  if (trouble) {
    problems.push({
      file,
      ...map.value(trouble.path),
      ...(trouble.kind === "cycle"
        ? {
          message: "an alias refers to the value that contains it",
          hint: "a value cannot include itself; use an anchor defined outside it",
        }
        : trouble.kind === "not-data"
        ? {
          message: "YAML read this value as something no field takes (a date, bytes, a set)",
          hint: "quote it to keep it as the text written",
        }
        : { ...TOO_DEEP, hint: `${TOO_DEEP.hint}; an alias here puts one deep value in another` }),
    });
    return { problems };
  }
  // Anchors (`&name`) are what make toJS share an object: without one there is nothing to
  // copy. A shortcut only (a command's `&&` is no anchor): a false match costs a walk.
  if (MAY_ANCHOR.test(text)) unshareAliases(data);
  return { data, map, problems, written: writtenScalars(doc, text) };
}

function noData(file: string): Problem {
  return {
    file,
    line: 1,
    column: 1,
    message: "the file holds no data (only comments?)",
    hint: "a workflow needs at least `name` and `tasks`",
  };
}

/** Where and why strict JSON failed: our scanner's words, else JSON.parse's. */
function jsonSyntaxProblem(text: string, error: Error, file: string, map: SourceMap): Problem {
  const found = findJsonError(text);
  const at = /at position (\d+)/.exec(error.message);
  const offset = found?.offset ?? (at ? Number(at[1]) : 0);
  const reason = found?.message ??
    lowerFirst(error.message.replace(/\s*(in JSON )?at position \d+.*$/s, ""));
  return {
    file,
    ...map.position(offset),
    message: `invalid JSON: ${reason}`,
    hint: "JSON allows no trailing commas, comments or single quotes (a .yml file may use YAML)",
  };
}

function yamlErrors(doc: Document, map: SourceMap, file: string, text: string): Problem[] {
  const problems: Problem[] = [];
  const lines = new Set<number>();
  for (const error of doc.errors) {
    const at = error.pos[0];
    const position = map.position(at);
    // `{URL: ${env.BASE}/x}`: inside a flow collection `{` opens a mapping, so an unquoted
    // `${` breaks it (elsewhere `${` is plain text and never an error), and what follows
    // fails only because of it: that is the one problem.
    const dollar = text.lastIndexOf("${", at);
    // `!${params.p}` / `!(${...})`: no flow collection, but a tag (`!` up to the first
    // `{`, which then opens a mapping): the `!` was meant as "not".
    const tag = dollar >= 0 && dollar >= at - 1 ? taggedAt(text, dollar) : undefined;
    const tagged = tag === undefined ? undefined : tagTrouble(text, tag);
    if (tagged !== undefined) {
      problems.push({ file, ...map.position(tag!), ...tagged });
      break;
    }
    if (dollar >= 0 && dollar >= at - 1) {
      const end = text.indexOf("}", dollar);
      const written = text.slice(dollar, end < 0 ? dollar + 2 : end + 1);
      problems.push({
        file,
        ...map.position(dollar),
        message: `invalid YAML: an unquoted ${written} inside a flow collection ({…} or […])`,
        hint: 'inside { } or [ ], `{` starts a mapping: quote the value ("' + written +
          '…"), or write the collection as indented lines',
      });
      break;
    }
    // One parse error tends to cause more on the same line; the first says it best.
    if (lines.has(position.line)) continue;
    lines.add(position.line);
    const trouble = valueStartTrouble(error, text, at);
    problems.push(
      trouble
        ? { file, ...map.position(trouble.at ?? at), message: trouble.message, hint: trouble.hint }
        : {
          file,
          ...position,
          message: `invalid YAML: ${lowerFirst(error.message.replace(/; please use .*$/, ""))}`,
          hint: yamlHint(error.code, error.message),
        },
    );
  }
  return problems;
}

/** Where the run of non-blank text holding `offset` starts, when it starts with `!`. */
function taggedAt(text: string, offset: number): number | undefined {
  let at = offset;
  while (at > 0 && !/\s/.test(text[at - 1])) at--;
  return text[at] === "!" ? at : undefined;
}

function duplicateKeys(doc: Document, map: SourceMap, file: string): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Map(_, node) {
      if (!isMap(node)) return;
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const name = keyText(pair.key);
        if (name === undefined) continue;
        const first = seen.get(name);
        const keyNode = pair.key as Node;
        if (!first) {
          seen.set(name, keyNode);
          continue;
        }
        const firstAt = map.position(first.range?.[0] ?? 0);
        problems.push({
          file,
          ...map.position(keyNode.range?.[0] ?? 0),
          message: `duplicate key "${name}"`,
          hint:
            `"${name}" is already set at line ${firstAt.line}; a key may appear once per object`,
        });
      }
    },
  });
  return problems;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Every unquoted key YAML reads as other than text (`3.10:` the number 3.1, `010:` 10,
 * `0x1F:` 31, `~:` null, `true:`) gets the text written: a key is a name (of a JSON
 * object member in http \`data\`, of a loop item's field), which the file spells, never a
 * number re-spelt (README: "Text stays as written"). Done before anything reads a key,
 * so `3.1:` and `3.10:` are two keys, and positions are found by the key as written.
 */
function keepWrittenKeys(doc: Document, text: string): void {
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isScalar(key) || key.type !== Scalar.PLAIN || !key.range) return;
      // Text already, or the merge key (`<<`, a symbol: source_map.ts isMergeKey).
      if (typeof key.value === "string" || typeof key.value === "symbol") return;
      key.value = text.slice(key.range[0], key.range[1]);
    },
  });
}
