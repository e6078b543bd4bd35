/**
 * Long inputs to the expression language (src/expr/): the scans of sql.ts, parser.ts,
 * url.ts and the shell lexer are linear, so a query or template of tens of thousands of
 * `$`s or substitutions gives the same result as the small case it repeats. (Before,
 * each `$` or substitution rescanned the text from its start or to its end: these took
 * seconds to minutes.) Results only; the time goes in no assertion.
 */
import assert from "node:assert/strict";
import { checkSql, renderSql } from "../src/expr/sql.ts";
import { compileCondition, compileTemplate, ExpressionError, type Scope } from "../src/expr/mod.ts";

const N = 20_000;
const pg = (n: number) => `$${n}`;
const echo = (source: string) => source;
const repeat = (n: number, piece: (k: number) => string) =>
  Array.from({ length: n }, (_, k) => piece(k)).join("");

Deno.test("renderSql: 20,000 `$` in code and 20,000 substitutions, as the small cases", () => {
  const dollars = renderSql("SELECT 1" + " $".repeat(N) + " WHERE a = ${x}", echo, pg);
  assert.deepEqual(dollars, {
    sql: "SELECT 1" + " $".repeat(N) + " WHERE a = $1",
    params: ["${x}"],
  });
  const values = renderSql("SELECT f(${a}" + ", ${a}".repeat(N - 1) + ")", echo, pg);
  assert.equal(values.sql, "SELECT f(" + repeat(N, (k) => (k ? ", " : "") + `$${k + 1}`) + ")");
  assert.equal(values.params.length, N);
});

Deno.test("renderSql: 20,000 literals cut open or dropped, as the small cases", () => {
  const cut = renderSql("SELECT 1 WHERE " + "a LIKE '%${q}%' OR ".repeat(N) + "0", echo, pg);
  assert.equal(
    cut.sql,
    "SELECT 1 WHERE " +
      repeat(N, (k) => `a LIKE ('%' || CAST($${k + 1} AS TEXT) || '%') ESCAPE '\\' OR `) + "0",
  );
  const whole = renderSql("SELECT 1 WHERE " + "a = '${q}' OR ".repeat(N) + "0", echo, pg);
  assert.equal(whole.sql, "SELECT 1 WHERE " + repeat(N, (k) => `a = $${k + 1} OR `) + "0");
  // A $tag$ body after many `$`s is still refused where it was.
  const text = "SELECT" + " $".repeat(N) + " $t$ ${x} $t$";
  const error = checkSql(text);
  assert.ok(error instanceof ExpressionError);
  assert.equal(error.message, checkSql("SELECT $t$ ${x} $t$")!.message);
  assert.equal(error.offset, text.indexOf("${x}"));
});

Deno.test("renderSql: a statement that is blank before a substitution is still refused", () => {
  // `'${a}'` leaves only its placeholder: with an empty one the statement is blank.
  assert.throws(
    () => renderSql("'${a}' ${b}", echo, () => ""),
    (e: ExpressionError) => e.message.endsWith("for the statement or its first keyword"),
  );
  assert.equal(renderSql("'${a}' ${b}", echo, pg).sql, "$1 $2");
  assert.equal(renderSql("  '%${a}' ${b}", echo, pg).sql, "  ('%' || CAST($1 AS TEXT) || '') $2");
});

Deno.test("parser: the 'not' hint after a long expression, as in a short one", () => {
  const short = "'x' == not b";
  const long = `'${"not ".repeat(N)}' == not b`;
  const errorOf = (text: string) => {
    try {
      compileCondition(text);
    } catch (e) {
      if (e instanceof ExpressionError) return e;
      throw e;
    }
    assert.fail(`${text.slice(0, 20)}… parsed`);
  };
  const [s, l] = [errorOf(short), errorOf(long)];
  assert.equal(l.message, s.message);
  assert.equal(l.hint, "use ! instead of 'not'; to negate a comparison, !(A == B) or A != B");
  assert.equal(l.hint, s.hint);
  assert.equal(l.offset, long.length - 5); // the place of the `not`
  assert.equal(errorOf("'x' == knot b").hint, errorOf(`'${"x".repeat(N)}' == knot b`).hint);
});

const scope: Scope = (root) => root === "x" ? "1" : root === "y" ? "z" : undefined;

Deno.test("url: 20,000 values in the authority, as the small cases", () => {
  const host = compileTemplate("http://" + "${x}".repeat(N) + ":${x}/p").renderUrl(scope);
  assert.equal(host, "http://" + "1".repeat(N) + ":1/p");
  const user = compileTemplate("http://" + "${x}".repeat(N) + "@h/p").renderUrl(scope);
  assert.equal(user, "http://" + "1".repeat(N) + "@h/p");
  assert.equal(
    compileTemplate("http://" + "[${x}]".repeat(N) + ":${x}/").renderUrl(scope),
    "http://" + "[1]".repeat(N) + ":1/",
  );
});

Deno.test("shell: 20,000 assignments or substitutions in a word, as the small cases", () => {
  // After assignments only, `arr[` opens a subscript bash evaluates as arithmetic.
  const long = "A=1 ".repeat(N) + "arr[" + "${x}".repeat(N) + "]=1";
  const { command } = compileTemplate(long).renderShell(scope);
  assert.equal(
    command,
    "A=1 ".repeat(N) + "arr[" + repeat(N, (k) => `"\${WEFT_V_${k + 1}}"`) + "]=1",
  );
  const refused = (text: string) => {
    try {
      compileTemplate(text).renderShell(scope);
    } catch (e) {
      if (e instanceof ExpressionError) return e;
      throw e;
    }
    assert.fail("rendered");
  };
  const small = refused("A=1 arr[${y}]=1");
  const big = refused("A=1 ".repeat(N) + "arr[" + "${x}".repeat(N) + "${y}]=1");
  assert.equal(big.message, small.message);
  assert.equal(big.offset, 4 * N + 4 + 4 * N);
  // Not in command position (after a plain word): no arithmetic, any value goes.
  assert.doesNotThrow(() =>
    compileTemplate("A=1 ".repeat(N) + "echo arr[${y}]").renderShell(scope)
  );
});
