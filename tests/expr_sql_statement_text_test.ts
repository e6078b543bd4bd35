/**
 * src/expr/sql_statement_text.ts through checkSql: a `${...}` anywhere in the argument of
 * a function that runs its text as SQL (query_to_xml, ts_stat, ts_rewrite's query,
 * dblink, crosstab, connectby) is refused at the `${`, whatever wraps it there
 * (concat, format, coalesce, a scalar subquery, `||`) and however the function's name is
 * spelled (quoted, schema-qualified, upper case, U&"…"); values elsewhere in the
 * statement, and in those functions' other arguments, are bound.
 */
import assert from "node:assert/strict";
import { checkSql } from "../src/expr/sql.ts";

const pgOnly = ["postgres"] as const;

function refused(sqls: string[]): void {
  for (const sql of sqls) {
    const error = checkSql(sql, pgOnly);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${v}"), sql);
    assert.match(error.message, /SQL statement passed as text/, sql);
    assert.match(error.hint!, /write the statement itself in `query`/, sql);
  }
}

function bound(sqls: string[]): void {
  for (const sql of sqls) assert.equal(checkSql(sql, pgOnly), undefined, sql);
}

Deno.test("checkSql: SQL text refused under any spelling of the function's name", () => {
  refused([
    `SELECT "query_to_xml"('\${v}', true, true, '')::text AS r`,
    `SELECT "query_to_xml"(\${v}, true, true, '')`,
    `SELECT pg_catalog."query_to_xml"('SELECT \${v}', true, true, '')`,
    `SELECT "pg_catalog"."query_to_xmlschema"(\${v}, true, true, '')`,
    `SELECT QUERY_TO_XML(\${v}, true, true, '')`,
    `SELECT * FROM "ts_stat"('SELECT tsv FROM d WHERE k = \${v}')`,
    `SELECT U&"query\\005Fto_xml"(\${v}, true, true, '')`,
    `SELECT query_to_xml(query => \${v}, nulls => true, tableforest => true, targetns => '')`,
  ]);
  // Its other arguments are values: `nulls`, `targetns`.
  bound([`SELECT "query_to_xml"('SELECT 1', \${v}, true, '')`]);
});

Deno.test("checkSql: SQL text refused at any depth inside the argument", () => {
  refused([
    "SELECT query_to_xml(concat('SELECT ', ${v}), true, true, '')",
    "SELECT query_to_xml(format('SELECT %s', ${v}), true, true, '')",
    "SELECT query_to_xml((SELECT ${v}), true, true, '')",
    "SELECT query_to_xml(coalesce(${v}, 'x'), true, true, '')",
    "SELECT query_to_xml('SELECT ' || ${v}, true, true, '')",
    "SELECT query_to_xml(concat('SELECT ', '${v}'), true, true, '')",
    "SELECT query_to_xml(concat('SELECT ${v}'), true, true, '')",
    "SELECT * FROM ts_stat(format('SELECT to_tsvector(%L)', ${v}::text))",
    "SELECT * FROM ts_stat(lower(upper(replace('SELECT x', 'x', ${v}))))",
    "SELECT ts_rewrite('a'::tsquery, format('SELECT %s', ${v}))",
    "SELECT * FROM dblink('dbname=x', concat('SELECT ', ${v})) AS t(a text)",
    "SELECT * FROM crosstab(format('SELECT %s', ${v})) AS t(a text)",
    "SELECT * FROM connectby('t', 'id', 'parent', ${v}, 0) AS t(a int)",
    // A long text before the value does not hide the call.
    `SELECT query_to_xml(format('SELECT ${"x".repeat(1000)} %s', \${v}), true, true, '')`,
  ]);
  bound([
    // ts_rewrite's three-argument form takes tsqueries; a wrapped whole value is one.
    "SELECT ts_rewrite('a'::tsquery, coalesce(${v}, 'x')::tsquery, 'b'::tsquery)",
    "SELECT ts_rewrite('a'::tsquery, ${v}, 'b'::tsquery)",
    // A value after the call has closed, or before it opened.
    "SELECT query_to_xml('SELECT 1', true, true, ''), concat('a', ${v})",
    "SELECT concat(${v}, 'x'), query_to_xml('SELECT 1', true, true, '')",
  ]);
});
