/**
 * src/expr/sql_calls.ts: the brackets open at a place, innermost first, with the call
 * each belongs to (its name folded: sql_names.ts) and the argument the place is in; the
 * rest of each argument read forwards, and whether another argument follows.
 */
import assert from "node:assert/strict";
import { argumentsAfter, joinsText, openBrackets, openCall } from "../src/expr/sql_calls.ts";

Deno.test("openBrackets: every bracket around a place, innermost first", () => {
  const found = openBrackets(`SELECT "Query_To_Xml"(format('SELECT %s', `);
  assert.deepEqual(found.map((b) => b.call), [
    { name: "format", arg: 1 },
    { name: "Query_To_Xml", arg: 0 },
  ]);
  assert.equal(found[0].before, " ");
  assert.deepEqual(
    openBrackets("SELECT query_to_xml((SELECT 'a' || ").map((b) => b.call),
    [undefined, { name: "query_to_xml", arg: 0 }],
  );
  assert.deepEqual(openBrackets("SELECT f(a, 'x' || g(1, ARRAY[").map((b) => b.call), [
    undefined,
    { name: "g", arg: 1 },
    { name: "f", arg: 1 },
  ]);
  assert.equal(openBrackets("SELECT f(a, 'x' || g(")[1].before, " 'x' || ");
  assert.deepEqual(openCall('SELECT pg_catalog."jsonb"('), { name: "jsonb", arg: 0 });
  assert.deepEqual(openCall('SELECT f(a, "Path" => '), { name: "f", arg: 1, named: "Path" });
});

Deno.test("argumentsAfter: the rest of each argument, and whether one follows", () => {
  assert.deepEqual(argumentsAfter(", 'x'), 'b')", 2), [
    { after: "", more: true },
    { after: "", more: true },
  ]);
  assert.deepEqual(argumentsAfter(" || 'a)')) x", 2), [
    { after: " || 'a)'", more: false },
    { after: "", more: false },
  ]);
  assert.deepEqual(argumentsAfter(" + 1", 1), [{ after: " + 1", more: undefined }]);
  assert.ok(joinsText(" 'a' || "));
  assert.ok(!joinsText(" f('a' || b) "));
  assert.ok(!joinsText(" '||' "));
});
