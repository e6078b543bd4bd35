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
 *   composite, hstore, xml… — by a cast (`'…'::jsonb`, `CAST('…' AS text[])`, `jsonb '…'`)
 *   or by its text (`'{…}'`, `'[…]'`): a value joined into it could add keys or elements,
 *   so that is refused, naming the functions that build such a value from a bound one.
 * @module
 */

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
  const name = type.replace(/^(?:pg_catalog\s*\.\s*)/i, "").replace(/\s*\(.*\)\s*$/, "")
    .replace(/\s+/g, " ").toLowerCase();
  return SCALAR_TYPES.has(name);
}

/**
 * PostgreSQL's interval qualifier after an interval constant (`INTERVAL '5' DAY`,
 * `… DAY TO HOUR`, `… SECOND(3)`), which belongs to the type: its length in `rest`, or 0.
 */
export function intervalQualifierLength(rest: string): number {
  const field = "(?:year|month|day|hour|minute|second)(?:\\s*\\(\\s*\\d+\\s*\\))?";
  return new RegExp(`^\\s+${field}(?:\\s+to\\s+${field})?(?![\\w$])`, "i").exec(rest)?.[0]
    .length ?? 0;
}

/** `UESCAPE 'c'` after a U&'…' string (in `rest`): its escape character, or undefined. */
export function uescapeAfter(rest: string): string | undefined {
  return /^\s*uescape\s*'([^'])'/i.exec(rest)?.[1];
}

/** A type name as a cast writes it, with its modifiers and array brackets. */
const CAST_TYPE =
  String.raw`((?:(?:timestamp|time)\s+with(?:out)?\s+time\s+zone|double\s+precision|` +
  String.raw`(?:character|char|bit)\s+varying|national\s+char(?:acter)?|` +
  String
    .raw`(?:[\w$\u0080-\uffff]+|"(?:[^"]|"")+")(?:\s*\.\s*(?:[\w$\u0080-\uffff]+|"(?:[^"]|"")+"))*)` +
  String.raw`(?:\s*\([\d\s,]*\))?(?:\s*\[\s*\d*\s*\])*)`;

/** The cast written right after a literal (`::jsonb`, `::text[]`), in `rest`, or undefined. */
export function castAfter(rest: string): string | undefined {
  return new RegExp(String.raw`^\s*::\s*` + CAST_TYPE, "i").exec(rest)?.[1];
}

/** `AS type` closing a `CAST(` around a literal (in `rest`), or undefined. */
export function castAsAfter(rest: string): string | undefined {
  return new RegExp(String.raw`^\s*as\s+` + CAST_TYPE + String.raw`\s*\)`, "i").exec(rest)?.[1];
}

/** Whether `tail` (the code before a literal) ends with `CAST(`. */
export function opensCast(tail: string): boolean {
  return /(?<![\w$])cast\s*\(\s*$/i.test(tail);
}

/**
 * A `${...}` joined into a literal read as a structured value (`type`, or its text
 * starting with `{`/`[` when `type` is undefined): the refusal, naming what to write.
 */
export function structuredRefusal(type: string | undefined): TypedLiteral {
  const what = type === undefined
    ? "a literal that starts with `{` or `[` (read as a JSON document or an array)"
    : `a literal read as ${type}`;
  return {
    message: `a \`\${...}\` cannot be joined into ${what}: the value would be read as part ` +
      `of its structure, so it could add keys, elements or fields`,
    hint: "build the value from the bound one: jsonb_build_object('name', ${...}), " +
      "to_jsonb(${...}), ARRAY[${...}], or bind it whole with CAST(${...} AS type)",
  };
}

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
  message: "a `${...}` cannot be joined into an interval literal with a qualifier " +
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
