/**
 * Places where PostgreSQL reads an untyped string literal as a structured value without a
 * cast naming the type, for the binder (sql.ts, with sql_typed.ts for casts):
 * - a query language: a jsonpath (the path argument of jsonb_path_exists and its
 *   siblings, also named `path => '…'`, the right operand of `@?`, an operand of `@@`)
 *   or a text-search query (to_tsquery, ts_headline and the other functions taking a
 *   tsquery, an operand of `@@`, `!!` or `<->`). A value joined into such a literal is
 *   read as path or query syntax (`||`, `? (…)`, `&`, `!`, `:*`), so it is refused,
 *   naming the form that passes the value as data: a jsonpath variable, or
 *   plainto_tsquery/websearch_to_tsquery. A whole `'${v}'` is bound as one value, as a
 *   bare `${v}` is: the whole path or query, typed by its place.
 *   Sources: PostgreSQL 15 "9.16.2 The SQL/JSON Path Language", "9.13 Text Search
 *   Functions and Operators", "8.11.2 Text Search Types".
 * - an array: an operand of `||`, a comparison or a containment operator whose other
 *   operand is an array (`ARRAY['a'] || '{…}'`, `'{…}' = ARRAY[…]`), the argument of
 *   `= ANY (…)`/`ALL`/`SOME`, an array argument of array_cat, array_append, … and the
 *   path of jsonb_set/jsonb_insert: PostgreSQL resolves the unknown literal as the
 *   array type ("10.2 Operators", "10.3 Functions": an unknown literal takes the type
 *   of the other operand), so a value joined into it could add elements. A literal cast
 *   to a scalar type after it (`ARRAY['a'] || 'x${v}'::text`) is one element.
 * The code before a literal (`tail`, its comments blanked by the binder) is read
 * backwards; strings in it are skipped. Function-style casts, tsquery's `&&`/`||` and
 * statements passed as text: sql_function_places.ts.
 * @module
 */
import type { TypedLiteral } from "./sql_typed.ts";
import { typeKey } from "./sql_names.ts";
import { type OpenCall, openCall } from "./sql_calls.ts";

/** Blanks and comments at the end of a text. */
const TRAILING_BLANKS = /(?:\s|--[^\n\r]*[\n\r]|\/\*(?:(?!\*\/)[\s\S])*\*\/)*$/;

/** `tail` without the blanks and comments it ends with. */
export function codeBefore(tail: string): string {
  return tail.slice(0, TRAILING_BLANKS.exec(tail)!.index);
}

/** Functions whose argument (0-based; -1: any) is a jsonpath. */
const JSONPATH_ARGS: ReadonlyMap<string, number> = new Map([
  ...[
    "jsonb_path_exists",
    "jsonb_path_match",
    "jsonb_path_query",
    "jsonb_path_query_array",
    "jsonb_path_query_first",
  ].flatMap((f) => [[f, 1], [`${f}_tz`, 1]] as [string, number][]),
  // SQL/JSON query functions (PostgreSQL 17): `JSON_EXISTS(doc, 'path' …)`.
  ["json_exists", 1],
  ["json_query", 1],
  ["json_value", 1],
]);

/**
 * Functions whose literal arguments are text-search queries, vectors or weights (any
 * argument: to_tsquery's configuration is one too, refused only when a value is joined
 * into it), or, for ts_rewrite's two-argument form, an SQL statement.
 */
export const TSQUERY_FUNCTIONS: ReadonlySet<string> = new Set([
  "to_tsquery",
  // ts_headline([config,] document, query [, options]): its options are a list too.
  "ts_headline",
  "ts_rewrite",
  "tsquery_phrase",
  "numnode",
  "querytree",
  "ts_rank",
  "ts_rank_cd",
]);

/** A `${...}` in a jsonpath literal: the refusal. */
export const JSONPATH_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in a jsonpath literal: the value would be read as " +
    "path syntax, so it could add conditions or steps",
  hint: "pass the value as a path variable: jsonb_path_exists(doc, '$.a ? (@ == $v)', " +
    "jsonb_build_object('v', ${...}::text))",
};

/** A `${...}` in a text-search query literal: the refusal. */
export const TSQUERY_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in a text-search query literal: the value would be " +
    "read as tsquery syntax (`&`, `|`, `!`, `<->`, `:*`), so it could change the query",
  hint: "build the query from the bound text: plainto_tsquery(${...}) or " +
    "websearch_to_tsquery(${...}) (with a configuration first: plainto_tsquery('english', " +
    "${...}))",
};

/** A `${...}` in an operand of `@@`, which is a jsonpath or a text-search query. */
export const MATCH_OPERAND_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in a literal operand of `@@`: it is read as a " +
    "jsonpath predicate or a text-search query, so the value could change it",
  hint: "for text search: tsv @@ plainto_tsquery(${...}) or websearch_to_tsquery(${...}); " +
    "for a jsonb predicate, a path variable: jsonb_path_match(doc, '$.a == $v', " +
    "jsonb_build_object('v', ${...}::text))",
};

/** A `${...}` joined into a literal read as an array by where it stands. */
export const ARRAY_PLACE_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot be joined into a literal read as an array (an operand beside " +
    "an array, or an array argument): the value would be read as part of the array " +
    "literal, so it could add elements",
  hint: "add the value as one element: ARRAY['a'] || ${...}::text, or build the array: " +
    "ARRAY['a', ${...}::text]; bind a whole array text with CAST(${...} AS text[])",
};

/**
 * A query language reads the literal standing after `tail` (its text up to that
 * literal's opening quote), with a value joined into it, as a jsonpath or tsquery: the
 * refusal, or undefined. A text-search function's literal cast to `regconfig` is its
 * configuration (`to_tsquery('${lang}'::regconfig, …)`): `regconfig` tells so
 * ({@link REGCONFIG}). A whole `'${v}'` is bound as one value (sql.ts), as a bare one is.
 */
export function queryLanguageBefore(tail: string): TypedLiteral | undefined {
  const code = codeBefore(tail);
  if (/@\?$/.test(code)) return JSONPATH_REFUSAL;
  if (/@@@?$/.test(code)) return MATCH_OPERAND_REFUSAL;
  // tsquery's own operators: `!!q`, `a <-> b` (also `&&`, `||` beside a tsquery:
  // sql_function_places.ts).
  if (/(?:!!|<->)$/.test(code)) return TSQUERY_REFUSAL;
  const call = openCall(code);
  if (!call) return undefined;
  if (JSONPATH_ARGS.has(call.name)) return jsonpathArg(call) ? JSONPATH_REFUSAL : undefined;
  if (TSQUERY_FUNCTIONS.has(call.name)) return TSQUERY_REFUSAL;
  return undefined;
}

/** Whether `call`'s place is a jsonpath argument (also named `path => …`). */
export function jsonpathArg(call: OpenCall): boolean {
  const arg = JSONPATH_ARGS.get(call.name);
  if (arg === undefined) return false;
  return call.named !== undefined ? call.named === "path" : arg === call.arg;
}

/** A cast that makes a text-search function's literal its configuration. */
export const REGCONFIG = (type: string): boolean => typeKey(type) === "regconfig";

/** Whether `rest` (the code after a literal, blank of comments) starts with `@@`. */
export function matchOperatorAfter(rest: string): boolean {
  return /^\s*@@/.test(rest);
}

/** Functions whose argument (0-based) is an array, and jsonb_set's path (and value). */
const ARRAY_ARGS: ReadonlyMap<string, readonly number[]> = new Map([
  ["array_cat", [0, 1]],
  ["array_append", [0]],
  ["array_prepend", [1]],
  ["array_remove", [0]],
  ["array_replace", [0]],
  ["array_position", [0]],
  ["array_positions", [0]],
  ["array_fill", [1, 2]],
  ["any", [0]],
  ["all", [0]],
  ["some", [0]],
  ["jsonb_set", [1, 2]],
  ["jsonb_set_lax", [1, 2]],
  ["jsonb_insert", [1, 2]],
  ["ts_delete", [1]],
  ["ts_filter", [1]],
]);

/** Operators that read an untyped operand as the type of their array operand. */
const ARRAY_OPERATORS = String.raw`(?:\|\||=|<>|!=|<=|>=|<|>|@>|<@|&&)`;

/**
 * Whether `code` ends with an array expression: `ARRAY[…]`, `ARRAY(…)`, a cast to an
 * array type (`::text[]`, `::int ARRAY`, `CAST(… AS text[])` is not seen).
 */
function endsWithArray(code: string): boolean {
  if (
    /::\s*[\w$."]+(?:\s*\(\s*[\d\s,]*\))?(?:\s*\[\s*\d*\s*\])*\s+array(?:\s*\[\s*\d*\s*\])?$/i.test(
      code,
    )
  ) {
    return true;
  }
  const last = code[code.length - 1];
  if (last !== "]" && last !== ")") return false;
  const open = matchingOpen(code);
  if (open < 0) return false;
  const before = code.slice(0, open).trimEnd();
  if (/(?<![\w$])array$/i.test(before)) return true;
  if (last !== "]" || !/^\[\s*\d*\s*\]$/.test(code.slice(open))) return false;
  // `x::text[]` (or `[][]`): the brackets of a type named by a cast.
  return /::\s*[\w$."]+(?:\s*\(\s*[\d\s,]*\))?(?:\s*\[\s*\d*\s*\])*$/.test(before);
}

/** The index of the bracket that the bracket ending `code` closes, or -1. */
function matchingOpen(code: string): number {
  let depth = 0;
  for (let i = code.length - 1; i >= 0; i--) {
    const c = code[i];
    if (c === "'" || c === '"') {
      i = code.lastIndexOf(c, i - 1);
      if (i < 0) return -1;
    } else if (c === ")" || c === "]") depth++;
    else if ((c === "(" || c === "[") && --depth === 0) return i;
  }
  return -1;
}

/**
 * Whether the literal after `tail` is read as an array by where it stands: right after an
 * array and an operator, in an array argument of a function, or in `= ANY (…)`.
 */
export function arrayPlaceBefore(tail: string): boolean {
  const code = codeBefore(tail);
  const op = new RegExp(ARRAY_OPERATORS + "$").exec(code);
  if (op && endsWithArray(codeBefore(code.slice(0, op.index)))) return true;
  const call = openCall(code);
  return call !== undefined && (ARRAY_ARGS.get(call.name)?.includes(call.arg) ?? false);
}

/** Whether `rest` (after a literal, blank of comments) is an operator and an array. */
export function arrayOperandAfter(rest: string): boolean {
  return new RegExp(
    String.raw`^\s*` + ARRAY_OPERATORS +
      String.raw`\s*(?:array\s*[\[(]|'[^']*'\s*::\s*[\w$."]+\s*(?:\[|array\b))`,
    "i",
  ).test(rest);
}

/** A cast to a query language (jsonpath, tsquery): its refusal, naming the safe form. */
export function queryLanguageCast(type: string): TypedLiteral | undefined {
  const name = typeKey(type);
  if (name === "jsonpath") return JSONPATH_REFUSAL;
  if (name === "tsquery") return TSQUERY_REFUSAL;
  return undefined;
}
