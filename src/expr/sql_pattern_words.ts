/**
 * The SQL pattern vocabulary for sql_patterns.ts: the operators and functions that take
 * a pattern, the keywords that end an operand, and how a value is escaped so that the
 * pattern matches it as text: LIKE (`%`, `_`), SIMILAR TO (its metacharacters), both
 * with the pattern's escape character; POSIX/PostgreSQL regular expressions (`\`); SQLite's GLOB, which has no
 * escape character (`[*]`). Sources: PostgreSQL 15 "9.7 Pattern Matching", SQLite
 * "lang_expr" (GLOB).
 * @module
 */

/** How a pattern reads its text: `like-op` is PostgreSQL's `~~` (LIKE, no ESCAPE clause). */
export type PatternKind = "like" | "like-op" | "similar" | "glob" | "regex";

/** Keywords whose right operand is a pattern. */
export const WORD_OPERATORS = new Map<string, PatternKind>([
  ["like", "like"],
  ["ilike", "like"],
  ["glob", "glob"],
  ["regexp", "regex"],
]);

/** PostgreSQL operators whose right operand is a pattern (`~~` is LIKE). */
export const SYMBOL_OPERATORS = new Map<string, PatternKind>([
  ["~", "regex"],
  ["~*", "regex"],
  ["!~", "regex"],
  ["!~*", "regex"],
  ["~~", "like-op"],
  ["~~*", "like-op"],
  ["!~~", "like-op"],
  ["!~~*", "like-op"],
]);

/** Keywords that end an expression: the pattern operand ends before them. */
// deno-fmt-ignore
export const END_WORDS: ReadonlySet<string> = new Set([
  "and", "or", "then", "when", "else", "end", "is", "isnull", "notnull", "between", "in",
  "order", "group", "limit", "offset", "returning", "union", "intersect", "except", "from",
  "where", "having", "select", "on", "using", "join", "window", "as", "asc", "desc", "nulls",
  "for", "do", "set", "values", "inner", "left", "right", "full", "cross", "natural", "into",
  "fetch", "collate", "not", "similar", "match",
]);

/**
 * Functions taking a pattern: the kind, the argument that is the pattern (0-based) and
 * the one that is a replacement, where `\` is syntax (PostgreSQL's regexp_replace: `\1`,
 * `\&`), or -1. SQLite's glob(P, S), like(P, S) and regexp(P, S) take it first (a
 * `(` right after the word: `GLOB (…)` with a blank is the operator).
 */
export const PATTERN_FUNCTIONS = new Map<string, [PatternKind, number, number]>([
  ["regexp_replace", ["regex", 1, 2]],
  ["regexp_match", ["regex", 1, -1]],
  ["regexp_matches", ["regex", 1, -1]],
  ["regexp_like", ["regex", 1, -1]],
  ["regexp_count", ["regex", 1, -1]],
  ["regexp_instr", ["regex", 1, -1]],
  ["regexp_substr", ["regex", 1, -1]],
  ["regexp_split_to_array", ["regex", 1, -1]],
  ["regexp_split_to_table", ["regex", 1, -1]],
  ["glob", ["glob", 0, -1]],
  ["like", ["like", 0, -1]],
  ["ilike", ["like", 0, -1]],
  ["regexp", ["regex", 0, -1]],
]);

/** Characters of PostgreSQL's operators (a run of them is one operator). */
export const OPERATOR_CHARS = /[+\-*/<>=~!@#%^&|`?]/;

/** A word that starts a subquery right after a `(`. */
export function isSubquery(word: string): boolean {
  return word === "select" || word === "with" || word === "values";
}

/** `ESCAPE` is followed by blanks and a quoted character (E'…' in PostgreSQL). */
const ESCAPE_LITERAL = /\s*([eE]?)'((?:[^']|'')*)'/y;

/**
 * The text of the quoted literal that follows `literal[i]` after blanks (an `ESCAPE`'s
 * character), unquoted; undefined when no literal follows there.
 */
export function escapeLiteralAt(literal: string, i: number): string | undefined {
  ESCAPE_LITERAL.lastIndex = i;
  const m = ESCAPE_LITERAL.exec(literal);
  if (!m) return undefined;
  return m[1] ? m[2].replace(/\\(.)/g, "$1") : m[2].replace(/''/g, "'");
}

const LIKE_META = new Set(["%", "_"]);
const SIMILAR_META = new Set([..."%_|*+?{}()[]^$."]);
const REGEX_META = new Set([..."\\^$.|?*+()[]{}"]);

/**
 * `value` escaped to match itself in a pattern of `kind`, `escape` being the pattern's
 * escape character (LIKE and SIMILAR TO).
 */
export function escapeFor(value: string, kind: PatternKind, escape: string): string {
  let out = "";
  for (const c of value) {
    if (kind === "glob") out += c === "*" || c === "?" || c === "[" ? `[${c}]` : c;
    else if (kind === "regex") out += REGEX_META.has(c) ? `\\${c}` : c;
    else if (c === escape || (kind === "similar" ? SIMILAR_META : LIKE_META).has(c)) {
      out += escape + c;
    } else out += c;
  }
  return out;
}
