/**
 * `${...}` in SQL (src/expr/sql.ts): values are bound as parameters, so none can change
 * the statement; substitutions that cannot be a parameter are refused at their offset.
 */
import assert from "node:assert/strict";
import { checkSql, renderSql } from "../src/expr/sql.ts";
import { ExpressionError } from "../src/expr/mod.ts";

const pg = (n: number) => `$${n}`;
/** The value of a substitution: its own source, so tests see what was bound where. */
const echo = (source: string) => `<${source}>`;

Deno.test("renderSql: a bare value and a whole quoted literal become placeholders", () => {
  assert.deepEqual(
    renderSql("SELECT * FROM t WHERE a = ${params.a} AND b = '${params.b}'", echo, pg),
    {
      sql: "SELECT * FROM t WHERE a = $1 AND b = $2",
      params: ["<${params.a}>", "<${params.b}>"],
    },
  );
  assert.deepEqual(
    renderSql("SELECT x FROM t LIMIT ${n}", echo, (n) => `?${n}`).sql,
    "SELECT x FROM t LIMIT ?1",
  );
  assert.deepEqual(
    renderSql("SELECT 1 FROM t WHERE a IN (${a}, ${b})", echo, pg).sql,
    "SELECT 1 FROM t WHERE a IN ($1, $2)",
  );
});

Deno.test("renderSql: a value inside a longer literal is joined to it as text", () => {
  assert.deepEqual(
    renderSql("SELECT 1 WHERE a LIKE '%${q}%'", echo, pg).sql,
    // A value in a pattern matches as text (sql_patterns.ts): weft adds the ESCAPE.
    "SELECT 1 WHERE a LIKE ('%' || CAST($1 AS TEXT) || '%') ESCAPE '\\'",
  );
  // '' stays an escaped quote on both sides; an E'' literal is reopened as E''.
  assert.deepEqual(
    renderSql("SELECT '${a}''s', 'it''${b}'", echo, pg).sql,
    "SELECT ('' || CAST($1 AS TEXT) || '''s'), ('it''' || CAST($2 AS TEXT) || '')",
  );
  assert.deepEqual(
    renderSql("SELECT E'\\'${a}\\n'", echo, pg).sql,
    "SELECT (E'\\'' || CAST($1 AS TEXT) || E'\\n')",
  );
});

Deno.test("renderSql: hostile values stay values; the statement's text never holds them", () => {
  const evil = "x' OR '1'='1'; DROP TABLE users; --";
  const bound = renderSql("SELECT * FROM users WHERE name = '${params.n}'", () => evil, pg);
  assert.deepEqual(bound, { sql: "SELECT * FROM users WHERE name = $1", params: [evil] });
  // Quotes, comments and $-numbers in the literal text are not read as substitutions.
  assert.deepEqual(
    renderSql("SELECT '$1 -- ${x}', '--', ${y}", echo, pg).sql,
    "SELECT ('$1 -- ' || CAST($1 AS TEXT) || ''), '--', $2",
  );
  assert.deepEqual(renderSql("SELECT '$${x}', ${y}", echo, pg), {
    sql: "SELECT '${x}', $1",
    params: ["<${y}>"],
  });
});

Deno.test("checkSql: a value that would be a name, code or comment is refused at its ${", () => {
  const cases: [string, number, RegExp][] = [
    ["SELECT * FROM users_${t}", 20, /a name or a part of one/],
    ["SELECT s.${c} FROM s", 9, /a name or a part of one/],
    ["SELECT ${f}(1)", 7, /a name or a part of one/],
    ['SELECT * FROM "${t}"', 15, /inside a quoted name/],
    ["SELECT 1 -- ${t}", 12, /in a comment/],
    ["SELECT 1 /* ${t} */", 12, /in a comment/],
    ["SELECT $$ ${x} $$", 10, /inside a \$-quoted body/],
    ["SELECT ${a}${b}", 11, /next to another/],
    ["${params.sql}", 0, /for the statement or its first keyword/],
    ["  ${verb} * FROM t", 2, /for the statement or its first keyword/],
  ];
  for (const [sql, offset, message] of cases) {
    const error = checkSql(sql);
    assert.ok(error instanceof ExpressionError, sql);
    assert.match(error.message, message, sql);
    assert.deepEqual(error.offset, offset, sql);
    assert.throws(() => renderSql(sql, echo, pg), ExpressionError);
  }
  assert.deepEqual(checkSql("SELECT 1 -- ${t}\nWHERE a = ${v}"), checkSql("SELECT 1 -- ${t}"));
  // […] is a quoted name in SQLite only: in PostgreSQL it is a subscript, where a value goes.
  const bracket = checkSql("SELECT * FROM [${t}]", ["sqlite"]);
  assert.match(bracket?.message ?? "", /inside a quoted name/);
  assert.equal(bracket?.offset, 15);
  assert.equal(checkSql("SELECT tags[${i}] FROM t", ["postgres"]), undefined);
  assert.deepEqual(checkSql("SELECT a FROM t WHERE b = ${v}::int"), undefined);
});

Deno.test("renderSql: a $tag$ with non-ASCII letters is a dollar quote, as the counter reads it", () => {
  const error = checkSql("SELECT $é$ hi ${params.x} $é$");
  assert.ok(error instanceof ExpressionError);
  assert.match(error.message, /inside a \$-quoted body/);
  assert.throws(() => renderSql("SELECT $t1$ ${x} $t1$", echo, pg), /inside a \$-quoted body/);
  assert.deepEqual(renderSql("SELECT $é$ a $é$, ${x}", echo, pg).sql, "SELECT $é$ a $é$, $1");
});

Deno.test("checkSql: a value right after a keyword a name follows is refused (FROM, ORDER BY, ...)", () => {
  const refused: [string, string][] = [
    ["SELECT name FROM ${params.col}", "FROM"],
    ["SELECT a FROM t ORDER BY ${params.col}", "BY"],
    ["SELECT a FROM t GROUP  BY\n  ${params.col}", "BY"],
    ["SELECT * FROM a JOIN ${t} ON true", "JOIN"],
    ["INSERT INTO ${t} VALUES (1)", "INTO"],
    ["UPDATE ${t} SET a = 1", "UPDATE"],
    ["UPDATE t SET ${c} = 1", "SET"],
    ["SELECT a AS ${alias} FROM t", "AS"],
    ["SELECT a FROM (SELECT b FROM t) AS s ORDER BY ${c}", "BY"],
  ];
  for (const [sql, keyword] of refused) {
    const error = checkSql(sql);
    assert.ok(error instanceof ExpressionError, sql);
    assert.equal(error.message, `a \`\${...}\` in SQL cannot stand for a name, after ${keyword}`);
    assert.equal(error.offset, sql.indexOf("${"), sql);
  }
  // Values: in a select list, after WHERE/LIMIT/=, and after FROM inside parentheses.
  for (
    const sql of [
      "SELECT ${params.n} AS n",
      "SELECT a FROM t WHERE b = ${v} LIMIT ${n} OFFSET ${o}",
      "SELECT EXTRACT(YEAR FROM ${d}::timestamp)",
      "SELECT substring(${s} FROM 2 FOR 3), trim(BOTH FROM ${s2})",
      "SELECT CAST(${v} AS int)",
      "SELECT a FROM t WHERE b IN (${x}, ${y}) ORDER BY a",
      "UPDATE t SET a = ${v} WHERE id = ${id}",
    ]
  ) {
    assert.equal(checkSql(sql), undefined, sql);
  }
});

Deno.test("checkSql: a value at an item of a list of names is refused, in any clause or subquery", () => {
  const name = "a `${...}` in SQL cannot stand for a name";
  const refused: [string, string][] = [
    // FROM in a subquery, a CTE, an IN (subquery), INSERT … SELECT, a FROM list.
    ["SELECT * FROM (SELECT * FROM ${c})", "after FROM"],
    ["WITH x AS (SELECT * FROM ${c}) SELECT * FROM x", "after FROM"],
    ["SELECT name FROM t WHERE name IN (SELECT name FROM ${c})", "after FROM"],
    ["INSERT INTO t SELECT * FROM ${c}", "after FROM"],
    ["SELECT name FROM t, ${c}", "in the list after FROM"],
    ['SELECT * FROM "t" AS x, ${c}', "in the list after FROM"],
    ["SELECT * FROM a JOIN b ON a.x = b.x, ${c}", "in the list after FROM"],
    ["SELECT * FROM t WHERE a IN (SELECT a FROM u, ${c})", "in the list after FROM"],
    ["UPDATE t SET a = 1 FROM s, ${c}", "in the list after FROM"],
    ["SELECT * FROM (${c} JOIN u ON true)", "in the list after FROM"],
    ["SELECT 1; SELECT * FROM ${c}", "after FROM"],
    // USING (…), later items of ORDER BY / GROUP BY / PARTITION BY, RETURNING, SET.
    ["SELECT a.name FROM t a JOIN t b USING (${c})", "in the list after USING"],
    ["SELECT a.name FROM t a JOIN t b USING (name, ${c})", "in the list after USING"],
    ["SELECT name FROM t ORDER BY age DESC, ${c}", "in the list after ORDER BY"],
    ["SELECT name FROM t ORDER BY 1, ${c}", "in the list after ORDER BY"],
    ["SELECT a FROM t ORDER BY CASE WHEN a = ${v} THEN 0 END, ${c}", "in the list after ORDER BY"],
    ["SELECT a FROM t GROUP BY a, ${c}", "in the list after GROUP BY"],
    ["SELECT row_number() OVER (PARTITION BY a, ${c}) FROM t", "in the list after PARTITION BY"],
    ["SELECT string_agg(a, ',' ORDER BY b, ${c}) FROM t", "in the list after ORDER BY"],
    ["DELETE FROM t WHERE age > 100 RETURNING ${c}", "after RETURNING"],
    ["DELETE FROM t RETURNING id, ${c}", "in the list after RETURNING"],
    ["UPDATE t SET a = ${v}, ${c} = 2", "in the list after SET"],
    // Column lists and CTE names.
    ["INSERT INTO t (a, ${c}) VALUES (1, 2)", "in the column list of INSERT INTO t (…)"],
    ["INSERT INTO t(${c}) VALUES (1)", "in the column list of INSERT INTO t (…)"],
    ["WITH ${c} AS (SELECT 1) SELECT 1", "after WITH"],
    ["WITH x AS (SELECT 1), ${c} AS (SELECT 2) SELECT 1", "in the list after WITH"],
    ["WITH x (a, ${c}) AS (SELECT 1, 2) SELECT 1", "in the column list of WITH x (…)"],
    // Keywords a name follows, seen through comments.
    ["DROP TABLE IF EXISTS ${t}", "after EXISTS"],
    ["ALTER TABLE t RENAME TO ${n}", "after TO"],
    ["SELECT a AS /* alias */ ${c} FROM t", "after AS"],
  ];
  for (const [sql, where] of refused) {
    const error = checkSql(sql);
    assert.ok(error instanceof ExpressionError, sql);
    assert.equal(error.message, `${name}, ${where}`, sql);
    assert.equal(error.offset, sql.lastIndexOf("${"), sql);
    assert.throws(() => renderSql(sql, echo, pg), ExpressionError);
  }
  // SQLite takes no parameter anywhere in a PRAGMA (`near "?1": syntax error`).
  for (const sql of ["PRAGMA table_info(${c})", "PRAGMA cache_size = ${n}"]) {
    const error = checkSql(sql);
    assert.ok(error instanceof ExpressionError, sql);
    assert.equal(
      error.message,
      "a `${...}` in SQL cannot stand in a PRAGMA, which takes no parameter",
    );
    assert.equal(error.offset, sql.indexOf("${"), sql);
  }
});

/** Statements whose every `${...}` is a value; `sqlite` marks those SQLite prepares too. */
const VALUES: [string, "sqlite" | "pg"][] = [
  ["SELECT EXTRACT(YEAR FROM ${d}::timestamp)", "pg"],
  ["SELECT extract (year from ${d})", "pg"],
  ["SELECT substring(${s} FROM ${a} FOR ${b})", "pg"],
  ["SELECT trim(BOTH FROM ${s}), trim(LEADING ${x} FROM ${s2})", "pg"],
  ["SELECT overlay(${s} PLACING ${x} FROM ${n} FOR 2)", "pg"],
  ["SELECT position(${x} IN ${y})", "pg"],
  ["SELECT ${v}::int, CAST(${w} AS timestamp with time zone), ${z}", "pg"],
  ["SELECT * FROM generate_series(1, ${n})", "pg"],
  ["SELECT * FROM t WHERE a = ANY(${arr}) AND b SIMILAR TO ${p}", "pg"],
  ["SELECT count(*) FILTER (WHERE a = ${v}) FROM t", "pg"],
  ["SELECT a FROM t ORDER BY a FETCH FIRST ${n} ROWS ONLY", "pg"],
  ["UPDATE t SET (a, b) = (${v}, ${w})", "pg"],
  ["SELECT CAST(${v} AS int)", "sqlite"],
  ["INSERT INTO t VALUES (${a}, ${b}, ${c})", "sqlite"],
  ["INSERT INTO t (a, b) VALUES (${a}, ${b}), (${c}, ${d})", "sqlite"],
  ["INSERT INTO t(a,b) VALUES(${a},${b})", "sqlite"],
  ["INSERT INTO t (a) SELECT ${v} FROM u", "sqlite"],
  ["INSERT INTO t (a) VALUES (${v}) ON CONFLICT (a) DO UPDATE SET b = ${w}, c = ${x}", "sqlite"],
  ["UPDATE t SET a = ${v}, b = coalesce(${x}, ${y}) WHERE c IN (${a}, ${b})", "sqlite"],
  ["UPDATE t SET a = ${v} FROM u WHERE u.a = t.a RETURNING t.a, t.b + ${w}", "sqlite"],
  ["SELECT a FROM t ORDER BY CASE WHEN a = ${v} THEN 0 ELSE 1 END, b", "sqlite"],
  ["SELECT a FROM t ORDER BY a NULLS FIRST LIMIT ${n} OFFSET ${o}", "sqlite"],
  ["SELECT a FROM t ORDER BY a LIMIT ${o}, ${n}", "sqlite"],
  ["SELECT a, row_number() OVER (PARTITION BY a ORDER BY b) FROM t WHERE c = ${v}", "sqlite"],
  ["SELECT sum(a) OVER (ORDER BY b ROWS BETWEEN ${n} PRECEDING AND CURRENT ROW) FROM t", "sqlite"],
  ["SELECT a FROM t WHERE a IS DISTINCT FROM ${v} OR b IS NOT DISTINCT FROM ${w}", "sqlite"],
  ["SELECT value FROM t, json_each(${j}) j WHERE j.value = ${v}", "sqlite"],
  ["SELECT ${v} AS n, a, ${w} FROM t GROUP BY a HAVING count(*) > ${n}", "sqlite"],
  ["WITH x AS (SELECT a FROM t WHERE b = ${v}) SELECT * FROM x WHERE a = ${w}", "sqlite"],
  [
    "WITH RECURSIVE x(n) AS (SELECT ${a} UNION ALL SELECT n + 1 FROM x WHERE n < ${b}) SELECT n FROM x",
    "sqlite",
  ],
  ["SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a AND u.b = ${v})", "sqlite"],
  ["SELECT * FROM t JOIN u USING (a) WHERE t.b = ${v}", "sqlite"],
  ["SELECT * FROM t WHERE a BETWEEN ${x} AND ${y} AND b LIKE '%' || ${q} || '%'", "sqlite"],
  ["SELECT a FROM t -- FROM x, y in a comment\nWHERE b = ${v}", "sqlite"],
  ["SELECT a FROM t WHERE a = ${v} UNION SELECT a FROM u WHERE b = '${w}'", "sqlite"],
  ["SELECT * FROM t WHERE (a, b) IN (VALUES (${x}, ${y}))", "sqlite"],
  ["SELECT substr(${s}, 2), date(${d}, '+1 day') FROM t WHERE a = ${v}", "sqlite"],
];

Deno.test("checkSql: values where an expression stands stay allowed (PostgreSQL and SQLite)", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(":memory:");
  db.exec("CREATE TABLE t (a UNIQUE, b, c); CREATE TABLE u (a, b)");
  for (const [sql, dialect] of VALUES) {
    assert.equal(checkSql(sql), undefined, sql);
    if (dialect !== "sqlite") continue;
    // The bound statement is valid SQLite: the values are placeholders where values go.
    const bound = renderSql(sql, echo, (n) => `?${n}`);
    db.prepare(bound.sql);
  }
  db.close();
});
