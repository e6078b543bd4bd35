/**
 * src/expr/sql_structured_places.ts through checkSql: literals that PostgreSQL reads as a
 * jsonpath, a text-search query or an array by where they stand are refused at the
 * `${`, naming the safe form; the safe forms and look-alikes are bound (the CLI and a
 * real PostgreSQL: cli_database_literals_test.ts).
 */
import assert from "node:assert/strict";
import { checkSql } from "../src/expr/sql.ts";
import { openCall } from "../src/expr/sql_structured_places.ts";

const pgOnly = ["postgres"] as const;

function refused(cases: [string, RegExp][]): void {
  for (const [sql, message] of cases) {
    const error = checkSql(sql, pgOnly);
    assert.ok(error, sql);
    assert.equal(error.offset, sql.indexOf("${v}"), sql);
    assert.match(`${error.message} | ${error.hint}`, message, sql);
  }
}

function bound(sqls: string[]): void {
  for (const sql of sqls) assert.equal(checkSql(sql, pgOnly), undefined, sql);
}

Deno.test("openCall: the innermost call, its argument, past strings and brackets", () => {
  assert.deepEqual(openCall("SELECT jsonb_path_exists(doc, "), {
    name: "jsonb_path_exists",
    arg: 1,
  });
  assert.deepEqual(openCall("SELECT pg_catalog.to_tsquery('a,(b', f(x, y), "), {
    name: "to_tsquery",
    arg: 2,
  });
  assert.equal(openCall("SELECT ARRAY['a', "), undefined);
  assert.equal(openCall("SELECT x = ANY (SELECT "), undefined);
  assert.deepEqual(openCall("SELECT f(g(1, 2), "), { name: "f", arg: 1 });
});

Deno.test("checkSql: a value in a jsonpath is refused, whole or joined, naming a path variable", () => {
  const hint = /jsonb_build_object\('v', \$\{\.\.\.\}::text\)/;
  refused([
    ["SELECT jsonb_path_exists(doc, '$.a ? (@ == \"${v}\")') FROM d", hint],
    ["SELECT jsonb_path_query_first_tz(doc, '$.${v}') FROM d", /jsonpath literal/],
    ["SELECT jsonb_path_match(doc, '${v}') FROM d", /jsonpath literal/],
    ["SELECT doc @? '$.a ? (@ == \"${v}\")' FROM d", hint],
    ["SELECT doc @@ '$.a == \"${v}\"' FROM d", /operand of `@@`.*jsonb_path_match/],
    ["SELECT '$.a ? (@ == \"${v}\")'::jsonpath", /jsonpath literal/],
    ["SELECT jsonpath '$.${v}'", /jsonpath literal/],
  ]);
  bound([
    "SELECT jsonb_path_exists(doc, '$.a ? (@ == $v)', jsonb_build_object('v', ${v}::text)) FROM d",
    // The value is the target or the variables, not the path.
    "SELECT jsonb_path_exists(jsonb_build_object('a', '${v}'), '$.a') FROM d",
  ]);
});

Deno.test("checkSql: a value in a text-search query is refused, naming plainto_tsquery", () => {
  const hint = /plainto_tsquery\(\$\{\.\.\.\}\) or websearch_to_tsquery\(\$\{\.\.\.\}\)/;
  refused([
    ["SELECT to_tsquery('${v}')", hint],
    ["SELECT to_tsquery('english', '${v} & x')", hint],
    ["SELECT to_tsquery('a' || '${v}')", hint],
    ["SELECT '${v}'::tsquery", hint],
    ["SELECT CAST('a & ${v}' AS pg_catalog.tsquery)", hint],
    ["SELECT ts_rank(tsv, 'a & ${v}') FROM d", hint],
    ["SELECT ts_rewrite('a'::tsquery, 'SELECT t, s FROM aliases WHERE k = ${v}')", hint],
    ["SELECT * FROM d WHERE tsv @@ '${v}'", /operand of `@@`.*plainto_tsquery/],
    ["SELECT * FROM d WHERE '${v}' @@ q", /operand of `@@`/],
    ["SELECT * FROM d WHERE 'a ${v}' /* c */ @@ q", /operand of `@@`/],
  ]);
  bound([
    "SELECT plainto_tsquery('${v}'), websearch_to_tsquery('english', 'x ${v}')",
    // to_tsquery's configuration, bound whole, is a name, not query syntax.
    "SELECT to_tsquery('${v}', 'a & b')",
    "SELECT to_tsvector('english', 'hello ${v}')",
  ]);
});

Deno.test("checkSql: a literal read as an array by where it stands is refused", () => {
  const hint = /read as an array.*ARRAY\['a'\] \|\| \$\{\.\.\.\}::text/;
  refused([
    ["SELECT ARRAY['a'] || '{${v}}'", hint],
    ["SELECT ARRAY['a'] || /* c */ '${v}'", hint],
    ["SELECT '{${v}}' || ARRAY['a']", hint],
    ["SELECT '{a}'::text[] || '{${v}}'", hint],
    ["SELECT x::text ARRAY || '{${v}}' FROM t", hint],
    ["SELECT ARRAY(SELECT a FROM t) = '{${v}}'", hint],
    ["SELECT * FROM t WHERE tag = ANY ('{a,${v}}')", hint],
    ["SELECT * FROM t WHERE s LIKE ALL ('{%${v}%}')", hint],
    ["SELECT array_cat(ARRAY['a'], '{${v}}')", hint],
    ["SELECT array_prepend('a'::text, '{${v}}')", hint],
    ["SELECT jsonb_set(doc, '{a,${v}}', '1') FROM t", hint],
  ]);
  bound([
    "SELECT ARRAY['a'] || ${v}::text",
    "SELECT ARRAY['a', '${v}']",
    "SELECT * FROM t WHERE tag = ANY ('${v}')",
    "SELECT * FROM t WHERE tag = ANY (SELECT 'x${v}')",
    "SELECT tags[1] || 'x${v}' FROM t",
    "SELECT '{${v}} ok' || note FROM t",
    "SELECT 'a' || '${v}' || 'b'",
    "SELECT array_append(tags, '${v}') FROM t",
  ]);
});
