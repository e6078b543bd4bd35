/**
 * Where a value joined into a literal (`'…${v}…'`) is read as structure by the call or
 * operator around it, for the binder (sql.ts), with what may still make it safe:
 * - a function-style cast, `typename('literal')`: PostgreSQL reads a one-argument call
 *   named like a type as a cast of the literal to that type, and takes text there too by
 *   the type's input function (PostgreSQL 15 "10.3 Functions", step 2; "4.2.9 Type
 *   Casts"): `jsonpath('…')`, `tsquery('…')`, `jsonb('[…]')`, `_text('{…}')` (an array
 *   type's internal name), `int4range('[…]')`, `hstore('…')`, `pg_catalog.xml('…')`. A
 *   literal cast there to a scalar type that is not text (`daterange('2024-${m}-01'::date,
 *   …)`) is one value. A user's composite type called this way is not seen.
 * - tsquery's operators `&&` and `||` beside a tsquery (`to_tsquery('a') && '…'`), and
 *   `!!`, `<->` (sql_structured_places.ts), whose literal operand is read as a tsquery;
 * - jsonpath and text-search places and array places (sql_structured_places.ts).
 * A value bound whole (bare, or a whole `'${v}'`) is one value of the type its place
 * gives, unless `||` joins it to other text in the argument of a function that parses
 * that text (`to_tsquery('cat & ' || ${v})`, `jsonb('[1,' || ${v} || ']')`): then it is
 * joined text, refused the same ({@link concatenatedPlace}).
 * A function whose argument is an SQL statement run by the server — ts_stat, the
 * query_to_xml family, dblink's — takes no `${...}` there at all, bare or quoted: its
 * value would be SQL code ({@link sqlTextBefore}).
 * @module
 */
import { isScalarType, type TypedLiteral } from "./sql_typed.ts";
import {
  ARRAY_PLACE_REFUSAL,
  arrayPlaceBefore,
  codeBefore,
  openCall,
  queryLanguageBefore,
  queryLanguageCast,
  REGCONFIG,
  TSQUERY_FUNCTIONS,
  TSQUERY_REFUSAL,
} from "./sql_structured_places.ts";
import { structuredRefusal } from "./sql_typed.ts";

/**
 * A place that reads a joined literal as structure: the refusal, unless the literal's
 * first cast (`'…'::date`) satisfies `unless`, which makes it a value of that type.
 */
export interface JoinedPlace {
  refusal: TypedLiteral;
  unless?: (type: string) => boolean;
}

/** Type names a one-argument call casts its literal to, reading structure from it. */
const FUNCTION_CAST =
  /^(?:jsonb?|jsonpath|tsquery|tsvector|xml|hstore|ltree|lquery|[a-z0-9]*range|[a-z0-9]*multirange|_[\w$]+|point|line|lseg|box|path|polygon|circle|int2vector|oidvector|txid_snapshot|pg_snapshot|record)$/;

/** Scalar types whose text is text: a function-style cast reads them by its input function. */
const STRING_TYPE =
  /^(?:pg_catalog\.)?(?:text|varchar|char|character|bpchar|nchar|name|citext|character varying|char varying|national character|national char)(?:\s*\(.*\))?$/i;

/** Whether `type` (a cast's) makes a literal one non-text scalar value. */
const nonTextScalar = (type: string) => isScalarType(type) && !STRING_TYPE.test(type);

/**
 * What reads a literal after `tail` (the code up to its opening quote), with a value
 * joined into it, as structure: a query language, an array place, a function-style cast,
 * or a tsquery operator. Undefined where the joined text is text.
 */
export function joinedPlaceBefore(tail: string): JoinedPlace | undefined {
  const code = codeBefore(tail);
  const call = openCall(code);
  const query = queryLanguageBefore(tail);
  if (query) {
    return query === TSQUERY_REFUSAL && call !== undefined
      ? { refusal: query, unless: REGCONFIG }
      : {
        refusal: query,
      };
  }
  if (tsqueryOperandBefore(code)) return { refusal: TSQUERY_REFUSAL };
  if (call && call.arg === 0 && !call.named && FUNCTION_CAST.test(call.name)) {
    const refusal = queryLanguageCast(call.name) ?? structuredRefusal(call.name);
    return { refusal, unless: nonTextScalar };
  }
  if (arrayPlaceBefore(tail)) return { refusal: ARRAY_PLACE_REFUSAL, unless: isScalarType };
  return undefined;
}

/** Whether `code` ends with `&&` or `||` after a tsquery (a *tsquery call, a cast). */
function tsqueryOperandBefore(code: string): boolean {
  const op = /(?:&&|\|\|)$/.exec(code);
  if (!op) return false;
  const before = codeBefore(code.slice(0, op.index));
  if (/::\s*(?:pg_catalog\s*\.\s*)?tsquery$/i.test(before)) return true;
  if (!before.endsWith(")")) return false;
  // The call that the `)` closes: openCall of the text without that `)`.
  const inner = openCall(before.slice(0, -1));
  return inner !== undefined && /tsquery$|^tsquery_phrase$|^ts_rewrite$/.test(inner.name);
}

/** Whether `rest` (after a literal, blank of comments) is `&&`/`||`/`<->` and a tsquery. */
export function tsqueryOperatorAfter(rest: string): boolean {
  return /^\s*<->/.test(rest) ||
    /^\s*(?:&&|\|\|)\s*(?:[\w$.]*tsquery\s*\(|'(?:[^']|'')*'\s*::\s*(?:pg_catalog\s*\.\s*)?tsquery(?![\w$])|tsquery\s*')/i
      .test(rest);
}

/** Functions whose argument (0-based; -1: any) is an SQL statement the server runs. */
const SQL_TEXT_ARGS: ReadonlyMap<string, number> = new Map([
  ["ts_stat", 0],
  ["query_to_xml", 0],
  ["query_to_xmlschema", 0],
  ["query_to_xml_and_xmlschema", 0],
  // dblink's connection string is a list of settings too.
  ["dblink", -1],
  ["dblink_exec", -1],
  ["dblink_open", -1],
  ["dblink_send_query", -1],
  ["dblink_connect", -1],
]);

/** A `${...}` in an SQL statement passed as text: the refusal. */
export const SQL_TEXT_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in an SQL statement passed as text (ts_stat, " +
    "query_to_xml, dblink, ts_rewrite's query): the server runs that text as SQL, so " +
    "the value would be code",
  hint: "write the statement itself in `query`, with the value as `${...}` where a value " +
    "goes; or keep the text fixed and read the value in it from a table",
};

/**
 * Whether a `${...}` after `tail` (the code before it, or before its whole literal's
 * quote) stands in an SQL statement passed as text; `rest`: the code after it, which
 * tells ts_rewrite's two-argument form (its second argument is a query) from the
 * three-argument one.
 */
export function sqlTextBefore(tail: string, rest: string): boolean {
  const call = openCall(codeBefore(tail));
  if (!call) return false;
  const arg = SQL_TEXT_ARGS.get(call.name);
  if (arg !== undefined) return arg < 0 || arg === call.arg;
  return call.name === "ts_rewrite" && call.arg === 1 && /^\s*\)/.test(rest);
}

/**
 * A value bound whole after `tail` (the code before it) and before `rest` (the code after
 * it, blank of comments) that `||` joins to text in the argument of a function that
 * parses that text as a query or structure: the refusal, or undefined. `||` beside a
 * tsquery is tsquery's OR, whose bound operand is one whole query, and is not looked at.
 */
export function concatenatedPlace(tail: string, rest: string): TypedLiteral | undefined {
  const code = codeBefore(tail);
  if (!/\|\|$/.test(code) && !/^\s*\|\|/.test(rest)) return undefined;
  const call = openCall(code);
  if (!call) return undefined;
  if (TSQUERY_FUNCTIONS.has(call.name)) return TSQUERY_REFUSAL;
  if (call.arg === 0 && !call.named && FUNCTION_CAST.test(call.name)) {
    return queryLanguageCast(call.name) ?? structuredRefusal(call.name);
  }
  return undefined;
}
