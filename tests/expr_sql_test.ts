/**
 * `${...}` in SQL (src/expr/sql.ts): values are bound as parameters, so none can change
 * the statement; substitutions that cannot be a parameter are refused at their offset.
 */
import assert from "node:assert/strict";
import { checkSql, renderSql, secondStatementAt } from "../src/expr/sql.ts";
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

Deno.test("secondStatementAt: a single statement is never taken for two", () => {
  for (
    const one of [
      "SELECT E'it\\'s; x' AS a", // PostgreSQL E'' strings take backslash escapes
      "SELECT e'a\\\\'; -- the E string ends after the escaped backslash",
      "CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END",
      "create trigger t after insert on x when new.a > 0 begin " +
      "update y set b = case when new.a > 1 then 1 else 2 end; insert into z values (1); end;",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql",
      "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql",
      "CREATE FUNCTION f() RETURNS int AS $b1$ SELECT 1; $b1$ LANGUAGE sql",
      "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))",
      'SELECT 1 AS "a;b"',
      'SELECT 1 AS "a"";b"',
      "SELECT 'it''s; x'",
      "SELECT 1 /* nested /* ; */ still a comment; */",
      "SELECT 1 -- ; SELECT 2",
      "SELECT 1;",
      "SELECT 1;  \n\n -- done\n /* bye */ ;",
      "SELECT 'unterminated; SELECT 2",
    ]
  ) {
    assert.equal(secondStatementAt(one), -1, one);
  }
});

Deno.test("secondStatementAt: a second statement is found at its start", () => {
  const cases: [string, string][] = [
    ["SELECT 1; SELECT 2", "SELECT 2"],
    ["SELECT 'a\\'; SELECT 2", "SELECT 2"], // a standard string: \ is a character
    ["SELECT E'a\\\\'; SELECT 2", "SELECT 2"],
    ["BEGIN; SELECT 1; END", "SELECT 1; END"], // BEGIN … END counts only in a CREATE
    ["CREATE TABLE t (a int); DROP TABLE u", "DROP TABLE u"],
    ["CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END; SELECT 3", "SELECT 3"],
    ["SELECT $$;$$; SELECT 2", "SELECT 2"],
    ["SELECT 1 /* a /* b */ c */; SELECT 2", "SELECT 2"],
  ];
  for (const [sql, second] of cases) {
    assert.equal(sql.slice(secondStatementAt(sql)), second, sql);
  }
});
