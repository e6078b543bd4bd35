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
    "SELECT 1 WHERE a LIKE ('%' || CAST($1 AS TEXT) || '%')",
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
    ["SELECT * FROM [${t}]", 15, /inside a quoted name/],
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
