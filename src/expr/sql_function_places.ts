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
 * gives, unless `||` or a joining call joins it to other text on its way into the argument
 * of a function that parses that text (`to_tsquery('cat & ' || ${v})`,
 * `jsonb(format('[1, %s]', ${v}))`): then it is joined text, refused the same
 * ({@link concatenatedPlace}).
 * Functions and types are recognised by their names as the server reads them, quoted or
 * not, schema-qualified or not (`"jsonb"(…)`, `pg_catalog."to_tsquery"(…)`: sql_names.ts).
 * A function whose argument is an SQL statement run by the server: sql_statement_text.ts.
 * @module
 */
import { isScalarType, type TypedLiteral } from "./sql_typed.ts";
import {
  ARRAY_PLACE_REFUSAL,
  arrayPlaceBefore,
  codeBefore,
  JSONPATH_REFUSAL,
  jsonpathArg,
  queryLanguageBefore,
  queryLanguageCast,
  REGCONFIG,
  TSQUERY_FUNCTIONS,
  TSQUERY_REFUSAL,
} from "./sql_structured_places.ts";
import { structuredRefusal } from "./sql_typed.ts";
import { QUALIFIED_NAME, typeKey } from "./sql_names.ts";
import {
  type ArgumentRest,
  argumentsAfter,
  joinsText,
  openBrackets,
  type OpenCall,
  openCall,
} from "./sql_calls.ts";

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
  /^(?:text|varchar|char|character|bpchar|nchar|name|citext|character varying|char varying|national character|national char)(?:\s*\(.*\))?$/;

/** Whether `type` (a cast's) makes a literal one non-text scalar value. */
const nonTextScalar = (type: string) => isScalarType(type) && !STRING_TYPE.test(typeKey(type));

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
  const cast = new RegExp(`::\\s*(${QUALIFIED_NAME})$`, "i").exec(before);
  if (cast && typeKey(cast[1]) === "tsquery") return true;
  if (!before.endsWith(")")) return false;
  // The call that the `)` closes: openCall of the text without that `)`.
  const inner = openCall(before.slice(0, -1));
  return inner !== undefined && /tsquery$|^tsquery_phrase$|^ts_rewrite$/.test(inner.name);
}

/** Whether `rest` (after a literal, blank of comments) is `&&`/`||`/`<->` and a tsquery. */
export function tsqueryOperatorAfter(rest: string): boolean {
  if (/^\s*<->/.test(rest)) return true;
  const operand = new RegExp(
    `^\\s*(?:&&|\\|\\|)\\s*(?:(${QUALIFIED_NAME})\\s*([('])|'(?:[^']|'')*'\\s*::\\s*(${QUALIFIED_NAME}))`,
    "i",
  ).exec(rest);
  if (!operand) return false;
  // A call of a *tsquery function, a typed constant `tsquery '…'`, or a cast to tsquery.
  const name = typeKey(operand[1] ?? operand[3]);
  return operand[2] === "(" ? /tsquery$/.test(name) : name === "tsquery";
}

/**
 * Calls whose result is text holding their text arguments joined to other text; `||`
 * does the same ({@link joinsText}).
 */
const JOINING: ReadonlySet<string> = new Set([
  "concat",
  "concat_ws",
  "format",
  "replace",
  "overlay",
  "lpad",
  "rpad",
  "regexp_replace",
  "translate",
  "array_to_string",
  "string_agg",
]);

/**
 * Calls whose result encodes their arguments as data (a JSON value, a quoted literal, a
 * digest, a number): what a value was joined to before them is no longer structure for
 * a parsing call around them.
 */
const ENCODING =
  /^(?:to_jsonb?|jsonb?_build_(?:object|array)|jsonb?_object|row_to_json|array_to_json|quote_(?:literal|nullable|ident)|md5|sha(?:224|256|384|512)|encode|length|char_length|octet_length|strpos|position|count)$/;

/**
 * A value after `tail` (the code before it, or before its literal; comments blanked to
 * spaces) and
 * before what `rest` gives (the code after it) that is joined to other text — by `||`,
 * by a joining call (`concat('cat & ', ${v})`, `format('[1, %s]', ${v})`) or, when
 * `inLiteral`, by the literal it is cut into — and reaches, through any calls, brackets
 * and subqueries but an encoding one, the argument of a function that parses its text as
 * a query or structure (to_tsquery, a jsonpath argument, a function-style cast
 * `jsonb(…)`): the refusal, or undefined. A literal directly in that argument is
 * {@link joinedPlaceBefore}'s. `||` beside a tsquery outside such a function is
 * tsquery's OR, whose bound operand is one whole query, and is not looked at.
 */
export function concatenatedPlace(
  tail: string,
  rest: () => string,
  inLiteral = false,
): TypedLiteral | undefined {
  // The tail's comments are blanked (sql.ts tailOf): its code ends where its blanks start.
  const brackets = openBrackets(tail.trimEnd());
  let after: ArgumentRest[] | undefined;
  let joined = inLiteral;
  for (let depth = 0; depth < brackets.length; depth++) {
    const { call, before } = brackets[depth];
    if (!joined && joinsText(before)) joined = true;
    if (!joined) {
      after ??= argumentsAfter(rest(), brackets.length);
      joined = joinsText(after[depth].after);
    }
    if (!call) continue;
    if (joined && !(inLiteral && depth === 0)) {
      const refusal = parsingPlace(call);
      if (refusal) return refusal;
    }
    if (JOINING.has(call.name)) joined = true;
    else if (ENCODING.test(call.name)) joined = false;
  }
  return undefined;
}

/** What `call` reads its argument at the place as, when that is structure: the refusal. */
function parsingPlace(call: OpenCall): TypedLiteral | undefined {
  if (TSQUERY_FUNCTIONS.has(call.name)) return TSQUERY_REFUSAL;
  if (jsonpathArg(call)) return JSONPATH_REFUSAL;
  if (call.arg === 0 && !call.named && FUNCTION_CAST.test(call.name)) {
    return queryLanguageCast(call.name) ?? structuredRefusal(call.name);
  }
  return undefined;
}
