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
    assert.ok(
      error.hint!.startsWith(
        `write CAST(\${...} AS ${word}) (PostgreSQL also reads \${...}::${word})`,
      ),
      error.hint,
    );
  }
});

Deno.test("checkSql: a `${...}` in a bit-string or blob literal (X'…', B'…') is refused", () => {
  for (const sql of ["SELECT hex(X'${h}')", "SELECT X'ff${h}'"]) {
    const x = checkSql(sql);
    assert.ok(x, sql);
    assert.match(x.message, /inside a X'…' literal/);
    assert.equal(x.offset, sql.indexOf("${"));
    assert.match(x.hint!, /unhex\(\$\{\.\.\.\}\).*decode\(\$\{\.\.\.\}, 'hex'\)/);
  }
  assert.match(checkSql("SELECT B'10${h}'", ["postgres"])!.message, /B'…' literal/);
  // N'…' and U&'…' are text: a whole value is joined as text (tests/cli_database_literals_test.ts).
  assert.equal(checkSql("SELECT N'${h}'", ["postgres"]), undefined);
  assert.equal(checkSql("SELECT U&'${h}'", ["postgres"]), undefined);
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

Deno.test("renderSql: prefixed literals, typed constants and continued strings keep their meaning", () => {
  const on = (sql: string) => renderSql(sql, () => "v", pg, ["postgres"]).sql;
  assert.equal(on("SELECT N'a${v}'"), "SELECT CAST((N'a' || CAST($1 AS TEXT) || '') AS bpchar)");
  assert.equal(
    on("SELECT U&'a!0061${v}b' UESCAPE '!'"),
    "SELECT (U&'a!0061' UESCAPE '!' || CAST($1 AS TEXT) || U&'b' UESCAPE '!')",
  );
  assert.equal(
    on("SELECT now() - INTERVAL '${n} days'"),
    "SELECT now() - CAST(('' || CAST($1 AS TEXT) || ' days') AS INTERVAL)",
  );
  // A type of several words, a qualified one; `char` is unrestricted as a constant.
  assert.equal(
    on("SELECT timestamp with time zone '2024-01-0${n}'"),
    "SELECT CAST(('2024-01-0' || CAST($1 AS TEXT) || '') AS timestamp with time zone)",
  );
  assert.equal(
    on("SELECT pg_catalog.date '2024-0${n}-01'"),
    "SELECT CAST(('2024-0' || CAST($1 AS TEXT) || '-01') AS pg_catalog.date)",
  );
  assert.equal(on("SELECT char 'a${v}'"), "SELECT CAST(('a' || CAST($1 AS TEXT) || '') AS bpchar)");
  // PostgreSQL joins string constants separated by a line break; SQLite does not.
  assert.equal(on("SELECT 'x'\n'${v}'"), "SELECT ('x'\n'' || CAST($1 AS TEXT) || '')");
  assert.equal(
    on("SELECT '${v}'\n  -- c\n'y'"),
    "SELECT ('' || CAST($1 AS TEXT) || ''\n  -- c\n'y')",
  );
  assert.equal(on("SELECT '${v}' 'y'"), "SELECT $1 'y'");
  assert.equal(
    renderSql("SELECT 'x'\n'${v}'", () => "v", (n) => `?${n}`, ["sqlite"]).sql,
    "SELECT 'x'\n?1",
  );
  // Keywords before a literal type nothing.
  assert.equal(
    on("SELECT a FROM t WHERE b LIKE 'x${v}' ESCAPE '!' AND c AT TIME ZONE 'U${v}' = d"),
    "SELECT a FROM t WHERE b LIKE ('x' || CAST($1 AS TEXT) || '') ESCAPE '!' AND c AT TIME ZONE ('U' || CAST($2 AS TEXT) || '') = d",
  );
});

Deno.test("renderSql: each database's lexical rules decide what is a name, comment or placeholder", () => {
  const pgOnly = ["postgres"] as const;
  const sqliteOnly = ["sqlite"] as const;
  // PostgreSQL's comments nest; SQLite's end at the first */.
  assert.match(checkSql("SELECT /* a /* b */ ${v} */ 1", pgOnly)!.message, /in a comment/);
  assert.equal(checkSql("SELECT /* a /* b */ ${v} */ 1", sqliteOnly), undefined);
  // [ and ` quote names in SQLite only.
  assert.equal(renderSql("SELECT a[${i}]", () => "1", pg, pgOnly).sql, "SELECT a[$1]");
  assert.match(checkSql("SELECT `${c}` FROM t", sqliteOnly)!.message, /inside a quoted name/);
  // The user's own placeholders beside weft's, at their place.
  for (
    const [sql, own, dialects] of [
      ["SELECT ${v}, $2", "$2", pgOnly],
      ["SELECT ${v}, ?", "?", sqliteOnly],
      ["SELECT ${v}, ?3", "?3", sqliteOnly],
      ["SELECT ${v}, :name", ":name", sqliteOnly],
      ["SELECT ${v}, @name", "@name", sqliteOnly],
      ["SELECT ${v}, $name", "$name", sqliteOnly],
    ] as const
  ) {
    const error = checkSql(sql, dialects);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf(own, 8), sql);
    assert.match(error.message, new RegExp(`own placeholder \`${own.replace(/[$?]/g, "\\$&")}\``));
  }
  // Not placeholders: `::` casts, `?` (a jsonb operator) in PostgreSQL, `$1` in a string.
  assert.equal(checkSql("SELECT ${v}::int, d ? 'k', '$1'", pgOnly), undefined);
  assert.equal(checkSql("SELECT '$1 ?', ${v}", sqliteOnly), undefined);
  // Without a `${...}` weft binds nothing: a `$1` is the driver's business.
  assert.equal(checkSql("SELECT $1", pgOnly), undefined);
});

Deno.test("renderSql: a pattern starting with `[` is a pattern, not an array literal", () => {
  assert.equal(
    renderSql("SELECT a FROM t WHERE a GLOB '[${v}]*'", () => "x", (n) => `?${n}`, ["sqlite"]).sql,
    "SELECT a FROM t WHERE a GLOB ('[' || CAST(?1 AS TEXT) || ']*')",
  );
  // Outside a pattern, a text starting with `[` is structured by its cast, its place or
  // a JSON shape, not by its first character (a log line `'[ETL] …'` is text).
  assert.equal(checkSql("SELECT a FROM t WHERE a = '[${v}]'"), undefined);
  assert.match(checkSql("SELECT a FROM t WHERE a = '[\"${v}\"]'")!.message, /JSON document/);
  assert.match(checkSql("SELECT '[${v}]'::int[]")!.message, /read as int\[\]/);
});

Deno.test("renderSql: a literal is structured by its cast, its place or its JSON shape", () => {
  const pgOnly = ["postgres"] as const;
  const refused: [string, RegExp][] = [
    [
      "SELECT XMLPARSE(DOCUMENT '<u>${v}</u>')",
      /read as xml.*xmlelement\(name name, \$\{\.\.\.\}::text\)/,
    ],
    ["SELECT ('<u>${v}</u>')::xml", /read as xml/],
    ["SELECT '<u>${v}</u>' /* c */ ::text::xml", /read as xml/],
    ["SELECT CAST(CAST('<u>${v}</u>' AS text) AS xml)", /read as xml/],
    ["SELECT ((('(1,${v})')))::int4range", /read as int4range/],
    ["SELECT xpath('/u[name=\"${v}\"]/t/text()', d)", /an XPath/],
    ["SELECT tags @> '{a,${v}}'", /JSON document or an array/],
    ["SELECT '{a,${v}}' && tags", /JSON document or an array/],
    ["SELECT '${v}'::interval day", /interval literal with a qualifier/],
    ["SELECT CAST('${v}' AS INTERVAL HOUR TO MINUTE)", /interval literal with a qualifier/],
  ];
  for (const [sql, message] of refused) {
    const error = checkSql(sql, pgOnly);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${v}"), sql);
    assert.match(`${error.message} ${error.hint}`, message, sql);
  }
  // Bound whole, or joined into text that a call only reads as text.
  for (
    const sql of [
      "SELECT XMLPARSE(DOCUMENT '${v}')",
      "SELECT xpath('${v}', d)",
      "SELECT '${v}'::interval",
      "SELECT jsonb_build_object('k', 'Mr ${v}')::jsonb",
      "SELECT x FROM t WHERE y IN ('a${v}')",
      "SELECT (SELECT CAST('a${v}' AS text) AS c) AS d",
      "INSERT INTO log(line) VALUES ('[ETL] loaded ${v} rows')",
    ]
  ) assert.equal(checkSql(sql, pgOnly), undefined, sql);
  assert.equal(
    renderSql("ATTACH DATABASE '/d/daily-${v}.db' AS src", () => "1", (n) => `?${n}`, ["sqlite"])
      .sql,
    "ATTACH DATABASE ('/d/daily-' || CAST(?1 AS TEXT) || '.db') AS src",
  );
});

Deno.test("checkSql: an interval qualifier is seen past comments, line breaks and parentheses", () => {
  const pgOnly = ["postgres"] as const;
  for (
    const sql of [
      "DELETE FROM t WHERE ts < now() - '${v}'::INTERVAL /* c */ DAY",
      "SELECT '${v}'::interval /* a /* nested */ b */ day",
      "SELECT '${v}'::interval\n-- c\nday to hour",
      "SELECT ('${v}')::interval day",
      "SELECT ( /* c */ '${v}' /* d */ ) /* e */ :: /* f */ interval day",
      "SELECT CAST('${v}' AS interval /*x*/ day)",
      "SELECT CAST( /* c */ ('${v}') AS interval second(3))",
      "SELECT CAST(('1 ${v}') AS interval minute to second)",
      "SELECT '${v}'::pg_catalog.interval day",
      "SELECT INTERVAL '1 ${v}' /* c */ DAY",
      "SELECT INTERVAL '1 ${v}'\n  -- c\n  DAY TO HOUR",
    ]
  ) {
    const error = checkSql(sql, pgOnly);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${v}"), sql);
    assert.match(error.message, /interval literal with a qualifier/, sql);
  }
  // Whatever the database (a connection not known yet reads both ways), it is refused.
  for (const sql of ["SELECT '${v}'::interval day", "SELECT CAST(('${v}') AS interval day)"]) {
    assert.match(checkSql(sql)!.message, /interval literal with a qualifier/, sql);
  }
  // A precision is no qualifier (PostgreSQL refuses `interval(0) day`), nor a comment.
  for (
    const sql of [
      "SELECT '${v}'::interval(0) AS d",
      "SELECT '${v}'::interval /* day */",
      "SELECT (SELECT '${v}' AS interval)",
    ]
  ) assert.equal(checkSql(sql, pgOnly), undefined, sql);
});

Deno.test("checkSql: the standard's `text ARRAY` and `int ARRAY[3]` are array types", () => {
  for (
    const [sql, type] of [
      ["SELECT CAST('{${v}}' AS text ARRAY)", "text ARRAY"],
      ["SELECT '{${v}}'::integer ARRAY[3]", "integer ARRAY\\[3\\]"],
      ["SELECT CAST('{${v}}' AS int /* c */\n ARRAY)", "int ARRAY"],
    ]
  ) {
    const error = checkSql(sql, ["postgres"]);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${v}"), sql);
    assert.match(error.message, new RegExp(`read as ${type}`), sql);
  }
});
