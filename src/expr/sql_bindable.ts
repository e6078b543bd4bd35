/**
 * Which statements a database binds parameters in, for the binder (sql.ts): a `${...}`
 * in `query` becomes a parameter, and a statement that takes none can never run with
 * one — PostgreSQL answers `syntax error at or near "$1"` (or `could not determine data
 * type of parameter $1`) about a `$1` the user never wrote. Refused instead, naming the
 * statement and what to write.
 * - PostgreSQL binds parameters only in the statements its parse analysis transforms
 *   (src/backend/parser/analyze.c, transformStmt): SELECT (also SELECT … INTO), INSERT,
 *   UPDATE, DELETE, MERGE, VALUES, TABLE, WITH …, a parenthesised query, CALL, DECLARE …
 *   CURSOR, EXPLAIN of those, and CREATE TABLE … AS (not AS EXECUTE). Every other
 *   statement is a utility statement and takes none: SET, NOTIFY, COMMENT ON, CREATE
 *   ROLE/USER … PASSWORD, CREATE TABLE (… DEFAULT …), CREATE VIEW/MATERIALIZED VIEW,
 *   CREATE INDEX … WHERE, ALTER …, PREPARE, EXECUTE, COPY, DO, ….
 * - SQLite binds them in SELECT, INSERT, REPLACE, UPDATE, DELETE, VALUES, WITH …,
 *   ATTACH, DETACH, VACUUM INTO, EXPLAIN [QUERY PLAN] of those and CREATE TABLE … AS;
 *   it refuses them in views, triggers, CHECK, DEFAULT, generated columns, index
 *   expressions and partial-index WHERE (sqlite3's "parameters are not allowed in
 *   views", "trigger cannot use variables", …), and the other statements take no value.
 * Each list was checked against PostgreSQL 15 and Deno's node:sqlite.
 * The tracker is fed a statement's code as the binder lexes it (sql_clauses.ts): one
 * character of code at a time, strings and values as opaque tokens.
 * @module
 */
import type { SqlDialect } from "./sql_statements.ts";

/** Words read at the statement's top level, enough for its kind and a CREATE TABLE's AS. */
const HEAD_WORDS = 24;

/** Words that modify a CREATE (or ALTER, …) before the kind of object it names. */
const MODIFIERS = new Set([
  "OR",
  "REPLACE",
  "GLOBAL",
  "LOCAL",
  "TEMP",
  "TEMPORARY",
  "UNLOGGED",
  "UNIQUE",
  "MATERIALIZED",
  "VIRTUAL",
  "FOREIGN",
  "RECURSIVE",
  "DEFAULT",
  "TRUSTED",
  "PROCEDURAL",
  "EVENT",
  "CONSTRAINT",
]);

/** First words whose statement is named with the object kind after them (`CREATE ROLE`). */
const NAMED_BY_OBJECT = new Set([
  "CREATE",
  "ALTER",
  "DROP",
  "COMMENT",
  "SECURITY",
  "REFRESH",
  "IMPORT",
]);

/** Statements PostgreSQL binds parameters in (by first word). */
const POSTGRES_BINDS = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "VALUES",
  "TABLE",
  "WITH",
  "CALL",
  "DECLARE",
]);

/** Statements SQLite binds parameters in (by first word). */
const SQLITE_BINDS = new Set([
  "SELECT",
  "INSERT",
  "REPLACE",
  "UPDATE",
  "DELETE",
  "VALUES",
  "WITH",
  "ATTACH",
  "DETACH",
  "VACUUM",
]);

/** First words of SQLite's statements that bind no parameters. */
const SQLITE_STATEMENTS = new Set([
  "CREATE",
  "ALTER",
  "DROP",
  "ANALYZE",
  "REINDEX",
  "BEGIN",
  "COMMIT",
  "END",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
  "PRAGMA",
]);

/** First words of SQLite's statements that PostgreSQL does not have. */
const SQLITE_ONLY = new Set(["ATTACH", "DETACH", "REPLACE", "PRAGMA"]);

const POSTGRES_LIST = "SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, CALL, DECLARE, " +
  "EXPLAIN and CREATE TABLE … AS, also after WITH";
const SQLITE_LIST = "SELECT, INSERT, REPLACE, UPDATE, DELETE, VALUES, ATTACH, DETACH, " +
  "VACUUM INTO and CREATE TABLE … AS, also after WITH";

/** Why a statement cannot take a parameter: the message and what to write instead. */
export interface Unbindable {
  message: string;
  hint: string;
}

/** Reads a statement's top-level words and tells whether it takes parameters. */
export class StatementHead {
  /** Top-level words so far, upper-cased (at most {@link HEAD_WORDS}). */
  #words: string[] = [];
  /** The word being read, or "". */
  #word = "";
  /** Parenthesis depth. */
  #depth = 0;
  /** The statement's first token was a `(` (a parenthesised query). */
  #parenthesised = false;
  /** No token read yet in this statement. */
  #first = true;

  /** One character of code (outside strings, quoted names and comments). */
  char(c: string): void {
    if (/[\w$\u0080-\uffff]/.test(c)) {
      this.#word += c;
      return;
    }
    this.flush();
    if (/\s/.test(c)) return;
    if (c === ";") {
      this.#words = [];
      this.#depth = 0;
      this.#parenthesised = false;
      this.#first = true;
      return;
    }
    if (c === "(") {
      if (this.#first) this.#parenthesised = true;
      this.#depth++;
    } else if (c === ")") this.#depth = Math.max(0, this.#depth - 1);
    this.#first = false;
  }

  /** A string, a quoted name, a $-quoted body or a bound value. */
  token(): void {
    this.flush();
    this.#first = false;
  }

  /** Ends the word being read. */
  flush(): void {
    if (this.#word === "") return;
    if (this.#depth === 0 && this.#words.length < HEAD_WORDS) {
      this.#words.push(this.#word.toUpperCase());
    }
    this.#word = "";
    this.#first = false;
  }

  /**
   * Why a parameter cannot stand at the current position — the statement read so far
   * is one that none of `dialects` binds parameters in — or undefined where one of
   * them does (or the statement has no first word yet). With both dialects (the
   * connection is not known), only what neither binds in is refused.
   */
  refusal(dialects: readonly SqlDialect[]): Unbindable | undefined {
    this.flush();
    let words = this.#words;
    if (words.length === 0 && !this.#parenthesised) return undefined;
    // EXPLAIN [ANALYZE] [VERBOSE] / EXPLAIN QUERY PLAN: the statement explained decides;
    // a value in EXPLAIN's own options is left to the database.
    if (words[0] === "EXPLAIN") {
      let k = 1;
      while (["ANALYZE", "ANALYSE", "VERBOSE", "QUERY", "PLAN"].includes(words[k])) k++;
      if (k === words.length) return undefined;
      words = words.slice(k);
    }
    const binds = (dialect: SqlDialect) => this.#binds(words, dialect);
    if (dialects.some(binds)) return undefined;
    // A statement none of them has (`SET` on SQLite) is left to the database's own
    // syntax error, which names the statement, not a parameter.
    if (!dialects.some((dialect) => has(words, this.#parenthesised, dialect))) return undefined;
    const name = statementName(words, this.#parenthesised);
    const postgres = dialects.includes("postgres");
    const sqlite = dialects.includes("sqlite");
    const why = postgres && sqlite
      ? "neither PostgreSQL nor SQLite takes parameters in one (the connection is not " +
        "known before the run)"
      : postgres
      ? `PostgreSQL takes no parameters in one (only in ${POSTGRES_LIST})`
      : `SQLite takes no parameters in one (only in ${SQLITE_LIST})`;
    const hints: string[] = [];
    if (postgres && has(words, this.#parenthesised, "postgres")) {
      hints.push(postgresHint(words[0] ?? ""));
    }
    if (sqlite && has(words, this.#parenthesised, "sqlite")) {
      hints.push(
        (hints.length > 0 ? "on SQLite, " : "") +
          "write the value into the statement itself: SQLite cannot run a statement " +
          "built from a value, and weft never pastes a value into SQL",
      );
    }
    return {
      message: `a \`\${...}\` cannot stand in ${article(name)} ${name} statement: it would be ` +
        `bound as a query parameter, and ${why}`,
      hint: hints.join("; "),
    };
  }

  /** Whether `dialect` binds parameters in the statement of `words`, at this position. */
  #binds(words: string[], dialect: SqlDialect): boolean {
    if (this.#parenthesised) return dialect === "postgres";
    const first = words[0];
    if ((dialect === "postgres" ? POSTGRES_BINDS : SQLITE_BINDS).has(first)) return true;
    if (first !== "CREATE") return false;
    // CREATE [GLOBAL|LOCAL] {TEMP|TEMPORARY} | UNLOGGED TABLE … AS query: only in the
    // query (a value in a column's DEFAULT or CHECK, before the AS, is not bound).
    let k = 1;
    while (["GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED"].includes(words[k])) k++;
    if (words[k] !== "TABLE") return false;
    const as = words.indexOf("AS", k + 1);
    // PostgreSQL's CREATE TABLE … AS EXECUTE runs a prepared statement: no parameter.
    return as > 0 && as + 1 < words.length && words[as + 1] !== "EXECUTE";
  }
}

/**
 * Whether `dialect` has the statement of `words` at all. PostgreSQL's statements are too
 * many to list: any but SQLite's own; SQLite's are few (lang.html's list).
 */
function has(words: string[], parenthesised: boolean, dialect: SqlDialect): boolean {
  if (dialect === "postgres") return parenthesised || !SQLITE_ONLY.has(words[0]);
  return !parenthesised && (SQLITE_BINDS.has(words[0]) || SQLITE_STATEMENTS.has(words[0]));
}

/** `CREATE ROLE`, `COMMENT ON`, `SET`, …: the statement's first words, as written. */
function statementName(words: string[], parenthesised: boolean): string {
  if (words.length === 0) return parenthesised ? "( … )" : "";
  const name = [words[0]];
  if (NAMED_BY_OBJECT.has(words[0])) {
    let k = 1;
    while (k < words.length && MODIFIERS.has(words[k])) name.push(words[k++]);
    if (k < words.length) name.push(words[k]);
  }
  return name.join(" ");
}

function article(name: string): string {
  return /^[AEIOU]/.test(name) ? "an" : "a";
}

/** What to write on PostgreSQL instead of a value in the statement starting with `first`. */
function postgresHint(first: string): string {
  if (first === "SET") {
    return "set it from a value with `SELECT set_config('name', ${...}, false)` " +
      "(`true` in place of `false` for SET LOCAL)";
  }
  if (first === "NOTIFY") return "send it with `SELECT pg_notify('channel', ${...})`";
  return "run the statement from a function that takes the value as an " +
    "argument and quotes it with format's %L: in the task's `file`, " +
    "`CREATE FUNCTION pg_temp.f(v text) RETURNS void LANGUAGE plpgsql AS " +
    "$$ BEGIN EXECUTE format('… %L …', v); END $$;` (gone when the task's connection " +
    "closes), then `query: SELECT pg_temp.f(${...})`";
}
