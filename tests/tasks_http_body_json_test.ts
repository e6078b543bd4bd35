/**
 * Which `data` texts with no Content-Type are sent as JSON (src/tasks/http_body.ts
 * jsonLooking): every text whose literal part is a JSON object or array whatever its
 * values, decided by parsing it (expr/json_text.ts readsAsJson), not by how it starts —
 * so `[true, "${params.n}"]` is JSON as `[1, "${params.n}"]` is, and no value can add a
 * key or an element; a text starting with `{` is JSON, and `weft validate` refuses one that
 * is not (src/parse/http_checks.ts). Through the CLI against a real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { jsonLooking } from "../src/tasks/http_body.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/http_json_text/arrays.yml", import.meta.url).pathname;

/** Runs the fixture with `params`; its exit code, stderr, and each request's type and body by path. */
async function run(params: string[]) {
  const got: Record<string, { type: string; body: string }> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const type = (req.headers.get("content-type") ?? "").split(";")[0];
    got[new URL(req.url).pathname.slice(1)] = { type, body: await req.text() };
    return new Response("ok");
  });
  try {
    const env = {
      WEFT_HOME: `${testTempDir("http-json-")}/home`,
      URL: `http://127.0.0.1:${server.addr.port}`,
    };
    const ran = await weft(["run", FIXTURE, ...params.flatMap((p) => ["-p", p])], { env });
    return { ...ran, got };
  } finally {
    await server.shutdown();
  }
}

Deno.test("http_body: an array starting with true, false or null is JSON; a value adds no key or element", async () => {
  const n = 'x", "role": "admin';
  const ran = await run([`n=${n}`, "m=3"]);
  assert.equal(ran.code, 0, ran.stderr);
  const { got } = ran;
  for (const id of ["true", "null", "false", "glued", "key"]) {
    assert.equal(got[id].type, "application/json", id);
  }
  assert.deepEqual(JSON.parse(got.true.body), [true, n]);
  assert.deepEqual(JSON.parse(got.null.body), [null, { role: "user", name: n }]);
  assert.deepEqual(JSON.parse(got.false.body), [false, 3]);
  assert.deepEqual(JSON.parse(got.glued.body), [13]);
  assert.deepEqual(JSON.parse(got.key.body), { [n]: 3 });
  // Not JSON: as written, with fetch's text/plain (an INI section, one value alone).
  assert.equal(got.ini.type, "text/plain");
  assert.equal(got.ini.body, `[main]\nname=${n}`);
  assert.equal(got.whole.type, "text/plain");
  assert.equal(got.whole.body, n);
});

Deno.test("http_body: a value outside a string in an array starting with false must be one scalar", async () => {
  const ran = await run(["m=1, {}"]);
  assert.equal(ran.code, 1);
  assert.match(ran.stderr, /✖ false failed: data: .*one number, true, false or null/);
  assert.equal(ran.got.false, undefined, "the refused body was not sent");
  assert.equal(ran.got.true.type, "application/json", "the others went as before");
});

Deno.test("http_body: jsonLooking reads the literal text around the values as JSON", () => {
  const json = [
    "[true]",
    " [ null , 1 ]",
    '[false, "${params.n}"]',
    "[${params.n}]",
    "{}",
    '{"a": [${params.n}, {"b": "${params.n}"}]}',
    "{${params.k}: 1}",
    '["a\\${params.n}"]',
    "[\n  true\n]\n",
    // `{` starts nothing but JSON here: validate refuses one that is not (below).
    '{"a": 1,}',
  ];
  const notJson = [
    "[main]\nname=${params.n}",
    "[${params.section}]\nname=x",
    "${params.body}",
    "true",
    '"text"',
    "hello ${params.n}",
    "[true",
    "[tru]",
    "[${params.n",
  ];
  for (const text of json) assert.equal(jsonLooking(text), true, text);
  for (const text of notJson) assert.equal(jsonLooking(text), false, text);
});

Deno.test("http_body: validate refuses a text starting with { that is not JSON, at its line:col", async () => {
  const file = new URL("./fixtures/http_json_text/broken.yml", import.meta.url).pathname;
  const env = { WEFT_HOME: `${testTempDir("http-json-")}/home` };
  const { code, stderr } = await weft(["validate", file], { env });
  assert.equal(code, 2, stderr);
  const lines = stderr.split("\n").filter((line) => line.startsWith(file));
  assert.deepEqual(lines.map((line) => line.slice(file.length)), [
    ':9:34: data in task "comma": a text starting with { is sent as JSON, and this one is not ' +
    "JSON: trailing comma before '}'",
    ':15:9: data in task "quotes": a text starting with { is sent as JSON, and this one is not ' +
    "JSON: strings and keys need double quotes in JSON",
    // No value can be a key outside quotes (tests/cli_validate_json_keys_test.ts).
    ':25:13: data in task "key_from_value": the text is sent as JSON: ${params.n} stands ' +
    "where a key of a JSON object goes, outside quotes, so this is no JSON whatever its " +
    "value: a key is a string in double quotes, and a value outside them is at most one " +
    "number, true, false or null",
  ]);
  assert.match(
    stderr,
    /hint: fix the JSON .*or set a Content-Type header to send the text as it is/,
  );
});
