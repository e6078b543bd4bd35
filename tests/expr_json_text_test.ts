/**
 * JSON texts built from templates (expr/json_text.ts): a value inside a string is escaped
 * as its content, one outside a string must be a single scalar, and a value that is the
 * whole text or written `${raw(...)}` goes in as written.
 */
import assert from "node:assert/strict";
import { compileTemplate } from "../src/expr/template.ts";
import { ExpressionError } from "../src/expr/errors.ts";

const render = (text: string, vars: Record<string, string>) =>
  compileTemplate(text).renderJson((_root, path) => vars[path[0]]);

Deno.test("renderJson: a value in a string stays in it, whatever it holds", () => {
  const n = 'x", "role": "admin", "z": "';
  const body = render('{"name": "${params.n}", "role": "user"}', { n });
  assert.deepEqual(JSON.parse(body), { name: n, role: "user" });
  const odd = 'a\\"b\n\u0001\u2028';
  assert.deepEqual(JSON.parse(render('["pre ${params.a} post"]', { a: odd })), [`pre ${odd} post`]);
  // A `\"` in the literal does not end the string.
  assert.deepEqual(JSON.parse(render('["say \\"${params.a}\\""]', { a: '"' })), ['say """']);
});

Deno.test("renderJson: outside a string, one number, true, false or null", () => {
  assert.deepEqual(
    JSON.parse(render('{"n": ${params.n}, "b": ${params.b}, "z": ${params.z}}', {
      n: " -1.5e3 ",
      b: "true",
      z: "null",
    })),
    { n: -1500, b: true, z: null },
  );
  for (const bad of ['1, "role": "admin"', "{}", "abc", "1 2", ""]) {
    assert.throws(() => render('{"n": ${params.n}}', { n: bad }), (e: unknown) => {
      assert.ok(e instanceof ExpressionError);
      assert.match(e.message, /outside a JSON string must be one number, true, false or null/);
      assert.equal(e.offset, 6);
      return true;
    }, bad);
  }
  assert.throws(
    () => render('["a\\${params.n}"]', { n: "x" }),
    /right after a `\\` in a JSON string/,
  );
});

Deno.test("renderJson: the whole text, and raw(...), as written", () => {
  assert.equal(render(" ${params.body}\n", { body: '{"a": 1}' }), ' {"a": 1}\n');
  assert.equal(render('{"a": ${raw(params.part)}}', { part: "[1, 2]" }), '{"a": [1, 2]}');
});
