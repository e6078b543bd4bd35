/**
 * Literals whose meaning depends on what is written around them, for the binder (sql.ts):
 * - a prefix glued to the quote: PostgreSQL's E'…', N'…' (a `bpchar` constant), U&'…'
 *   (with an optional `UESCAPE 'c'` after it), B'…' and X'…' (bit strings); SQLite's
 *   X'…' (a blob). Sources: PostgreSQL 15 scan.l (xestart, xnstart, xusstart, xbstart,
 *   xhstart) and "4.1.2 Constants"; SQLite's tokenize.c.
 * - a typed constant, `type 'string'` (PostgreSQL "4.2.1.7 Constants of Other Types"):
 *   any type name — a word that is not a keyword, `schema.type`, `"Type"`, or a name of
 *   several words — before a string constant. Cut around a `${...}`, it is rewritten to
 *   `CAST((… || CAST($1 AS TEXT) || …) AS type)`, which has the same meaning;
 *   its whole literal, `INTERVAL '${d}'`, would leave `INTERVAL $1`, which no database
 *   reads, and is refused, naming the form to write.
 * - a literal parsed again as a structured value — a JSON document, an array, a range, a
 *   composite, hstore, xml, an XPath… — by a cast (`'…'::jsonb`, `('…')::text::xml`,
 *   `CAST('…' AS text[])`, `jsonb '…'`), by where it stands (`XMLPARSE(DOCUMENT '…')`,
 *   xpath's first argument, an operand of `@>`) or by a JSON-shaped text (`'{"…'`): a value
 *   joined into it could add keys or elements, so that is refused, naming the functions
 *   that build such a value from a bound one. A text that only starts with `[` or `{` is
 *   not one (`'[ETL] loaded …'`); one the column it goes into casts is not seen.
 * @module
 */
import { openCall } from "./sql_calls.ts";
import { foldTypeName, typeKey } from "./sql_names.ts";

/** A refusal: what to say and what to write. */
export interface TypedLiteral {
  message: string;
  hint: string;
}

/**
 * Words that may stand before a string constant without typing it (keywords taking an
 * expression: `SELECT 'a'`, `LIKE 'x%'`, `AT TIME ZONE 'UTC'`, `XMLPARSE(CONTENT '…')`).
 * Any other word there is a type name in PostgreSQL (and, in SQLite, a name the string
 * would be the alias of).
 */
// deno-fmt-ignore
const KEYWORDS_BEFORE_STRING: ReadonlySet<string> = new Set([
  "select", "distinct", "all", "any", "some", "and", "or", "not", "is", "like", "ilike",
  "similar", "to", "escape", "uescape", "in", "between", "symmetric", "asymmetric", "then",
  "else", "when", "case", "where", "having", "on", "using", "from", "for", "by", "set",
  "values", "default", "return", "returning", "limit", "offset", "fetch", "as", "zone", "at",
  "overlaps", "with", "union", "intersect", "except", "into", "do", "placing", "both",
  "leading", "trailing", "document", "content", "passing", "key", "value", "format", "glob",
  "match", "regexp", "version", "exists", "end", "row", "rows", "null", "of", "over",
  // SQLite's `ATTACH [DATABASE] 'file' AS name` (lang_attach): the file is an expression.
  "attach", "database",
]);

/**
 * Types whose text is one scalar value: a value joined into a literal of one of them is
 * part of one value, however it is written. Others — json, jsonb, xml, hstore, arrays,
 * ranges, geometric types, composite and unknown types — read structure from the text.
 */
// deno-fmt-ignore
const SCALAR_TYPES: ReadonlySet<string> = new Set([
  "interval", "date", "time", "timetz", "timestamp", "timestamptz", "boolean", "bool",
  "integer", "int", "int2", "int4", "int8", "smallint", "bigint", "real", "float", "float4",
  "float8", "numeric", "decimal", "dec", "money", "text", "varchar", "char", "character",
  "bpchar", "nchar", "name", "bytea", "uuid", "inet", "cidr", "macaddr", "macaddr8", "oid",
  "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole", "regconfig",
  "pg_lsn", "citext", "bit", "varbit", "double precision", "character varying",
  "char varying", "bit varying", "national character", "national char",
  "time with time zone", "time without time zone", "timestamp with time zone",
  "timestamp without time zone",
]);

/**
 * Type names that CAST reads with a length of 1 (`CAST(x AS char)` is `char(1)`) but a
 * typed constant reads unrestricted (`char 'abc'` keeps three characters): the type the
 * rewritten cast names instead.
 */
const UNRESTRICTED: Readonly<Record<string, string>> = {
  char: "bpchar",
  character: "bpchar",
  nchar: "bpchar",
  "national character": "bpchar",
  "national char": "bpchar",
  bit: "varbit",
};

/** PostgreSQL's type names of several words, as the last words before the quote. */
const MULTI_WORD_TYPE =
  /(?<![\w$."])((?:timestamp|time)\s+with(?:out)?\s+time\s+zone|double\s+precision|(?:character|char|bit)\s+varying|national\s+char(?:acter)?)\s*$/i;

/** A type name: a word or quoted name, qualified by others (`pg_catalog.date`). */
const TYPE_NAME =
  /(?<![\w$."])((?:(?:[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|"(?:[^"]|"")+")\s*\.\s*)*(?:[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|"(?:[^"]|"")+"))\s*$/;

/** Blanks and comments at the end of a text (between a type name and its string). */
const TRAILING_BLANKS = /(?:\s|--[^\n\r]*[\n\r]|\/\*(?:(?!\*\/)[\s\S])*\*\/)*$/;

/**
 * The prefix glued to a quote at `literal[i]` (`E`, `N`, `B`, `X`, `U&`; SQLite: `X`
 * only), upper-cased, or "" for a plain string. A letter ending a longer word is none.
 */
export function literalPrefix(literal: string, i: number, pg: boolean): string {
  const before = literal.slice(Math.max(0, i - 3), i);
  const match =
    (pg ? /(?<![\w$\u0080-\uffff])(?:[uU]&|[eEnNbBxX])$/ : /(?<![\w$\u0080-\uffff])[xX]$/)
      .exec(before);
  if (!match) return "";
  // `before` is at most 3 characters: what precedes the match is checked in `literal`.
  const start = i - match[0].length;
  if (start > 0 && /[\w$\u0080-\uffff]/.test(literal[start - 1])) return "";
  return match[0].toUpperCase();
}

/**
 * The type name that `tail` (the SQL text right before a string constant and its
 * prefix) ends with, and where it starts in `tail`; `paren` when `tail` ends with `)`
 * (`varchar(10) '…'`, or SQLite's alias after a call); undefined when no type is written
 * (a keyword, an operator, `(`, `,`…). A multi-word name is given with single spaces.
 */
export function typeBefore(
  tail: string,
): { type: string; at: number } | { paren: true } | undefined {
  const blanks = TRAILING_BLANKS.exec(tail)!;
  const code = tail.slice(0, blanks.index);
  if (code.endsWith(")")) return { paren: true };
  const multi = MULTI_WORD_TYPE.exec(code);
  if (multi) return { type: multi[1].replace(/\s+/g, " "), at: multi.index };
  const named = TYPE_NAME.exec(code);
  if (!named) return undefined;
  // A number (`1e5'x'`) is no type; a keyword is none either.
  if (/^\d/.test(named[1])) return undefined;
  if (KEYWORDS_BEFORE_STRING.has(named[1].toLowerCase())) return undefined;
  return { type: named[1].replace(/\s*\.\s*/g, "."), at: named.index };
}

/** The type a cast must name for a typed constant of `type` to keep its meaning. */
export function castType(type: string): string {
  return UNRESTRICTED[type.toLowerCase()] ?? type;
}

/** Whether `type` reads its text as one scalar value (see {@link SCALAR_TYPES}). */
export function isScalarType(type: string): boolean {
  // `"text"` and `pg_catalog."date"` are text and date; `"Date"` is some other type.
  return SCALAR_TYPES.has(typeKey(type).replace(/\s*\(.*\)$/, ""));
}

/** One field of an interval qualifier (`DAY`, `SECOND(3)`). */
const FIELD = String.raw`(?:year|month|day|hour|minute|second)(?:\s*\(\s*\d+\s*\))?`;

/** An interval qualifier after blanks: `DAY`, `DAY TO HOUR`, `MINUTE TO SECOND(3)`. */
const QUALIFIER = String.raw`\s*(?<![\w$])${FIELD}(?:\s+to\s+${FIELD})?(?![\w$])`;

/**
 * PostgreSQL's interval qualifier after an interval constant (`INTERVAL '5' DAY`,
 * `… DAY TO HOUR`, `… SECOND(3)`), which belongs to the type: its length in `rest` (the
 * code after the closing quote, its comments blanked: sql_lexer.ts blankComments), or 0.
 */
export function intervalQualifierLength(rest: string): number {
  return new RegExp(`^${QUALIFIER}`, "i").exec(rest)?.[0].length ?? 0;
}

/** Whether a type a cast names (castsAfter) is an interval with a qualifier. */
export function isQualifiedInterval(type: string): boolean {
  return new RegExp(String.raw`^(?:pg_catalog\s*\.\s*)?interval\s+${FIELD}`, "i").test(type);
}

/** `UESCAPE 'c'` after a U&'…' string (in `rest`): its escape character, or undefined. */
export function uescapeAfter(rest: string): string | undefined {
  return /^\s*uescape\s*'([^'])'/i.exec(rest)?.[1];
}

/**
 * A type name as a cast writes it, with its modifiers and array brackets or the standard's
 * `ARRAY`/`ARRAY[n]` (PostgreSQL "8.15.1": `text ARRAY` is `text[]`); an interval with its
 * qualifier (`interval day`: the grammar's ConstInterval opt_interval) is one name.
 */
const CAST_TYPE =
  String.raw`((?:(?:pg_catalog\s*\.\s*)?interval\s+${FIELD}(?:\s+to\s+${FIELD})?(?![\w$])|` +
  String.raw`(?:timestamp|time)\s+with(?:out)?\s+time\s+zone|double\s+precision|` +
  String.raw`(?:character|char|bit)\s+varying|national\s+char(?:acter)?|` +
  String
    .raw`(?:[\w$\u0080-\uffff]+|"(?:[^"]|"")+")(?:\s*\.\s*(?:[\w$\u0080-\uffff]+|"(?:[^"]|"")+"))*)` +
  String.raw`(?:\s*\([\d\s,]*\))?(?:\s*\[\s*\d*\s*\])*` +
  String.raw`(?:\s+array(?![\w$])(?:\s*\[\s*\d*\s*\])?)?)`;

/** Blanks and comments (a block comment without a nested one). */
const BLANK = String.raw`(?:\s|--[^\n\r]*[\n\r]|\/\*(?:(?!\*\/)[\s\S])*\*\/)`;

/** Blanks and comments at the start of a text (between a literal and its cast). */
const LEADING_BLANKS = /^(?:\s|--[^\n\r]*(?:[\n\r]|$)|\/\*(?:(?!\*\/)[\s\S])*\*\/)*/;

/** Types that read structure from their text, named where a cast is not sure to be one. */
const STRUCTURED_TYPE =
  /^(?:pg_catalog\.)?(?:jsonb?|xml|hstore|jsonpath|tsquery|tsvector|\w*range|\w*multirange)$|\]$|(?<![\w$])array$/i;

/**
 * The types a literal is cast to by what follows it (`rest`): `::type` casts, one after
 * another (`'…'::text::xml`), also after the `)` of parentheses around it (`('…')::xml`)
 * and across comments; `AS type)` when `inCast` (the literal opens a `CAST(`), and an
 * outer `CAST(… AS type)` of a structured type (`CAST(CAST('…' AS text) AS xml)`: an
 * `AS name)` further on may be an alias, so only a structured type's name or a qualified
 * interval counts there).
 * `parens`: how many parentheses only group the literal (see {@link groupingParens}); a
 * call's `)` ends the chain (`jsonb_build_object('k', 'v…')::jsonb` binds the value whole).
 */
export function castsAfter(rest: string, inCast: boolean, parens: number): string[] {
  const types: string[] = [];
  const colon = new RegExp(String.raw`^::\s*` + CAST_TYPE, "i");
  const as = new RegExp(String.raw`^as\s+` + CAST_TYPE + String.raw`\s*\)`, "i");
  let r = rest;
  let first = inCast;
  for (let guard = 0; guard < 64; guard++) {
    r = r.slice(LEADING_BLANKS.exec(r)![0].length);
    const cast = colon.exec(r);
    const named = cast ? undefined : as.exec(r);
    // Blanks (and comments, blanked) inside a name are one space: `int ARRAY`.
    if (cast) types.push(cast[1].replace(/\s+/g, " "));
    else if (
      named &&
      (first || STRUCTURED_TYPE.test(foldTypeName(named[1])) || isQualifiedInterval(named[1]))
    ) types.push(named[1].replace(/\s+/g, " "));
    else if (!named && (r[0] !== ")" || parens-- <= 0)) break;
    // `CAST(('…') AS type)`: the parentheses that group the literal come before its AS.
    if (cast || named) first = false;
    r = r.slice((cast ?? named)?.[0].length ?? 1);
  }
  return types;
}

/**
 * How many `(` right before a literal (in `tail`) only group it: `('…')::xml`, not a
 * call's `f('…')` or a list's `IN ('…')`.
 */
export function groupingParens(tail: string): number {
  const match = new RegExp(String.raw`(?:\(${BLANK}*)+$`).exec(tail);
  if (!match) return 0;
  const opened = match[0].replace(new RegExp(BLANK, "g"), "").length;
  const before = tail.slice(0, match.index).trimEnd();
  // A name or `)`/`]` before the `(` makes it a call's, a list's or a subscript's; a
  // keyword (`SELECT (`, `AND (`) does not.
  const word = /[\w$\u0080-\uffff]+$/.exec(before)?.[0].toLowerCase();
  if (word ? !KEYWORDS_BEFORE_STRING.has(word) : /[)\]"]$/.test(before)) {
    return opened - 1;
  }
  return opened;
}

/**
 * Whether `rest` (after a literal's closing quote, its comments blanked: sql_lexer.ts
 * blankComments) casts it to an interval with a qualifier, `::interval day`,
 * `)::interval -- c⏎ day` or (`inCast`) `AS INTERVAL DAY TO HOUR)`: the qualifier
 * decides how the text is read, which no bound or joined value keeps. `parens`: as
 * {@link castsAfter}.
 */
export function qualifiedIntervalAfter(rest: string, inCast: boolean, parens: number): boolean {
  return castsAfter(rest, inCast, parens).some(isQualifiedInterval);
}

/**
 * Whether `tail` (the code before a literal) ends with `CAST(`, and parentheses that
 * group the literal (`CAST(('…') AS t)`), across comments.
 */
export function opensCast(tail: string): boolean {
  return new RegExp(String.raw`(?<![\w$])cast${BLANK}*\((?:${BLANK}|\()*$`, "i").test(tail);
}

/**
 * What reads a literal as a structured value by where it stands, from `tail` (the code
 * before it): `XMLPARSE(DOCUMENT|CONTENT '…')` reads XML; the first argument of
 * xpath/xpath_exists/XMLEXISTS/XMLTABLE is an XPath; PostgreSQL's JSON and array
 * operators (`@>`, `<@`, `&&`, `?|`, `?&`, `#>`, `#>>`, `#-`) read a `{…}`/`[…]` operand
 * as a document, an array or a path (`brace`: the literal's text starts with `{` or `[`).
 */
export function structuredBefore(tail: string, brace: boolean): TypedLiteral | undefined {
  const code = tail.slice(0, TRAILING_BLANKS.exec(tail)!.index);
  if (/(?<![\w$])xmlparse\s*\(\s*(?:document|content)$/i.test(code)) {
    return structuredRefusal("xml");
  }
  if (/(?<![\w$])(?:xmlexists|xmltable)\s*\($/i.test(code)) return XPATH_REFUSAL;
  // xpath is a function: also `"xpath"(`, `pg_catalog.xpath(`.
  const call = openCall(code);
  if (call && /^xpath(?:_exists)?$/.test(call.name) && call.arg === 0) return XPATH_REFUSAL;
  if (brace && /(?:@>|<@|&&|\?\||\?&|#>>?|#-)$/.test(code)) return structuredRefusal(undefined);
  return undefined;
}

/** Whether `rest` (after a `{`/`[` literal) is a JSON or array operator reading it. */
export function structuredOperatorAfter(rest: string): boolean {
  return /^\s*(?:@>|<@|&&|\?\||\?&)/.test(rest);
}

/**
 * Whether a literal's text (up to its first `${`) is JSON-shaped: an object with a
 * quoted key, or an array of strings, objects or arrays (`{"`, `["`, `[{`, `[[`). Such a
 * text is a document whoever reads it (a jsonb column casts it implicitly); a text that
 * merely starts with `[` or `{` (`'[ETL] loaded …'`) is not.
 */
export function jsonShaped(body: string): boolean {
  return /^\s*(?:\{\s*"|\[\s*["{[])/.test(body);
}

/**
 * A `${...}` joined into a literal read as a structured value (`type`, or its text
 * starting with `{`/`[` when `type` is undefined): the refusal, naming what to write.
 */
export function structuredRefusal(type: string | undefined): TypedLiteral {
  const what = type === undefined
    ? "a JSON document or an array literal"
    : `a literal read as ${type}`;
  return {
    message: `a \`\${...}\` cannot be joined into ${what}: the value would be read as part ` +
      `of its structure, so it could add keys, elements or fields`,
    hint: type !== undefined && /xml/i.test(type)
      ? "build the value from the bound one: xmlelement(name name, ${...}::text), or bind " +
        "the whole document: XMLPARSE(DOCUMENT ${...})"
      : "build the value from the bound one (PostgreSQL): jsonb_build_object('name', " +
        "${...}::text), to_jsonb(${...}::text), ARRAY[${...}::text], or bind it whole " +
        "with CAST(${...} AS type)",
  };
}

/** A `${...}` joined into an XPath (xpath's first argument): the refusal. */
export const XPATH_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot be joined into an XPath: the value would be read as part " +
    "of the path, so it could add steps or conditions",
  hint: "select with a fixed path and compare outside it: " +
    "(xpath('/u/name/text()', doc))[1]::text = ${...}",
};

/** A `${...}` inside a X'…' or B'…' bit-string or blob literal: the refusal. */
export function bitStringRefusal(prefix: string): TypedLiteral {
  return {
    message: `a \`\${...}\` cannot stand inside a ${prefix}'…' literal: its text is ` +
      `${prefix === "X" ? "hex digits" : "bits"}, not a value`,
    hint: prefix === "X"
      ? "bind the hex text and convert it: `unhex(${...})` in SQLite, " +
        "`decode(${...}, 'hex')` in PostgreSQL"
      : "bind the value and convert it with CAST(${...} AS varbit)",
  };
}

/** A `${...}` in a literal right after `)` (`varchar(10) '…'`, an SQLite alias). */
export const PAREN_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in a literal right after `)`: that literal is a typed " +
    "constant (`varchar(10) '…'`) or, in SQLite, an alias",
  hint: "bind the value and convert it with CAST(${...} AS type)",
};

/**
 * A `${...}` joined into an interval literal with a qualifier (`INTERVAL '${n}' DAY`,
 * `'…'::interval day`): the qualifier decides how the text is read (`'5'` is 5 days), which
 * a cast of text to the type does not do (it reads 5 seconds, then truncates to days).
 */
export const QUALIFIED_INTERVAL_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in an interval literal with a qualifier " +
    "(`DAY`, `HOUR TO MINUTE`, …): the qualifier decides how the literal's text is read, " +
    "which a bound value cannot keep",
  hint: "write ${...} * INTERVAL '1 day', or make_interval(days => ${...})",
};

/** SQLite: a `${...}` in a literal after a name, which SQLite reads as an alias. */
export function sqliteAliasRefusal(word: string): TypedLiteral {
  return {
    message: `a \`\${...}\` cannot stand in the literal after ${word}: SQLite has no typed ` +
      `constants and reads \`${word} '…'\` as a name and its alias`,
    hint: "bind the value and convert it with CAST(${...} AS type) or a function: " +
      "date(${...})",
  };
}

/** The whole literal of a typed constant is one `${...}`: the refusal. */
export function wholeTypedRefusal(type: string): TypedLiteral {
  return {
    message: `a \`\${...}\` cannot be the whole of the typed literal ${type} '…': its quotes ` +
      `would go and leave ${type} before a parameter, which no database reads`,
    hint: `write CAST(\${...} AS ${type}) (PostgreSQL also reads \${...}::${type})` +
      (/^interval$/i.test(type) ? ", or ${...} * INTERVAL '1 day'" : ""),
  };
}
