/**
 * A value inside a JSON key's quotes may not make a key its object has twice
 * (expr/json_duplicates.ts, json_text.ts): readers keep either one (RFC 8259 §4), so
 * `{"admin": false, "${params.k}": true}` with `k=admin` could override what the workflow
 * wrote. Refused at the value's `${`, through the run's reason; a key written twice by the
 * workflow itself stays its own choice.
 */
import assert from "node:assert/strict";
import { duplicateKeys } from "../src/expr/json_duplicates.ts";
import { compileTemplate } from "../src/expr/template.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/json_text_keys/items_repeat.yml", import.meta.url).pathname;

Deno.test("duplicateKeys: repeats per object, by decoded key, arrays and nesting apart", () => {
  const at = (text: string) =>
    duplicateKeys(text).map(({ first, again }) => [
      text.slice(first.start, first.end),
      text.slice(again.start, again.end),
    ]);
  assert.deepEqual(at('{"a": 1, "a": 2}'), [['"a"', '"a"']]);
  assert.deepEqual(at('{"a": 1, "\\u0061": 2}'), [['"a"', '"\\u0061"']]);
  assert.deepEqual(at('{"a": {"a": 1}, "b": ["a", "a"]}'), []);
  assert.deepEqual(at('[{"a": 1}, {"a": 2}]'), []);
  assert.deepEqual(at('{"x": {"k": 1, "k": 2}, "k": 3}'), [['"k"', '"k"']]);
  assert.deepEqual(at('{"a": "a", "b": "a"}'), [], "values are no keys");
  assert.deepEqual(at('{"a\\"": 1, "a\\"": 2}'), [['"a\\""', '"a\\""']]);
});

Deno.test("renderJson refuses a value that repeats a key, before or after it; others pass", () => {
  const render = (text: string, value: string) => compileTemplate(text).renderJson(() => value);
  for (const text of ['{"admin": false, "${params.k}": true}', '{"${params.k}": 1, "admin": 2}']) {
    assert.throws(() => render(text, "admin"), /makes a key its JSON object has twice/, text);
    assert.equal(JSON.parse(render(text, "user")).user !== undefined, true, text);
  }
  // Two values making one key, and a value spelling a written key with an escape.
  assert.throws(
    () => compileTemplate('{"${params.a}": 1, "${params.b}": 2}').renderJson(() => "same"),
    /twice/,
  );
  assert.throws(() => render('{"a": 1, "${params.k}": 2}', "\u0061"), /twice/);
  // Part of a key, the same key only with the literal around it.
  assert.throws(() => render('{"role-admin": 1, "role-${params.k}": 2}', "admin"), /twice/);
  assert.equal(
    render('{"role-admin": 1, "${params.k}": 2}', "admin"),
    '{"role-admin": 1, "admin": 2}',
  );
  // The same key in another object, and a key the workflow wrote twice itself.
  assert.equal(render('[{"a": 1}, {"${params.k}": 2}]', "a"), '[{"a": 1}, {"a": 2}]');
  assert.equal(render('{"a": 1, "a": "${params.k}"}', "x"), '{"a": 1, "a": "x"}');
});

Deno.test("weft run: loop items whose value repeats a written key fail with the reason, at no task", async () => {
  const dir = testTempDir("json-dup-keys-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const refused = await weft(["run", FIXTURE, "-q", "-p", "k=admin"], { env });
  assert.equal(refused.code, 1, refused.stderr);
  const status = await weft(["status", "--json"], { env });
  const tasks = JSON.parse(status.stdout).tasks as {
    id: string;
    status: string;
    error?: string;
  }[];
  for (const id of ["before", "after"]) {
    const task = tasks.find((t) => t.id === id);
    assert.equal(task?.status, "failed", status.stdout);
    assert.match(task?.error ?? "", /makes a key its JSON object has twice/, id);
    assert.match(task?.error ?? "", /; give the value a key no other member of the object has/, id);
  }
  // No item ran: nothing was printed by a loop iteration.
  assert.equal(tasks.filter((t) => t.id.includes("[")).length, 0, status.stdout);
  const ok = await weft(["run", FIXTURE, "-q", "-p", "k=user"], { env });
  assert.equal(ok.code, 0, ok.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();
  assert.equal(
    (await weft(["logs", id, "before[0]"], { env })).stdout,
    '{"admin":false,"user":true}\n',
  );
  assert.equal(
    (await weft(["logs", id, "after[0]"], { env })).stdout,
    '{"user":true,"admin":false}\n',
  );
});
