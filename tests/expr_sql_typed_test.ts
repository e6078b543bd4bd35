/**
 * src/expr/sql_typed.ts through checkSql/renderSql: a `${...}` as the whole quoted literal
 * of a typed constant (`INTERVAL '…'`, `DATE '…'`, `X'…'`) is refused at its `${`, naming
 * the form to write; plain whole literals and casts stay bound as before. Through
 * `weft validate`: the refusal at the line and column of the `${`.
 */
import assert from "node:assert/strict";
import { checkSql, renderSql } from "../src/expr/sql.ts";
import { weft } from "./_run_cli.ts";

const pg = (n: number) => `$${n}`;

Deno.test("checkSql: a typed constant's whole literal is refused at the `${`, naming the cast", () => {
  for (
    const [sql, word] of [
      ["SELECT now() - INTERVAL '${d}'", "INTERVAL"],
      ["SELECT DATE '${d}'", "DATE"],
      ["SELECT * FROM t WHERE at > timestamp\n  '${d}'", "timestamp"],
      ["SELECT jsonb '${d}'", "jsonb"],
      // Types of several words: the whole name is the type (blanks made one space).
      ["SELECT TIMESTAMP WITH TIME ZONE '${d}'", "TIMESTAMP WITH TIME ZONE"],
      ["SELECT time  without\n  time zone '${d}'", "time without time zone"],
      ["SELECT double precision '${d}'", "double precision"],
    ]
  ) {
    const error = checkSql(sql);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${"), sql);
    assert.match(error.message, new RegExp(`typed literal ${word} '…'`));
    assert.equal(
      error.hint,
      `write CAST(\${...} AS ${word}) (PostgreSQL also reads \${...}::${word})`,
    );
  }
});

Deno.test("checkSql: a prefixed literal (X'…', B'…', N'…', U&'…') as a whole `${...}` is refused", () => {
  const x = checkSql("SELECT hex(X'${h}')");
  assert.ok(x);
  assert.match(x.message, /whole of a X'…' literal/);
  assert.match(x.hint!, /unhex\(\$\{\.\.\.\}\).*decode\(\$\{\.\.\.\}, 'hex'\)/);
  assert.match(checkSql("SELECT N'${h}'")!.hint!, /write `'\$\{\.\.\.\}'`/);
  assert.match(checkSql("SELECT B'${h}'")!.message, /B'…' literal/);
  assert.match(checkSql("SELECT U&'${h}'")!.message, /U&'…' literal/);
});

Deno.test("renderSql: whole literals after other words, casts and E'…' are still bound", () => {
  for (
    const [sql, out] of [
      ["SELECT * FROM t WHERE date = '${d}'", "SELECT * FROM t WHERE date = $1"],
      ["SELECT CAST(${d} AS interval)", "SELECT CAST($1 AS interval)"],
      ["SELECT '${d}'::date", "SELECT $1::date"],
      ["SELECT E'${d}'", "SELECT $1"],
      [
        "SELECT x FROM t WHERE a LIKE '${d}' OR b = t.date",
        "SELECT x FROM t WHERE a LIKE $1 ESCAPE '\\' OR b = t.date",
      ],
      ["SELECT CASE WHEN a THEN '${d}' ELSE 'x' END", "SELECT CASE WHEN a THEN $1 ELSE 'x' END"],
      // `zone` alone (a column) is no type.
      ["SELECT * FROM t WHERE zone = '${d}'", "SELECT * FROM t WHERE zone = $1"],
      [
        "SELECT * FROM t WHERE AND_X = 'a' AND b = '${d}'",
        "SELECT * FROM t WHERE AND_X = 'a' AND b = $1",
      ],
    ]
  ) {
    assert.equal(renderSql(sql, () => "v", pg).sql, out, sql);
  }
});

Deno.test("cli validate: typed literals with a whole `${...}` are errors at the `${`", async () => {
  const file = new URL("./fixtures/database/typed.yml", import.meta.url).pathname;
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = [...run.stderr.matchAll(/typed\.yml:(\d+):(\d+): .*?(INTERVAL '…'|DATE '…'|X'…')/g)]
    .map((m) => [Number(m[1]), Number(m[2]), m[3]]);
  assert.deepEqual(found, [[11, 89, "INTERVAL '…'"], [16, 28, "DATE '…'"], [19, 66, "X'…'"]]);
  assert.match(run.stderr, /hint: write CAST\(\$\{\.\.\.\} AS INTERVAL\)/);
  assert.match(run.stderr, /3 problems/);
});
