/**
 * The statement counter (src/expr/sql_statements.ts): a `;` ends a statement by the
 * lexical rules of the database the text goes to, SQLite's or PostgreSQL's, never a mix.
 */
import assert from "node:assert/strict";
import {
  isBlankSql,
  secondStatementAt,
  type SqlDialect,
  statementStartAt,
} from "../src/expr/sql_statements.ts";

const BOTH: SqlDialect[] = ["sqlite", "postgres"];

/** Asserts that `sql` is one statement for each of `dialects`. */
function one(sql: string, dialects: SqlDialect[]): void {
  for (const d of dialects) assert.equal(secondStatementAt(sql, d), -1, `${d}: ${sql}`);
}

/** Asserts that each of `dialects` finds the second statement of `sql` at `second`. */
function two(sql: string, second: string, dialects: SqlDialect[]): void {
  for (const d of dialects) {
    const at = secondStatementAt(sql, d);
    assert.ok(at >= 0, `${d}: ${sql}`);
    assert.equal(sql.slice(at), second, `${d}: ${sql}`);
  }
}

Deno.test("secondStatementAt: the tester's bypasses are two statements for SQLite", () => {
  two("SELECT 1 /* /* */ ; DROP TABLE victim; /* */", "DROP TABLE victim; /* */", ["sqlite"]);
  two("SELECT $a$ ; DROP TABLE victim; SELECT $a$", "DROP TABLE victim; SELECT $a$", ["sqlite"]);
  two(
    "SELECT E'\\' FROM (SELECT 1 AS E); DROP TABLE victim; --'",
    "DROP TABLE victim; --'",
    ["sqlite"],
  );
  // A column named begin opens no block, in either database.
  two("CREATE TABLE t2(begin); DROP TABLE victim", "DROP TABLE victim", BOTH);
  two("CREATE TABLE IF NOT EXISTS t9 (begin int); DROP TABLE victim", "DROP TABLE victim", BOTH);
  two("CREATE TABLE trigger(begin); DROP TABLE victim", "DROP TABLE victim", ["sqlite"]);
  two("CREATE TABLE function(begin atomic); DROP TABLE victim", "DROP TABLE victim", BOTH);
});

Deno.test("secondStatementAt: PostgreSQL's own quoting hides a ; only for PostgreSQL", () => {
  one("SELECT 1 /* /* */ ; DROP TABLE victim; /* */", ["postgres"]);
  one("SELECT $a$ ; DROP TABLE victim; SELECT $a$", ["postgres"]);
  one("SELECT $é$ ; x $é$", ["postgres"]);
  one("SELECT E'it\\'s; x' AS a", ["postgres"]);
  one("SELECT e'a\\\\'; -- the E string ends after the escaped backslash", ["postgres"]);
  one("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql", ["postgres"]);
  one("CREATE FUNCTION f() RETURNS int AS $b1$ SELECT 1; $b1$ LANGUAGE sql", ["postgres"]);
  one("SELECT 1 /* nested /* ; */ still a comment; */", ["postgres"]);
  one("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); SELECT 2)", [
    "postgres",
  ]);
  two("SELECT E'a\\\\'; SELECT 2", "SELECT 2", ["postgres"]);
  two("SELECT 'a\\'; SELECT 2", "SELECT 2", BOTH); // a standard string: \ is a character
  two("SELECT 1 /* a /* b */ c */; SELECT 2", "SELECT 2", ["postgres"]);
  // Backticks and brackets quote nothing in PostgreSQL.
  two("SELECT 1 `; SELECT 2 `", "SELECT 2 `", ["postgres"]);
  one("SELECT 1 AS `a;b`, [c;d]", ["sqlite"]);
});

Deno.test("secondStatementAt: BEGIN … END only in a trigger (SQLite) or BEGIN ATOMIC routine", () => {
  one("CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END", [
    "sqlite",
  ]);
  one("CREATE TEMP TRIGGER t AFTER UPDATE OF begin ON x BEGIN SELECT 1; END;", ["sqlite"]);
  one(
    "create trigger t after insert on x when new.a > 0 begin " +
      "update y set b = case when new.a > 1 then 1 else 2 end; insert into z values (1); end;",
    ["sqlite"],
  );
  one("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END", [
    "postgres",
  ]);
  one("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; END", ["postgres"]);
  two("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END; SELECT 3", "SELECT 3", ["sqlite"]);
  two("CREATE TEMP TRIGGER t AFTER UPDATE OF begin ON x BEGIN SELECT 1; END; X", "X", [
    "sqlite",
  ]);
  two("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END; DROP TABLE v", "DROP TABLE v", [
    "postgres",
  ]);
  // Not a trigger for PostgreSQL (its triggers call functions), not ATOMIC for SQLite.
  two("CREATE TRIGGER t BEGIN SELECT 1; END", "END", ["postgres"]);
  two("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END", "END", ["sqlite"]);
  two("BEGIN; SELECT 1; END", "SELECT 1; END", BOTH);
  // A body's END comes after a `;`: a column named `end` inside it closes nothing.
  one("CREATE TRIGGER tr AFTER INSERT ON v BEGIN SELECT end FROM v; END", ["sqlite"]);
  two(
    "CREATE TRIGGER tr AFTER INSERT ON v BEGIN SELECT end FROM v; END; DROP TABLE v",
    "DROP TABLE v",
    ["sqlite"],
  );
  two(
    "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT CASE WHEN 1 THEN 2 END; END; DROP TABLE v",
    "DROP TABLE v",
    ["sqlite"],
  );
});

Deno.test("secondStatementAt: common quoting and SQLite's $name(…) parameters", () => {
  for (
    const sql of [
      'SELECT 1 AS "a;b"',
      'SELECT 1 AS "a"";b"',
      "SELECT 'it''s; x'",
      "SELECT 1 -- ; SELECT 2",
      "SELECT 1;",
      "SELECT 1;  \n\n -- done\n /* bye */ ;",
      "SELECT 'unterminated; SELECT 2",
    ]
  ) one(sql, BOTH);
  // tokenize.c: `$a((;)` is one parameter name, so the ; after it ends the statement.
  two("SELECT $a((;) ; DROP TABLE victim", "DROP TABLE victim", ["sqlite"]);
  one("SELECT $a(;)", ["sqlite"]);
  two("SELECT 1; SELECT 2", "SELECT 2", BOTH);
  two("SELECT 1;;x", "x", BOTH);
});

Deno.test("isBlankSql: only whitespace, comments and ; by each dialect's rules", () => {
  for (const d of BOTH) {
    assert.equal(isBlankSql(" ; -- x\n /* y */ ;", d), true, d);
    assert.equal(isBlankSql(" DROP TABLE v", d), false, d);
  }
  assert.equal(isBlankSql("/* /* */ DROP TABLE v */", "sqlite"), false);
  assert.equal(isBlankSql("/* /* */ DROP TABLE v */", "postgres"), true);
});

Deno.test("statementStartAt: past whitespace, comments and ; from a place, -1 when none is left", () => {
  for (const d of BOTH) {
    const sql = "SELECT 1; -- a\n ;/* b */\tINSERT INTO t VALUES (';');\n;";
    assert.equal(statementStartAt(sql, d), 0, d);
    assert.equal(sql.slice(statementStartAt(sql, d, 8)), "INSERT INTO t VALUES (';');\n;", d);
    assert.equal(statementStartAt(sql, d, sql.indexOf(")") + 1), -1, d);
    assert.equal(statementStartAt("", d), -1, d);
  }
  // A nested comment closes only in PostgreSQL: SQLite reads `*/ SELECT 2` as a statement.
  const nested = "/* a /* b */ */ SELECT 2";
  assert.equal(nested.slice(statementStartAt(nested, "postgres")), "SELECT 2");
  assert.equal(nested.slice(statementStartAt(nested, "sqlite")), "*/ SELECT 2");
});
