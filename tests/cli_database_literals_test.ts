/**
 * A `${...}` in an SQL literal is read by the database's own lexical rules
 * (src/expr/sql_typed.ts, src/expr/sql.ts), through the real CLI and a real PostgreSQL 15
 * server (tests/_postgres.ts): prefixed literals (N'…', U&'…' with and without UESCAPE,
 * E'…'), typed constants with part of their text from a value (`INTERVAL '${n} days'`,
 * `DATE '…'`, `TIMESTAMP '…'`, `INTERVAL '…' DAY TO HOUR`, `char '…'`) and string
 * constants continued on the next line keep their meaning, and no function named like
 * the prefix or type is called; what no rewriting keeps one value (X'…', B'…', a JSON or
 * array literal, a cast to a structured type, the user's own `$1` or `?`) is refused by
 * `weft validate` at its line:column with what to write. A text that only starts with `[`
 * (a log line), LIKE ANY with a joined value, SQLite's ATTACH of a joined file name and
 * every form the refusals' hints name run as written. Interval qualifiers are seen past
 * comments and parentheses; jsonpath and text-search literals, literals read as arrays by
 * where they stand (`ARRAY['a'] || '{…}'`, `= ANY ('{…}')`) and `text ARRAY` casts are
 * refused; `LIKE ANY (SELECT '%${q}%')` escapes the value as `LIKE '%${q}%'` does. A
 * quoted or schema-qualified function name (`"query_to_xml"(…)`, `pg_catalog."jsonb"(…)`)
 * is refused or bound as its unquoted spelling is, and a value wrapped in another call
 * inside a statement passed as text is refused.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { createDatabase, startPostgres } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";
import { existsSync } from "node:fs";

const FIXTURES = new URL("./fixtures/database_literals/", import.meta.url).pathname;

/** The first row of each task's `rows` output, by task id. */
function firstRows(stdout: string): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = {};
  for (const task of (JSON.parse(stdout) as RunReport).tasks) {
    const rows = JSON.parse(task.outputs?.rows ?? "[]") as Record<string, unknown>[];
    found[task.id] = rows[0];
  }
  return found;
}

Deno.test("weft run, PostgreSQL 15: prefixed, typed and continued literals keep their meaning", async () => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "literals");
    const v = "Q'Z\\";
    const run = await weft(
      ["run", `${FIXTURES}postgres.yml`, "--json", "-p", `v=${v}`, "-p", "n=3"],
      { env: { DATABASE_URL: url, WEFT_HOME: testTempDir("literals-home-") } },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const rows = firstRows(run.stdout);
    assert.deepEqual(rows.lit, {
      n: `pre${v}`,
      n_type: "character",
      u: `da${v}`,
      ue: `aa${v}`,
      u_whole: v,
      e: `pre\t${v}`,
      since: "2024-01-04",
      qualified: "1 day 03:00:00",
      times: "3 days",
      ts: "2024-01-03 00:00:00",
      day: "2024-03-01",
      padded: `ab${v}`,
    });
    assert.deepEqual(rows.continued, { adj: `x${v}`, adj2: `pre ${v} post` });
    // No function n(), date() or interval() was called in place of the literal.
    assert.deepEqual(rows.calls, { calls: "0" });
  } finally {
    await server.stop();
  }
});

Deno.test("weft validate: what no rewriting keeps one value is refused at its place", async () => {
  const file = `${FIXTURES}refused.yml`;
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found: Record<string, string> = {};
  const lines = run.stderr.split("\n");
  lines.forEach((line, k) => {
    const match = new RegExp(`^${file}:(\\d+:\\d+): config\\.query in task "([^"]+)": (.*)$`)
      .exec(line);
    if (match) found[match[2]] = `${match[1]} ${match[3]} | ${lines[k + 1]?.trim() ?? ""}`;
  });
  const expected: Record<string, [string, RegExp]> = {
    hex: ["8:75", /inside a X'…' literal.*decode\(\$\{\.\.\.\}, 'hex'\)/],
    bits: ["11:75", /inside a B'…' literal/],
    json: ["16:57", /a JSON document.*jsonb_build_object\('name', \$\{\.\.\.\}::text\)/],
    array: ["21:36", /read as text\[\].*ARRAY\[\$\{\.\.\.\}::text\]/],
    cast: ["26:31", /a literal read as hstore.*to_jsonb/],
    typed: ["31:36", /a literal read as int4range/],
    own: ["36:40", /its own placeholder `\$1`.*write the value as a `\$\{\.\.\.\}` too/],
    "own-sqlite": ["41:40", /its own placeholder `\?`/],
    "sqlite-date": ["46:34", /SQLite has no typed constants.*date\(\$\{\.\.\.\}\)/],
    qualified: [
      "56:34",
      /interval literal with a qualifier.*make_interval\(days => \$\{\.\.\.\}\)/,
    ],
    whole: ["51:40", /whole of the typed literal INTERVAL.*\$\{\.\.\.\} \* INTERVAL '1 day'/],
    xmlparse: ["61:50", /read as xml.*xmlelement\(name name, \$\{\.\.\.\}::text\)/],
    "xml-paren": ["66:27", /read as xml/],
    xpath: ["71:39", /an XPath.*\[1\]::text = \$\{\.\.\.\}/],
    "array-op": ["76:49", /a JSON document or an array/],
    "whole-qualified": ["81:49", /interval literal with a qualifier/],
    "whole-qualified-cast": ["86:28", /interval literal with a qualifier/],
    // A comment or parentheses between the literal and its qualifier hide nothing.
    "qualified-comment": ["91:49", /interval literal with a qualifier.*make_interval/],
    "qualified-paren": ["96:50", /interval literal with a qualifier/],
    "qualified-cast-comment": ["101:28", /interval literal with a qualifier/],
    // Query languages: jsonpath and text search, by function, operator and cast.
    "jsonpath-arg": ["106:60", /jsonpath literal.*jsonb_build_object\('v', \$\{\.\.\.\}::text\)/],
    "jsonpath-op": ["111:44", /jsonpath literal/],
    "match-op": ["116:49", /operand of `@@`.*plainto_tsquery\(\$\{\.\.\.\}\)/],
    tsquery: ["121:71", /text-search query literal.*websearch_to_tsquery\(\$\{\.\.\.\}\)/],
    "tsquery-cast": ["126:27", /text-search query literal/],
    // Literals read as arrays by where they stand, or by the standard's `text ARRAY`.
    "array-concat": ["131:38", /read as an array.*ARRAY\['a'\] \|\| \$\{\.\.\.\}::text/],
    "array-any": ["136:52", /read as an array/],
    "array-standard": ["141:29", /read as text ARRAY.*ARRAY\[\$\{\.\.\.\}::text\]/],
    // A connection whose database is not known yet: refused all the same.
    "qualified-any-database": ["146:49", /interval literal with a qualifier/],
    // A function-style cast (`jsonpath('…')`, `_text('{…}')`) is read as its `::` cast.
    "fn-jsonpath": ["151:67", /jsonpath literal.*jsonb_build_object\('v', \$\{\.\.\.\}::text\)/],
    "fn-tsquery": ["156:71", /text-search query literal.*plainto_tsquery\(\$\{\.\.\.\}\)/],
    "fn-text-array": ["161:32", /a literal read as _text.*ARRAY\[\$\{\.\.\.\}::text\]/],
    "fn-jsonb": ["166:33", /a literal read as jsonb.*jsonb_build_object/],
    // Other places reading a tsquery or jsonpath: ts_headline, tsquery's `&&`, `path =>`,
    // a path after a comment holding a quote, text joined by `||` into to_tsquery.
    "ts-headline": ["171:59", /text-search query literal/],
    "tsquery-and": ["176:74", /text-search query literal/],
    "jsonpath-named": ["181:51", /jsonpath literal/],
    "jsonpath-comment": ["186:76", /jsonpath literal/],
    "tsquery-concat": ["191:45", /text-search query literal.*plainto_tsquery/],
    // An SQL statement passed as text runs as SQL.
    "ts-stat": ["196:66", /SQL statement passed as text.*write the statement itself/],
    // ... also under a quoted name, or wrapped in another call in that argument.
    "sql-text-quoted": ["202:40", /SQL statement passed as text.*write the statement itself/],
    "sql-text-wrapped": ["207:55", /SQL statement passed as text/],
    // A quoted (and schema-qualified) function-style cast or parsing function's name.
    "fn-quoted-names": ["214:40", /a literal read as _text.*ARRAY\[\$\{\.\.\.\}::text\]/],
    "fn-quoted-tsquery": ["220:84", /text-search query literal.*plainto_tsquery/],
  };
  assert.deepEqual(Object.keys(found).sort(), Object.keys(expected).sort(), run.stderr);
  for (const [id, [place, message]] of Object.entries(expected)) {
    assert.ok(found[id].startsWith(`${place} `), `${id}: ${found[id]}`);
    assert.match(found[id], message, id);
  }
});

Deno.test("weft run, PostgreSQL 15: log lines, LIKE ANY, LIKE (SELECT) and the refusals' hints run as written", async () => {
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "structured");
    const run = await weft(
      [
        "run",
        `${FIXTURES}structured.yml`,
        "--json",
        "-p",
        "v=V'x",
        "-p",
        "q=b%",
        "-p",
        "words=cats & !rats",
        "-p",
        "owner=team_a",
      ],
      { env: { DATABASE_URL: url, WEFT_HOME: testTempDir("structured-home-") } },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const rows = firstRows(run.stdout);
    assert.deepEqual(rows.log, { line: "[ETL] loaded 5 rows", braces: "{V'x} ok" });
    // `b%` matched as text: 'ab%c' and 'xb%', not 'abc'; no ESCAPE after ANY (…).
    // `LIKE ANY (SELECT …)`: the selected patterns escaped as well, not the WHERE's value
    // (else no row of the subquery, and ALL over none is true for all three).
    assert.deepEqual(rows.like_any, {
      any_count: "2",
      all_count: "2",
      sub_any: "2",
      sub_all: "2",
    });
    assert.deepEqual(rows.hints, {
      built: "V'x",
      to_jsonb: "V'x",
      arr: "V'x",
      // JSON text bound whole is the document, not a JSON string holding it.
      whole_json: "V",
      xml_el: "<name>V'x</name>",
      xml_doc: "<a>V</a>",
      xpath_eq: false,
      times: "5 days",
      made: "5 days",
      path_var: true,
      path_match: true,
      plain: true,
      web: true,
      // `{x,y}` bound as text is one element, and as a whole array text two.
      appended: "{x,y}",
      whole_array: 2,
    });
    // The forms the jsonpath, text-search and array refusals leave open: a configuration
    // cast to regconfig, an element cast to text, and whole values bound as one query,
    // path or array (the same as bare ones).
    assert.deepEqual(rows.bound_whole, {
      config: true,
      config_joined: true,
      element: '{a,"{x,y}"}',
      element_joined: '{a,"x{x,y}"}',
      whole_query: true,
      bare_query: true,
      whole_path: true,
      whole_array: "{a,x,y}",
      headline: "fat <b>cats</b> ate <b>rats</b>",
    });
    // `LIKE (SELECT …)`: the WHERE's value is no pattern (else `team\_a`, no row); the
    // selected pattern is escaped.
    assert.deepEqual(rows.like_subquery, { matched: "1", selected: "0" });
    // Quoted names that fold to the functions and types they name, in the forms the
    // refusals leave open: text joined into lower(), whole values, a fixed SQL text.
    assert.deepEqual(rows.quoted_names, {
      low: "av'x",
      whole_json: "V",
      xml_ok: true,
      wrapped_query: true,
      quoted_text: "xV'x",
    });
  } finally {
    await server.stop();
  }
});

Deno.test("weft run, SQLite: ATTACH DATABASE of a file name joined from a value", async () => {
  const data = testTempDir("attach-");
  const run = await weft(
    ["run", `${FIXTURES}attach.yml`, "-p", "day=2024-03-02"],
    { env: { DATA_DIR: data, WEFT_HOME: testTempDir("attach-home-") } },
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  // SQLite created the file it attached, under the name the value gave.
  assert.ok(existsSync(`${data}/daily-2024-03-02.db`), run.stdout);
});
