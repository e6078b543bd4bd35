/**
 * src/expr/sql_structured_places.ts through checkSql: literals that PostgreSQL reads as a
 * jsonpath, a text-search query or an array by where they stand are refused at the
 * `${`, naming the safe form; the safe forms and look-alikes are bound (the CLI and a
 * real PostgreSQL: cli_database_literals_test.ts). A whole `'${v}'` is bound as one value
 * there, as a bare `${v}` is (the README: the two forms mean the same).
 */
import assert from "node:assert/strict";
import { checkSql } from "../src/expr/sql.ts";
import { openCall } from "../src/expr/sql_calls.ts";

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

Deno.test("checkSql: a value joined into a jsonpath is refused, naming a path variable", () => {
  const hint = /jsonb_build_object\('v', \$\{\.\.\.\}::text\)/;
  refused([
    ["SELECT jsonb_path_exists(doc, '$.a ? (@ == \"${v}\")') FROM d", hint],
    ["SELECT jsonb_path_query_first_tz(doc, '$.${v}') FROM d", /jsonpath literal/],
    ["SELECT jsonb_path_match(doc, '$.${v}') FROM d", /jsonpath literal/],
    ["SELECT doc @? '$.a ? (@ == \"${v}\")' FROM d", hint],
    ["SELECT doc @@ '$.a == \"${v}\"' FROM d", /operand of `@@`.*jsonb_path_match/],
    ["SELECT '$.a ? (@ == \"${v}\")'::jsonpath", /jsonpath literal/],
    ["SELECT jsonpath '$.${v}'", /jsonpath literal/],
  ]);
  bound([
    "SELECT jsonb_path_exists(doc, '$.a ? (@ == $v)', jsonb_build_object('v', ${v}::text)) FROM d",
    // The value is the target or the variables, not the path.
    "SELECT jsonb_path_exists(jsonb_build_object('a', '${v}'), '$.a') FROM d",
    // A whole value is one bound jsonpath, as a bare one is.
    "SELECT jsonb_path_match(doc, '${v}'), jsonb_path_match(doc, ${v}) FROM d",
    "SELECT doc @? '${v}', doc @? ${v} FROM d",
  ]);
});

Deno.test("checkSql: a value in a text-search query is refused, naming plainto_tsquery", () => {
  const hint = /plainto_tsquery\(\$\{\.\.\.\}\) or websearch_to_tsquery\(\$\{\.\.\.\}\)/;
  refused([
    ["SELECT to_tsquery('a & ${v}')", hint],
    ["SELECT to_tsquery('english', '${v} & x')", hint],
    ["SELECT to_tsquery('a' || '${v}')", hint],
    ["SELECT 'a & ${v}'::tsquery", hint],
    ["SELECT CAST('a & ${v}' AS pg_catalog.tsquery)", hint],
    ["SELECT ts_rank(tsv, 'a & ${v}') FROM d", hint],
    // ts_rewrite's two-argument form: its second argument is a query the server runs.
    [
      "SELECT ts_rewrite('a'::tsquery, 'SELECT t, s FROM aliases WHERE k = ${v}')",
      /SQL statement passed as text/,
    ],
    ["SELECT * FROM d WHERE tsv @@ 'a & ${v}'", /operand of `@@`.*plainto_tsquery/],
    ["SELECT * FROM d WHERE '${v} & a' @@ q", /operand of `@@`/],
    ["SELECT * FROM d WHERE 'a ${v}' /* c */ @@ q", /operand of `@@`/],
  ]);
  bound([
    "SELECT plainto_tsquery('${v}'), websearch_to_tsquery('english', 'x ${v}')",
    // to_tsquery's configuration, bound whole, is a name, not query syntax.
    "SELECT to_tsquery('${v}', 'a & b')",
    "SELECT to_tsvector('english', 'hello ${v}')",
    // A whole value is one bound query, as a bare one is.
    "SELECT * FROM d WHERE tsv @@ '${v}' AND tsv @@ ${v} AND '${v}' @@ q",
    "SELECT to_tsquery('${v}'), '${v}'::tsquery",
  ]);
});

Deno.test("checkSql: a literal read as an array by where it stands is refused", () => {
  const hint = /read as an array.*ARRAY\['a'\] \|\| \$\{\.\.\.\}::text/;
  refused([
    ["SELECT ARRAY['a'] || '{${v}}'", hint],
    ["SELECT ARRAY['a'] || /* c */ 'x${v}'", hint],
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
    // A whole value is one bound array, as a bare one is; a cast to text makes an element.
    "SELECT ARRAY['a'] || '${v}', ARRAY['a'] || ${v}, '{p}'::text[] || '${v}'",
    "SELECT ARRAY['a'] || '${v}'::text, ARRAY['a'] || 'x${v}'::text",
    "SELECT array_cat(ARRAY['a'], 'x${v}'::text[])".replace("::text[]", "::text"),
  ]);
});

Deno.test("checkSql: a function-style cast to a structured type is refused like its `::` cast", () => {
  refused([
    ["SELECT * FROM d WHERE doc @@ jsonpath('$.role == \"${v}\"')", /jsonpath literal/],
    ["SELECT pg_catalog.jsonpath('$.${v}')", /jsonpath literal/],
    ["SELECT * FROM d WHERE tsv @@ tsquery('cat & ${v}')", /text-search query literal/],
    ["SELECT _text('{a,${v}}')", /read as _text/],
    ["SELECT jsonb('[1, ${v}]'), json('[1, ${v}]')", /read as jsonb/],
    ["SELECT int4range('[1,${v}]')", /read as int4range/],
    ["SELECT hstore('a=>${v}')", /read as hstore/],
    ["SELECT tsvector('a ${v}')", /read as tsvector/],
    // A cast to text first is read by the type's input function all the same.
    ["SELECT jsonb('[1, ${v}]'::text)", /read as jsonb/],
    // However the text type is written: quoted, schema-qualified, with a length.
    ["SELECT jsonb('[${v}]'::\"text\")", /read as jsonb/],
    ["SELECT jsonb('[${v}]'::pg_catalog.\"text\")", /read as jsonb/],
    ["SELECT jsonb('[${v}]'::PG_CATALOG . TEXT)", /read as jsonb/],
    ["SELECT jsonb('[${v}]'::\"varchar\"(20))", /read as jsonb/],
    ["SELECT jsonb('[${v}]'::Character  Varying)", /read as jsonb/],
  ]);
  bound([
    // Calls that take text, and a range built from typed bounds.
    "SELECT lower('%${v}%'), upper('x${v}'), length('a${v}'), md5('s${v}')",
    "SELECT daterange('2024-01-${v}'::date, '2024-02-01')",
    "SELECT daterange('2024-01-${v}'::\"date\", '2024-02-01'::PG_CATALOG . DATE)",
    "SELECT jsonb('${v}'), _text('${v}')",
  ]);
});

Deno.test("checkSql: text-search operators, ts_headline and a named jsonpath are refused", () => {
  refused([
    ["SELECT ts_headline('english', body, 'a & ${v}') FROM d", /text-search query literal/],
    ["SELECT * FROM d WHERE tsv @@ (plainto_tsquery('cat') && 'x${v}')", /text-search/],
    ["SELECT * FROM d WHERE tsv @@ ('a'::tsquery || 'x${v}')", /text-search/],
    ["SELECT * FROM d WHERE tsv @@ (plainto_tsquery('cat') <-> 'x${v}')", /text-search/],
    ["SELECT * FROM d WHERE tsv @@ !!'x${v}'", /text-search/],
    ["SELECT * FROM d WHERE tsv @@ ('x${v}' && to_tsquery('cat'))", /text-search/],
    ["SELECT jsonb_path_exists(path => '$.${v}', target => doc) FROM d", /jsonpath literal/],
    // A comment with a quote before the path hides nothing.
    ["SELECT jsonb_path_exists(doc /* the doc's */, '$.a ? (@ == \"${v}\")') FROM d", /jsonpath/],
  ]);
  bound([
    "SELECT ts_headline('english', body, plainto_tsquery(${v})) FROM d",
    "SELECT jsonb_path_exists(target => jsonb_build_object('a', 'x${v}'), path => '$.a')",
    // `||` of texts, and a configuration cast to regconfig.
    "SELECT 'a' || 'x${v}' || 'b', plainto_tsquery('a') || to_tsquery('b')",
    "SELECT to_tsquery('${v}'::regconfig, 'fat & cat'), to_tsquery('e${v}'::regconfig, 'a')",
    "SELECT to_tsvector('english', 'x ${v}') @@ plainto_tsquery('x')",
  ]);
});

Deno.test("checkSql: a value in an SQL statement passed as text is refused, bare or quoted", () => {
  refused([
    ["SELECT * FROM ts_stat('SELECT tsv FROM d WHERE k = ${v}')", /SQL statement passed as text/],
    ["SELECT * FROM ts_stat(${v})", /server runs that text as SQL/],
    ["SELECT * FROM ts_stat('${v}')", /server runs that text as SQL/],
    ["SELECT query_to_xml(${v}, true, false, '')", /SQL statement passed as text/],
    ["SELECT ts_rewrite('a'::tsquery, ${v})", /SQL statement passed as text/],
  ]);
  bound(["SELECT ts_rewrite('a'::tsquery, ${v}, 'b'::tsquery)"]);
});

Deno.test("checkSql: a whole value that `||` joins into a parsed text is refused as joined", () => {
  refused([
    ["SELECT to_tsquery('cat & ' || ${v})", /text-search query literal/],
    ["SELECT to_tsquery('english', '${v}' || ' & cat')", /text-search query literal/],
    ["SELECT jsonb('[1, ' || ${v} || ']')", /read as jsonb/],
    ["SELECT jsonpath('$.' || ${v})", /jsonpath literal/],
  ]);
  bound([
    // tsquery's OR with a bound whole query; text joined outside any parsing call.
    "SELECT plainto_tsquery('a') || ${v}, 'a' || ${v} || 'b', lower('a' || ${v})",
    "SELECT to_tsquery(${v}), to_tsquery('english', ${v}), jsonb(${v})",
  ]);
});

Deno.test("checkSql: a quoted or schema-qualified name is the function or type it folds to", () => {
  refused([
    ["SELECT cardinality(\"_text\"('{a,${v}}'))", /read as _text/],
    ["SELECT jsonb_array_length(pg_catalog.\"jsonb\"('[1, ${v}]'))", /read as jsonb/],
    ['SELECT "pg_catalog" . "jsonb"(\'[1, ${v}]\')', /read as jsonb/],
    ["SELECT \"tsquery\"('a & ${v}')", /text-search query literal/],
    ["SELECT \"jsonpath\"('$.${v}')", /jsonpath literal/],
    ["SELECT \"to_tsquery\"('simple', 'a & ${v}')", /text-search query literal/],
    ["SELECT \"jsonb_path_exists\"(doc, '$.${v}') FROM d", /jsonpath literal/],
    ["SELECT jsonb_path_exists(doc, \"path\" => '$.${v}') FROM d", /jsonpath literal/],
    ["SELECT U&\"\\0074squery\"('a & ${v}')", /text-search query literal/],
    ["SELECT U&\"!0074squery\" UESCAPE '!'('a & ${v}')", /text-search query literal/],
    ["SELECT \"to_tsquery\"('cat & ' || ${v})", /text-search query literal/],
    ["SELECT \"xpath\"('/a/${v}', doc) FROM d", /an XPath/],
    ["SELECT * FROM d WHERE tsv @@ (\"to_tsquery\"('cat') && 'x${v}')", /text-search/],
    ["SELECT * FROM d WHERE tsv @@ ('x${v}' && \"to_tsquery\"('cat'))", /text-search/],
    ["SELECT * FROM d WHERE tsv @@ ('a'::\"tsquery\" || 'x${v}')", /text-search/],
    ["SELECT CAST(CAST('[1, ${v}]' AS text) AS \"jsonb\")", /read as "jsonb"/],
    ["SELECT 'a & ${v}'::pg_catalog.\"tsquery\"", /text-search query literal/],
  ]);
  bound([
    // A quoted name keeps its case: "JSONB" and "Jsonb" are some other function.
    "SELECT \"JSONB\"('[1, ${v}]'), \"To_TsQuery\"('a & ${v}')",
    // Casts to scalar types, quoted, are one value.
    "SELECT 'a${v}'::\"text\", 'x${v}'::pg_catalog.\"varchar\", \"text\" 'p${v}'",
    'SELECT "jsonb"(\'${v}\'), "to_tsquery"(${v}), "lower"(\'a${v}\')',
  ]);
});

Deno.test("checkSql: joined text a call passes on into a parsing call is refused as joined", () => {
  refused([
    ["SELECT to_tsquery(concat('cat & ', ${v}))", /text-search query literal/],
    ["SELECT to_tsquery(format('cat & %s', ${v}))", /text-search query literal/],
    ["SELECT to_tsquery(lower('cat & ' || ${v}))", /text-search query literal/],
    ["SELECT to_tsquery(coalesce(${v}, 'x') || ' & cat')", /text-search query literal/],
    ["SELECT to_tsquery(lower('cat & ${v}'))", /text-search query literal/],
    ["SELECT jsonb(format('[1, %s]', ${v}))", /read as jsonb/],
    ["SELECT \"jsonb\"(concat('[1, ', '${v}', ']'))", /read as jsonb/],
    ["SELECT jsonb_path_exists(doc, '$.' || ${v}) FROM d", /jsonpath literal/],
    ["SELECT jsonb_path_exists(doc, concat('$.', ${v})) FROM d", /jsonpath literal/],
    ["SELECT to_tsquery((SELECT 'cat & ' || ${v}))", /text-search query literal/],
    // A long text before the value does not hide the call around it.
    [`SELECT to_tsquery(concat('${"x ".repeat(600)}& ', \${v}))`, /text-search query literal/],
  ]);
  bound([
    // A whole value, wrapped, is still one whole query; encoded text is data.
    "SELECT to_tsquery(coalesce(${v}, 'x')), to_tsquery(lower(${v}))",
    "SELECT jsonb(jsonb_build_object('k', 'a' || ${v})::text)",
    "SELECT jsonb(to_jsonb(concat('a', ${v}))::text), lower(concat('a', ${v}))",
    "SELECT plainto_tsquery(concat('cat ', ${v})), jsonb_build_object('k', format('%s!', ${v}))",
  ]);
});
