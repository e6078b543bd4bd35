/**
 * How many statements an SQL text holds, as far as a `;` can tell: the database task
 * runs one statement per `query` (SQLite would run the first and drop the rest without a
 * word), so a second one is refused, by `weft validate` and before running. The text is
 * lexed by the rules of the database it goes to, not by a mix of both: a rule one
 * dialect has and the other lacks (PostgreSQL's nested comments, E'…' strings and
 * $tag$ bodies; SQLite's `…` and […] names and $name(…) parameters) would hide a `;`
 * from the count that the database itself reads as the end of a statement.
 * Sources: SQLite's tokenizer (src/tokenize.c, sqlite3GetToken) and grammar (CREATE
 * TRIGGER … BEGIN … END); PostgreSQL's lexer (src/backend/parser/scan.l) and CREATE
 * FUNCTION/PROCEDURE's `BEGIN ATOMIC … END` body (as psql's lexer counts it).
 * @module
 */

/** The database whose lexical rules a text is read by. */
export type SqlDialect = "sqlite" | "postgres";

/** Both dialects, for a text whose database is not known yet (`weft validate`). */
export const SQL_DIALECTS: readonly SqlDialect[] = ["sqlite", "postgres"];

/**
 * The database a `connection` goes to when its scheme is written out (`sqlite:…`,
 * `postgres://${env.HOST}/…`), as model/connection.ts reads schemes; else undefined.
 */
export function connectionDialect(connection: unknown): SqlDialect | undefined {
  if (typeof connection !== "string") return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(connection)?.[1]?.toLowerCase();
  if (scheme === "sqlite" || scheme === "sqlite3") return "sqlite";
  if (scheme === "postgres" || scheme === "postgresql") return "postgres";
  return undefined;
}

/**
 * A PostgreSQL `$tag$` (or `$$`) opening a dollar-quoted body, sticky (matches at
 * `lastIndex` only). A tag is an identifier without `$`: a letter, `_` or any non-ASCII
 * character, then those or digits (scan.l's dolq_start/dolq_cont; non-ASCII bytes are
 * letters there). The binder (sql.ts) reads tags with this same expression.
 */
export const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;

/** A word (keyword or unquoted name) at a position, sticky; non-ASCII is a letter in both. */
const WORD = /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/y;
/** A character that continues a word (so a `$` or `'` after it is not a new token). */
const WORD_CHAR = /[\w$\u0080-\uffff]/;
/** SQLite's whitespace (only these; other characters are parts of words). */
const SQLITE_SPACE = /[ \t\n\f\r]/;
/** PostgreSQL's whitespace (scan.l's `space`; a non-ASCII space is a letter there). */
const PG_SPACE = /[ \t\n\r\f\v]/;

/** One token: where it ends, and what matters about it. */
interface Token {
  end: number;
  kind: "blank" | "semi" | "word" | "open" | "close" | "other";
  /** The word, upper-cased (kind "word"). */
  word?: string;
}

/**
 * Where the statement after a `;` starts in `sql`, read by `dialect`'s rules, or -1.
 * A `;` that does not end the statement is skipped: inside strings, quoted names,
 * comments (SQLite's do not nest, PostgreSQL's do), PostgreSQL's E'…' (with \ escapes)
 * and $tag$ bodies, PostgreSQL parentheses (a rule's `DO (…; …)`), an SQLite CREATE
 * TRIGGER's BEGIN … END body, or a PostgreSQL CREATE FUNCTION/PROCEDURE's BEGIN ATOMIC
 * … END body (CASE … END counted inside them). A BEGIN anywhere else (a column named
 * `begin`, a transaction) opens nothing. Whatever is not closed runs to the end of the
 * text: the database reports what is wrong with it.
 */
export function secondStatementAt(sql: string, dialect: SqlDialect): number {
  let i = 0;
  let ended = false;
  /** The statement's words so far, upper-cased, up to the fifth. */
  const head: string[] = [];
  /** Open BEGIN/CASE … END blocks of a trigger or routine body, innermost last. */
  const blocks: ("BEGIN" | "CASE")[] = [];
  /** The last token read was a `;` (a body's END follows one: each statement in it ends so). */
  let afterSemi = false;
  /** Open parentheses (PostgreSQL only). */
  let parens = 0;
  /** A PostgreSQL routine's BEGIN was just read: ATOMIC next opens its body. */
  let begun = false;
  while (i < sql.length) {
    const token = nextToken(sql, i, dialect);
    const start = i;
    i = token.end;
    if (token.kind === "blank") continue;
    if (token.kind === "semi") {
      if (blocks.length === 0 && parens === 0) ended = true;
      begun = false;
      afterSemi = true;
      continue;
    }
    if (ended) return start;
    const wasAfterSemi = afterSemi;
    afterSemi = false;
    const wasBegun = begun;
    begun = false;
    if (token.kind === "open" || token.kind === "close") {
      parens = Math.max(0, parens + (token.kind === "open" ? 1 : -1));
      continue;
    }
    if (token.kind !== "word") continue;
    const word = token.word!;
    if (head.length < 5) head.push(word);
    if (blocks.length > 0) {
      const inner = blocks[blocks.length - 1];
      if (word === "CASE") blocks.push("CASE");
      // A CASE's END closes it; a body's END only right after a `;`, so a column named
      // `end` in a body's statement (`SELECT end FROM t;`) closes nothing.
      else if (word === "END" && (inner === "CASE" || wasAfterSemi)) blocks.pop();
    } else if (word === "BEGIN" && head[0] === "CREATE") {
      // SQLite: CREATE [TEMP|TEMPORARY] TRIGGER; a `begin` in its header (a column
      // named so) opens early, and the body's BEGIN … END still closes it.
      if (dialect === "sqlite" && isTrigger(head)) blocks.push("BEGIN");
      // PostgreSQL: CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN ATOMIC, outside ( ).
      if (dialect === "postgres" && parens === 0 && isRoutine(head)) begun = true;
    } else if (wasBegun && word === "ATOMIC") blocks.push("BEGIN");
  }
  return -1;
}

/** Whether `sql` has a statement after a `;` ({@link secondStatementAt}). */
export function hasSecondStatement(sql: string, dialect: SqlDialect): boolean {
  return secondStatementAt(sql, dialect) >= 0;
}

/**
 * Whether `text` holds nothing the database would run: only whitespace, comments and
 * `;`, read by `dialect`'s rules (for what a driver left unread after one statement).
 */
export function isBlankSql(text: string, dialect: SqlDialect): boolean {
  for (let i = 0; i < text.length;) {
    const token = nextToken(text, i, dialect);
    if (token.kind !== "blank" && token.kind !== "semi") return false;
    i = token.end;
  }
  return true;
}

/**
 * Where the next statement of `text` starts at or after `from`: past whitespace, comments
 * and `;`, read by `dialect`'s rules; -1 when none is left (the rest is blank). A script
 * runner starts each statement here: SQLite prepares nothing from a blank text.
 */
export function statementStartAt(text: string, dialect: SqlDialect, from = 0): number {
  for (let i = from; i < text.length;) {
    const token = nextToken(text, i, dialect);
    if (token.kind !== "blank" && token.kind !== "semi") return i;
    i = token.end;
  }
  return -1;
}

/** CREATE [TEMP|TEMPORARY] TRIGGER (a table named `trigger` is not one). */
function isTrigger(head: string[]): boolean {
  return head[1] === "TRIGGER" ||
    ((head[1] === "TEMP" || head[1] === "TEMPORARY") && head[2] === "TRIGGER");
}

/** CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
function isRoutine(head: string[]): boolean {
  const kind = head[1] === "OR" && head[2] === "REPLACE" ? head[3] : head[1];
  return kind === "FUNCTION" || kind === "PROCEDURE";
}

/** The token of `sql` that starts at `i` (not past its end). */
function nextToken(sql: string, i: number, dialect: SqlDialect): Token {
  const c = sql[i];
  const sqlite = dialect === "sqlite";
  if ((sqlite ? SQLITE_SPACE : PG_SPACE).test(c)) return { end: i + 1, kind: "blank" };
  if (c === "-" && sql[i + 1] === "-") {
    // SQLite ends a line comment at \n; PostgreSQL at \n or \r.
    const match = sqlite ? /\n/g : /[\n\r]/g;
    match.lastIndex = i;
    const end = match.exec(sql)?.index;
    return { end: end === undefined ? sql.length : end + 1, kind: "blank" };
  }
  if (c === "/" && sql[i + 1] === "*") {
    if (sqlite) {
      const end = sql.indexOf("*/", i + 2);
      return { end: end < 0 ? sql.length : end + 2, kind: "blank" };
    }
    return { end: nestedCommentEnd(sql, i), kind: "blank" };
  }
  if (c === ";") return { end: i + 1, kind: "semi" };
  if (c === "(") return { end: i + 1, kind: sqlite ? "other" : "open" };
  if (c === ")") return { end: i + 1, kind: sqlite ? "other" : "close" };
  const afterWord = WORD_CHAR.test(sql[i - 1] ?? "");
  if (!afterWord) {
    WORD.lastIndex = i;
    const word = WORD.exec(sql)?.[0];
    if (word) {
      // E'…' (PostgreSQL): a string in which \ escapes the next character.
      if (!sqlite && (word === "E" || word === "e") && sql[i + 1] === "'") {
        return { end: escapedStringEnd(sql, i + 2), kind: "other" };
      }
      return { end: i + word.length, kind: "word", word: word.toUpperCase() };
    }
  }
  // Quotes: a doubled quote closes and reopens, which finds the same end.
  const close = c === "'" || c === '"'
    ? c
    : sqlite && c === "`"
    ? c
    : sqlite && c === "["
    ? "]"
    : null;
  if (close) {
    const end = sql.indexOf(close, i + 1);
    return { end: end < 0 ? sql.length : end + 1, kind: "other" };
  }
  if (sqlite && "$@:#".includes(c)) return { end: sqliteVariableEnd(sql, i), kind: "other" };
  if (!sqlite && c === "$" && !afterWord) {
    DOLLAR_TAG.lastIndex = i;
    const tag = DOLLAR_TAG.exec(sql)?.[0];
    if (tag) {
      const end = sql.indexOf(tag, i + tag.length);
      return { end: end < 0 ? sql.length : end + tag.length, kind: "other" };
    }
  }
  return { end: i + 1, kind: "other" };
}

/** The index after the PostgreSQL block comment opening at `start` (they nest). */
function nestedCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** The index after the E'…' string whose text starts at `i`. */
function escapedStringEnd(sql: string, i: number): number {
  while (i < sql.length) {
    if (sql[i] === "\\") i += 2;
    else if (sql[i] === "'") return i + 1;
    else i++;
  }
  return sql.length;
}

/**
 * The index after an SQLite parameter `$name`, `@name`, `:name` or `#name` at `i`, with
 * tokenize.c's Tcl forms: `::` inside the name, and `$name(…)` running to the `)` (or to
 * whitespace, where SQLite calls it illegal), so a `;` inside the ( ) is the name's.
 */
function sqliteVariableEnd(sql: string, i: number): number {
  let n = 0;
  let j = i + 1;
  for (; j < sql.length; j++) {
    const c = sql[j];
    if (/[\w$\u0080-\uffff]/.test(c)) n++;
    else if (c === "(" && n > 0) {
      j++;
      while (j < sql.length && !SQLITE_SPACE.test(sql[j]) && sql[j] !== ")") j++;
      return sql[j] === ")" ? j + 1 : j;
    } else if (c === ":" && sql[j + 1] === ":") j++;
    else break;
  }
  return j;
}
