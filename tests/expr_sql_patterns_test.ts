/**
 * sql_patterns.ts through renderSql: which values are escaped, how, and where weft puts
 * `ESCAPE '\'` (the databases themselves are in cli_database_patterns_test.ts).
 */
import assert from "node:assert/strict";
import { renderSql } from "../src/expr/sql.ts";
import { escapeFor } from "../src/expr/sql_pattern_words.ts";
import { ExpressionError } from "../src/expr/errors.ts";

const VALUES: Record<string, string> = {
  "${params.q}": "a_%\\*",
  "${raw(params.q)}": "a_%",
  "${params.id}": "7_",
};

function render(sql: string) {
  return renderSql(sql, (source) => VALUES[source], (n) => `$${n}`);
}

Deno.test("sql patterns: a joined, whole or bare value in LIKE is escaped; ESCAPE added", () => {
  assert.deepEqual(render("SELECT 1 FROM t WHERE n LIKE '${params.q}%' LIMIT 2"), {
    sql: "SELECT 1 FROM t WHERE n LIKE ('' || CAST($1 AS TEXT) || '%') ESCAPE '\\' LIMIT 2",
    params: ["a\\_\\%\\\\*"],
  });
  assert.deepEqual(render("SELECT 1 FROM t WHERE (n NOT ILIKE '${params.q}')"), {
    sql: "SELECT 1 FROM t WHERE (n NOT ILIKE $1 ESCAPE '\\')",
    params: ["a\\_\\%\\\\*"],
  });
  const joined = render("DELETE FROM t WHERE n LIKE '%' || ${params.q} AND id = ${params.id}");
  assert.equal(joined.sql, "DELETE FROM t WHERE n LIKE '%' || $1 ESCAPE '\\' AND id = $2");
  assert.deepEqual(joined.params, ["a\\_\\%\\\\*", "7_"]);
});

Deno.test("sql patterns: the query's own ESCAPE character is used, none added", () => {
  assert.deepEqual(render("SELECT 1 FROM t WHERE n LIKE '%${params.q}' ESCAPE '!'"), {
    sql: "SELECT 1 FROM t WHERE n LIKE ('%' || CAST($1 AS TEXT) || '') ESCAPE '!'",
    params: ["a!_!%\\*"],
  });
  assert.throws(
    () => render("SELECT 1 FROM t WHERE n LIKE '%${params.q}' ESCAPE ${params.id}"),
    (e: unknown) => e instanceof ExpressionError && /ESCAPE character/.test(e.message),
  );
});

Deno.test("sql patterns: raw(...), the left operand and a subquery's values are as given", () => {
  assert.deepEqual(render("SELECT 1 FROM t WHERE n LIKE ${raw(params.q)}").params, ["a_%"]);
  assert.deepEqual(render("SELECT 1 FROM t WHERE ${params.q} LIKE n").params, ["a_%\\*"]);
  const sub = render(
    "SELECT 1 FROM t WHERE n LIKE lower(${params.q}) || (SELECT p FROM u WHERE id = ${params.id})",
  );
  assert.deepEqual(sub.params, ["a\\_\\%\\\\*", "7_"]);
  assert.match(sub.sql, /\(SELECT p FROM u WHERE id = \$2\) ESCAPE '\\'$/);
});

Deno.test("sql patterns: GLOB, regex, ~~ and SIMILAR TO escapes", () => {
  assert.deepEqual(render("SELECT 1 FROM t WHERE n GLOB ${params.q}").params, ["a_%\\[*]"]);
  assert.deepEqual(render("SELECT 1 FROM t WHERE n ~* ${params.q}").params, ["a_%\\\\\\*"]);
  assert.equal(
    render("SELECT 1 FROM t WHERE n ~~ ${params.q}").sql,
    "SELECT 1 FROM t WHERE n ~~ $1",
  );
  assert.equal(escapeFor("a|(b)?.", "similar", "\\"), "a\\|\\(b\\)\\?\\.");
  assert.equal(escapeFor("[x]?", "glob", "\\"), "[[]x][?]");
  assert.equal(escapeFor("^a.b$", "regex", "\\"), "\\^a\\.b\\$");
});

Deno.test("sql patterns: pattern functions, and a LIKE inside a subquery of another", () => {
  // PostgreSQL's regexp_*: the pattern escaped as a regex, regexp_replace's `\` doubled.
  const replace = render("SELECT regexp_replace(n, ${params.q}, '<${params.q}>') FROM t");
  assert.deepEqual(replace.params, ["a_%\\\\\\*", "a_%\\\\*"]);
  // SQLite's like(P, S) gets weft's escape character; like(P, S, E) cannot be escaped.
  assert.deepEqual(render("SELECT 1 FROM t WHERE like(${params.q}, n) AND x = 1"), {
    sql: "SELECT 1 FROM t WHERE like($1, n, '\\') AND x = 1",
    params: ["a\\_\\%\\\\*"],
  });
  assert.throws(() => render("SELECT 1 FROM t WHERE like(${params.q}, n, '!')"), /like\(P, S, E\)/);
  assert.deepEqual(
    render("SELECT 1 FROM t WHERE glob(${params.q}, n) OR m = ${params.id}").params,
    [
      "a_%\\[*]",
      "7_",
    ],
  );
  const nested = render(
    "SELECT 1 FROM t WHERE x LIKE (SELECT p FROM u WHERE n LIKE '${params.q}%') AND y = ${params.id}",
  );
  assert.equal(
    nested.sql,
    "SELECT 1 FROM t WHERE x LIKE (SELECT p FROM u WHERE n LIKE ('' || CAST($1 AS TEXT) || '%') " +
      "ESCAPE '\\') AND y = $2",
  );
  assert.deepEqual(nested.params, ["a\\_\\%\\\\*", "7_"]);
});

Deno.test("sql patterns: LIKE ANY/ALL (…) gets no ESCAPE (PostgreSQL's default `\\` escapes)", () => {
  assert.deepEqual(
    render("SELECT 1 FROM t WHERE n LIKE ANY (ARRAY['%${params.q}%', 'z%']) AND 1=1"),
    {
      sql:
        "SELECT 1 FROM t WHERE n LIKE ANY (ARRAY[('%' || CAST($1 AS TEXT) || '%'), 'z%']) AND 1=1",
      params: ["a\\_\\%\\\\*"],
    },
  );
  assert.equal(
    render("SELECT 1 FROM t WHERE n NOT ILIKE all(array[${params.q}])").sql,
    "SELECT 1 FROM t WHERE n NOT ILIKE all(array[$1])",
  );
  // ANY later in the operand is not a quantifier of the pattern.
  assert.equal(
    render("SELECT 1 FROM t WHERE n LIKE '%' || ${params.q} || any_suffix(x)").sql,
    "SELECT 1 FROM t WHERE n LIKE '%' || $1 || any_suffix(x) ESCAPE '\\'",
  );
});

Deno.test("sql patterns: LIKE ANY/ALL (SELECT …) escapes the selected patterns, not the rest", () => {
  assert.deepEqual(
    render("SELECT 1 FROM t WHERE n LIKE ANY (SELECT '%${params.q}%') AND id = ${params.id}"),
    {
      sql: "SELECT 1 FROM t WHERE n LIKE ANY (SELECT ('%' || CAST($1 AS TEXT) || '%')) AND id = $2",
      params: ["a\\_\\%\\\\*", "7_"],
    },
  );
  // Each SELECT or VALUES list of the subquery gives patterns; its FROM, WHERE and a
  // subquery nested in its list do not.
  assert.deepEqual(
    render(
      "SELECT 1 FROM t WHERE n ILIKE ALL (SELECT '%' || ${params.q} FROM u WHERE o = ${params.id} " +
        "UNION SELECT (SELECT max(p) FROM v WHERE o = ${params.id}) UNION VALUES (${params.q}))",
    ).params,
    ["a\\_\\%\\\\*", "7_", "7_", "a\\_\\%\\\\*"],
  );
  assert.equal(
    render("SELECT 1 FROM t WHERE n NOT LIKE ANY (SELECT p FROM u WHERE o = ${params.id})").sql,
    "SELECT 1 FROM t WHERE n NOT LIKE ANY (SELECT p FROM u WHERE o = $1)",
  );
});

Deno.test("sql patterns: in `LIKE (SELECT …)` only the selected pattern is escaped", () => {
  // The subquery's WHERE is no pattern: its value goes as written (not `7\_`).
  const where = render(
    "SELECT 1 FROM t WHERE n LIKE (SELECT p FROM u WHERE id = ${params.id}) ORDER BY 1",
  );
  assert.deepEqual(where, {
    sql: "SELECT 1 FROM t WHERE n LIKE (SELECT p FROM u WHERE id = $1) ORDER BY 1",
    params: ["7_"],
  });
  // Its select list is the pattern: escaped, and the operator gets its ESCAPE.
  const listed = render(
    "SELECT 1 FROM t WHERE n NOT ILIKE (SELECT '%' || ${params.q} FROM u WHERE id = ${params.id})",
  );
  assert.deepEqual(listed.params, ["a\\_\\%\\\\*", "7_"]);
  assert.match(listed.sql, /WHERE id = \$2\) ESCAPE '\\'$/);
  // SQLite's like(P, S) call is still a call.
  assert.deepEqual(render("SELECT like(${params.q}, n) FROM t").params, ["a\\_\\%\\\\*"]);
});
