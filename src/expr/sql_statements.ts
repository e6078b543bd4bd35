/**
 * How many statements an SQL text holds, as far as a `;` can tell: the database task
 * runs one statement per `query` (SQLite would run the first and drop the rest without a
 * word), so a second one is refused, by `weft validate` and before running. The lexing
 * is the one sql.ts binds values with, PostgreSQL's and SQLite's common rules, plus what
 * makes a `;` part of one statement: a CREATE statement's BEGIN … END body.
 * @module
 */

/**
 * Where the statement after a `;` starts in `sql` (the database task runs one statement
 * per `query`, tasks/database/query.ts: SQLite would run the first and drop the rest
 * without a word), or -1. A `;` that does not end the statement is skipped: inside
 * '…' (E'…' also with \ escapes), "…", `…` and […], PostgreSQL dollar quotes
 * ($$…$$, $tag$…$tag$), comments (-- to the line's end; /* *\/, nested as PostgreSQL
 * nests them), parentheses and, in a CREATE statement, a BEGIN … END body (an SQLite trigger's,
 * PostgreSQL's BEGIN ATOMIC), with CASE … END inside it counted. Whatever is not
 * closed runs to the end of the text: when in doubt the statement is taken as one (the
 * server reports what is wrong with it), never refused.
 */
export function secondStatementAt(sql: string): number {
  let i = 0;
  let ended = false;
  /** The statement's first word, upper-cased; "" until it is read. */
  let first = "";
  /** Open BEGIN/CASE … END blocks of a CREATE statement. */
  let depth = 0;
  /** Open parentheses (an SQLite or PostgreSQL rule's `DO (…; …)`). */
  let parens = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      i = blockCommentEnd(sql, i);
      continue;
    }
    if (ended && c !== ";") return i;
    if (c === ";") {
      if (depth === 0 && parens === 0) ended = true;
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      parens = Math.max(0, parens + (c === "(" ? 1 : -1));
      i++;
      continue;
    }
    const word = /^[A-Za-z_][\w$]*/.exec(sql.slice(i, i + 64))?.[0];
    if (word && !/[\w$]/.test(sql[i - 1] ?? "")) {
      const upper = word.toUpperCase();
      if (first === "") first = upper;
      else if (first === "CREATE") {
        if (upper === "BEGIN" || (upper === "CASE" && depth > 0)) depth++;
        else if (upper === "END" && depth > 0) depth--;
      }
      // E'…' (PostgreSQL): a string in which \ escapes the next character.
      if ((upper === "E") && sql[i + 1] === "'") {
        i = escapedStringEnd(sql, i + 2);
        continue;
      }
      i += word.length;
      continue;
    }
    const close = c === "'" || c === '"' || c === "`" ? c : c === "[" ? "]" : null;
    const tag = c === "$" && !/[\w$]/.test(sql[i - 1] ?? "")
      ? /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64))?.[0]
      : undefined;
    if (close) {
      const end = sql.indexOf(close, i + 1);
      i = end < 0 ? sql.length : end + 1;
    } else if (tag) {
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else i++;
  }
  return -1;
}

/** The index after the block comment opening at `start` (PostgreSQL nests them). */
function blockCommentEnd(sql: string, start: number): number {
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

/** Whether `sql` has a statement after a `;` ({@link secondStatementAt}). */
export function hasSecondStatement(sql: string): boolean {
  return secondStatementAt(sql) >= 0;
}
