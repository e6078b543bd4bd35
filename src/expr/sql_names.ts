/**
 * PostgreSQL's names as the server reads them, for the binder's place checks
 * (sql_structured_places.ts, sql_function_places.ts, sql_typed.ts): an unquoted name is
 * folded to lower case (ASCII letters only, as scan.l's downcase_identifier does for a
 * multi-byte encoding), a quoted one is kept as written with `""` read as one `"`, and a
 * `U&"…"` one has its `\XXXX` / `\+XXXXXX` escapes (or those of its `UESCAPE 'c'`)
 * decoded. So `"jsonb"`, `JSONB` and `U&"\006Asonb"` all name jsonb, while `"JSONB"` names
 * another function or type. Source: PostgreSQL 15 "4.1.1 Identifiers and Key Words".
 * @module
 */

/** One name: `U&"…"` [UESCAPE 'c'], `"…"`, or a word. */
const NAME_PART = String
  .raw`(?:[uU]&"(?:[^"]|"")*"(?:\s*uescape\s*'[^']')?|"(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`;

/** A name qualified by others (`pg_catalog."jsonb"`), as a regular expression's source. */
export const QUALIFIED_NAME = `${NAME_PART}(?:\\s*\\.\\s*${NAME_PART})*`;

/**
 * The name (one part, its schema left off) that `code` ends with, folded as the server
 * folds it, and where its last part starts; undefined when `code` ends with no name.
 */
export function nameBefore(code: string): { name: string; at: number } | undefined {
  const match = new RegExp(`(?<![\\w$\\u0080-\\uffff"])${NAME_PART}\\s*$`, "i").exec(code);
  if (!match) return undefined;
  return { name: foldName(match[0].trimEnd()), at: match.index };
}

/** A name at the start of `text` (named notation's parameter): folded, with its length. */
export function nameAt(text: string): { name: string; length: number } | undefined {
  const match = new RegExp(`^${NAME_PART}`, "i").exec(text);
  return match ? { name: foldName(match[0]), length: match[0].length } : undefined;
}

/** One name part as written (`Foo`, `"Foo"`, `U&"F\006Fo"`), as the server reads it. */
export function foldName(part: string): string {
  const unicode = /^[uU]&"((?:[^"]|"")*)"(?:\s*uescape\s*'([^'])')?$/i.exec(part);
  if (unicode) return decodeUnicode(unicode[1].replaceAll('""', '"'), unicode[2] ?? "\\");
  if (part.startsWith('"')) return part.slice(1, -1).replaceAll('""', '"');
  return part.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** A U&"…" name's text with its escapes (`cXXXX`, `c+XXXXXX`, `cc`) decoded. */
function decodeUnicode(text: string, c: string): string {
  const e = c.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
  return text.replace(
    new RegExp(`${e}(?:${e}|\\+([0-9a-fA-F]{6})|([0-9a-fA-F]{4}))`, "g"),
    (all, six?: string, four?: string) => {
      const code = six ?? four;
      if (code === undefined) return c;
      const n = parseInt(code, 16);
      return n <= 0x10ffff ? String.fromCodePoint(n) : all;
    },
  );
}

/**
 * A type name as a cast or typed constant writes it (`pg_catalog."jsonb"`, `"_text"[]`,
 * `VARCHAR(10)`), each quoted part unquoted and each unquoted part folded, blanks around
 * `.` dropped: `pg_catalog.jsonb`, `_text[]`, `varchar(10)`.
 */
export function foldTypeName(type: string): string {
  return type.replace(TYPE_PART, foldName).replace(/\s*\.\s*/g, ".");
}

/** A type name's parts: a `U&"…"` or `"…"` name, or the unquoted text up to the next. */
const TYPE_PART =
  /[uU]&"(?:[^"]|"")*"(?:\s*uescape\s*'[^']')?|"(?:[^"]|"")*"|[^"]+?(?=[uU]&"|"|$)/gi;

/**
 * A type name as one key to compare (`text`, `double precision`, `varchar(10)`,
 * `myschema.t`, `Text` for the quoted `"Text"`): {@link foldTypeName}'s name, the
 * `pg_catalog.` schema left off (the schema every built-in type is in), and blanks
 * outside quotes squeezed to one space, so that `TEXT`, `"text"`, `PG_CATALOG . text`
 * and `U&"\0074ext"` are one key, as the server reads them as one type.
 */
export function typeKey(type: string): string {
  return type.trim().replace(
    TYPE_PART,
    (part) =>
      /^(?:[uU]&)?"/.test(part)
        ? foldName(part)
        : foldName(part).replace(/\s*\.\s*/g, ".").replace(/\s+/g, " "),
  ).replace(/^pg_catalog\./, "");
}
