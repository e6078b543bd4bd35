/**
 * src/expr/sql_bindable.ts through checkSql: a `${...}` in a statement the database binds
 * no parameters in is refused at the `${`, for the database the connection names, and
 * when it is not known only where neither does; the statements that do bind (each one
 * checked against PostgreSQL 15 and node:sqlite) stay allowed, and renderSql refuses
 * the same at run time for the session's database.
 */
import assert from "node:assert/strict";
import { checkSql, renderSql } from "../src/expr/sql.ts";

const PG = ["postgres"] as const;
const LITE = ["sqlite"] as const;

Deno.test("checkSql: statements PostgreSQL binds parameters in stay allowed", () => {
  for (
    const sql of [
      "SELECT ${v}::int",
      "SELECT ${v}::int INTO t4",
      "INSERT INTO t VALUES (${v})",
      "UPDATE t SET a = ${v} RETURNING a",
      "DELETE FROM t WHERE a = ${v}",
      "MERGE INTO t USING u ON t.a = u.id WHEN MATCHED THEN UPDATE SET a = ${v}",
      "VALUES (${v})",
      "WITH x AS (SELECT ${v} AS a) INSERT INTO t SELECT a FROM x",
      "(SELECT ${v})",
      "CALL p(${v})",
      "DECLARE c CURSOR FOR SELECT ${v}",
      "EXPLAIN SELECT ${v}",
      "EXPLAIN ANALYZE VERBOSE SELECT ${v}",
      "EXPLAIN (ANALYZE, COSTS off) SELECT ${v}",
      "CREATE TABLE t2 AS SELECT ${v} AS a",
      "CREATE UNLOGGED TABLE t8 (b) AS SELECT ${v}",
      "CREATE TEMP TABLE IF NOT EXISTS t9 WITH (fillfactor = 70) AS SELECT ${v} AS a",
      "SELECT set_config('statement_timeout', ${v}, false)",
      "SELECT pg_notify('chan', '${v}')",
      "select 'a${v}b' from t",
    ]
  ) {
    assert.equal(checkSql(sql, PG)?.message, undefined, sql);
    assert.equal(checkSql(sql)?.message, undefined, sql);
  }
});

Deno.test("checkSql: PostgreSQL's utility statements are refused at the `${`, naming the statement", () => {
  for (
    const [sql, name] of [
      ["CREATE USER appuser PASSWORD '${v}'", "a CREATE USER"],
      ["create role r login password '${v}'", "a CREATE ROLE"],
      ["ALTER ROLE r0 SET work_mem = ${v}", "an ALTER ROLE"],
      ["COMMENT ON COLUMN users.name IS 'x ${v} y'", "a COMMENT ON"],
      ["SET statement_timeout = ${v}", "a SET"],
      ["SET LOCAL statement_timeout TO '${v}'", "a SET"],
      ["NOTIFY chan, '${v}'", "a NOTIFY"],
      ["CREATE TABLE t (a int DEFAULT ${v})", "a CREATE TABLE"],
      ["CREATE TABLE t (a int DEFAULT ${v}) ", "a CREATE TABLE"],
      ["CREATE TABLE t (a int GENERATED ALWAYS AS (b * ${v}) STORED, b int)", "a CREATE TABLE"],
      ["CREATE TABLE t10 AS EXECUTE pp(${v})", "a CREATE TABLE"],
      ["CREATE MATERIALIZED VIEW mv AS SELECT ${v} AS a", "a CREATE MATERIALIZED VIEW"],
      ["CREATE OR REPLACE VIEW v AS SELECT ${v} AS a", "a CREATE OR REPLACE VIEW"],
      ["CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN ${v}", "a CREATE FUNCTION"],
      ["ALTER TABLE t ALTER COLUMN a SET DEFAULT ${v}", "an ALTER TABLE"],
      ["EXECUTE pp(${v})", "an EXECUTE"],
      ["COPY (SELECT ${v}) TO STDOUT", "a COPY"],
      ["EXPLAIN EXECUTE pp(${v})", "an EXECUTE"],
      ["CREATE SEQUENCE s START ${v}", "a CREATE SEQUENCE"],
      ["SECURITY LABEL ON TABLE users IS '${v}'", "a SECURITY LABEL"],
    ]
  ) {
    const error = checkSql(sql, PG);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${"), sql);
    assert.ok(error.message.includes(`cannot stand in ${name} statement: `), error.message);
    assert.match(error.message, /PostgreSQL takes no parameters in one/);
    assert.ok(error.hint, sql);
    assert.throws(() => renderSql(sql, () => "x", (n) => `$${n}`, PG), /cannot stand in/);
  }
});

Deno.test("checkSql: SQLite refuses views, triggers, DEFAULT, CHECK, index expressions; binds the rest", () => {
  for (
    const sql of [
      "CREATE VIEW v AS SELECT ${v}",
      "CREATE TEMP VIEW v AS SELECT ${v}",
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT ${v}; END",
      "CREATE TABLE t (a DEFAULT (${v}))",
      "CREATE TABLE t (a CHECK (a > ${v}))",
      "CREATE INDEX i ON t (a + ${v})",
      "ALTER TABLE t ADD COLUMN b DEFAULT (${v})",
      "CREATE VIRTUAL TABLE vt USING fts5('${v}')",
      "PRAGMA user_version = '${v}'",
    ]
  ) {
    const error = checkSql(sql, LITE);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${"), sql);
    assert.match(error.message, /SQLite takes no parameters in one/);
  }
  for (
    const sql of [
      "SELECT ${v}",
      "REPLACE INTO t VALUES (${v})",
      "INSERT OR REPLACE INTO t VALUES (${v})",
      "ATTACH ${v} AS other",
      "DETACH ${v}",
      "VACUUM INTO ${v}",
      "VACUUM main INTO ${v}",
      "CREATE TEMP TABLE c AS SELECT ${v} AS a",
      "EXPLAIN QUERY PLAN SELECT ${v}",
      "INSERT INTO t VALUES (1) ON CONFLICT DO UPDATE SET a = ${v}",
      // Not SQLite's statement at all: SQLite's own syntax error says so, not weft.
      "SET x = ${v}",
    ]
  ) {
    assert.equal(checkSql(sql, LITE)?.message, undefined, sql);
  }
});

Deno.test("checkSql, connection unknown: refused only where neither database binds", () => {
  // Neither binds: refused, with both databases' ways.
  for (
    const sql of ["SET a = ${v}", "CREATE VIEW v AS SELECT ${v}", "COMMENT ON TABLE t IS '${v}'"]
  ) {
    const error = checkSql(sql);
    assert.ok(error, sql);
    assert.match(error.message, /neither PostgreSQL nor SQLite takes parameters in one/);
  }
  assert.match(checkSql("CREATE VIEW v AS SELECT ${v}")!.hint!, /pg_temp.*; on SQLite, write/);
  assert.doesNotMatch(checkSql("NOTIFY c, '${v}'")!.hint!, /SQLite/);
  // One of them binds: left to the run, which knows the database.
  for (const sql of ["VACUUM INTO ${v}", "ATTACH ${v} AS o", "CALL p(${v})", "(SELECT ${v})"]) {
    assert.equal(checkSql(sql)?.message, undefined, sql);
  }
  assert.throws(
    () => renderSql("VACUUM INTO ${v}", () => "f", (n) => `$${n}`, PG),
    /cannot stand in a VACUUM statement: .*PostgreSQL takes no parameters/,
  );
  assert.equal(
    renderSql("VACUUM INTO ${v}", () => "f", (n) => `?${n}`, LITE).sql,
    "VACUUM INTO ?1",
  );
});
