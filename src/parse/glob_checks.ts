/**
 * A data_processor `input.path` whose braces expand past the patterns one glob may
 * have: `weft run` refuses it before reading a folder (tasks/glob_files.ts
 * GlobTooWideError), and the braces are written in the file (a `${...}` value never adds
 * one: path.ts keeps pattern characters out of values), so `weft validate` says so first.
 * The expansion follows brace-expansion (juliangruber/brace-expansion, minimatch's):
 * `{a,b}` alternatives, nested, `\{` escaped, `${` and `{a}` literal, equal results
 * once. A range (`{1..9}`) counts as one pattern here, fewer than the matcher may make:
 * what is refused here is refused by the run too.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { isObject, topLevelTasks } from "./raw.ts";
import type { SourceMap } from "./source_map.ts";
import { MAX_GLOB_PATTERNS } from "../model/limits.ts";

/**
 * Past this length (or brace depth) a path is not expanded here; the run still checks.
 * The expansion holds up to MAX_GLOB_PATTERNS + 1 texts of about this length: ~20 MB.
 */
const MAX_CHECKED_LENGTH = 2048;
const MAX_DEPTH = 64;

/** A problem for each data_processor input glob that expands past MAX_GLOB_PATTERNS. */
export function globProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const task of topLevelTasks(data)) {
    if (task.data.type !== "data_processor" || !isObject(task.data.input)) continue;
    const pattern = task.data.input.path;
    if (typeof pattern !== "string" || !pattern.includes("{")) continue;
    if ((bracePatterns(pattern) ?? 0) <= MAX_GLOB_PATTERNS) continue;
    const path = [...task.path, "input", "path"];
    problems.push({
      file,
      ...map.value(path),
      message: `${valueLabel(data, path)}: its braces expand to more than ` +
        `${MAX_GLOB_PATTERNS.toLocaleString("en")} patterns`,
      hint: "narrow it, or match a wider glob and let the processor choose",
    });
  }
  return problems;
}

/**
 * How many different patterns the braces of `glob` expand to, counting at most one past
 * MAX_GLOB_PATTERNS; undefined for text too long or nested too deeply to expand here.
 */
export function bracePatterns(glob: string): number | undefined {
  if (glob.length > MAX_CHECKED_LENGTH) return undefined;
  // brace-expansion: a leading `{}` is literal.
  const text = glob.startsWith("{}") ? "\\{\\}" + glob.slice(2) : glob;
  try {
    return expand(text, 0).size;
  } catch (e) {
    if (e instanceof TooDeep) return undefined;
    throw e;
  }
}

class TooDeep extends Error {}

const CAP = MAX_GLOB_PATTERNS + 1;
const SEQUENCE = /^(?:-?\d+\.\.-?\d+|[a-zA-Z]\.\.[a-zA-Z])(?:\.\.-?\d+)?$/;

/** The patterns of `text`: its brace groups one after another, each nested one deeper. */
function expand(text: string, depth: number): Set<string> {
  if (depth > MAX_DEPTH) throw new TooDeep();
  let out = new Set([""]);
  let rest = text;
  for (;;) {
    const m = balanced(rest);
    if (!m) return join(out, [rest]);
    const { pre, body, post } = m;
    let alternatives: string[];
    if (pre.endsWith("$") || SEQUENCE.test(body) || !body.includes(",")) {
      // `${…}` and `{a}` stay as written; a range counts once (see the module's note).
      alternatives = [`{${body}}`];
    } else {
      const parts = commaParts(body);
      alternatives = parts.length === 1
        ? [...expand(parts[0], depth + 1)].map((p) => `{${p}}`)
        : parts.flatMap((p) => [...expand(p, depth + 1)]);
    }
    out = join(out, alternatives.map((alt) => pre + alt));
    // Past the limit already: more groups only multiply (equal texts aside).
    if (out.size >= CAP) return out;
    rest = post;
  }
}

/** Each of `heads` followed by each of `tails`, at most CAP of them. */
function join(heads: Set<string>, tails: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const head of heads) {
    for (const tail of tails) {
      out.add(head + tail);
      if (out.size >= CAP) return out;
    }
  }
  return out;
}

/** The first unescaped `{` and its matching `}`: what comes before, between and after. */
function balanced(text: string): { pre: string; body: string; post: string } | undefined {
  let open = -1;
  let level = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "{") {
      if (level === 0) open = i;
      level++;
    } else if (c === "}" && level > 0) {
      level--;
      if (level === 0) {
        return { pre: text.slice(0, open), body: text.slice(open + 1, i), post: text.slice(i + 1) };
      }
    }
  }
  return undefined;
}

/** `body` split at its commas outside nested braces (escaped ones kept). */
function commaParts(body: string): string[] {
  const parts: string[] = [];
  let level = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") i++;
    else if (c === "{") level++;
    else if (c === "}" && level > 0) level--;
    else if (c === "," && level === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}
