/**
 * An http task's `data` written as a mapping or list, by its Content-Type
 * (src/expr/data_value.ts, src/tasks/http_body.ts valueBody): with a form type, form
 * fields whose names and values are percent-encoded, so a value adds no field; with none
 * or a JSON one, JSON as before; with another type, or a form field no text can be,
 * refused by `weft validate` at its line:column and by the run before anything is sent.
 * Through the CLI against a real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/http_data_form/", import.meta.url).pathname;

/** Runs fixture `name` with `params` (and the server's port); exit, stderr, each request by path. */
async function run(name: string, params: string[]) {
  const got: Record<string, { type: string | null; body: string }> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    got[new URL(req.url).pathname.slice(1)] = { type: req.headers.get("content-type"), body };
    return new Response("ok");
  });
  try {
    const args = [...params, `port=${server.addr.port}`].flatMap((p) => ["-p", p]);
    const env = { WEFT_HOME: `${testTempDir("http-form-")}/home` };
    const ran = await weft(["run", FIXTURES + name, ...args], { env });
    return { ...ran, got };
  } finally {
    await server.shutdown();
  }
}

Deno.test("cli http data form: a mapping sent as a form is fields; a value adds none; JSON stays the default", async () => {
  const user = "x&role=admin&z=";
  const ran = await run("sent.yml", [`user=${user}`]);
  assert.equal(ran.code, 0, ran.stderr);
  const { signup, charset, default_json, vnd_json } = ran.got;

  assert.equal(signup.type, "application/x-www-form-urlencoded");
  assert.equal(signup.body, "user=x%26role%3Dadmin%26z%3D&role=user");
  // A form parser (WHATWG URL, as servers read forms) finds one user and one role.
  const form = new URLSearchParams(signup.body);
  assert.deepEqual([...form.keys()], ["user", "role"]);
  assert.deepEqual(form.getAll("user"), [user]);
  assert.deepEqual(form.getAll("role"), ["user"]);

  // Any case, with a parameter; names encoded too; scalars as their text (numbers as written).
  assert.equal(charset.type, "Application/X-WWW-Form-Urlencoded; charset=utf-8");
  assert.equal(
    charset.body,
    "user=x%26role%3Dadmin%26z%3D&na%20me%26%3D=a%20b%2Bc%25%2A~&age=30" +
      "&big=12345678901234567890&admin=false&empty=",
  );
  assert.deepEqual([...new URLSearchParams(charset.body)], [
    ["user", user],
    ["na me&=", "a b+c%*~"],
    ["age", "30"],
    ["big", "12345678901234567890"],
    ["admin", "false"],
    ["empty", ""],
  ]);

  // No Content-Type, or a JSON one: JSON, as before.
  assert.equal(default_json.type, "application/json");
  assert.deepEqual(JSON.parse(default_json.body), { user, role: "user" });
  assert.equal(vnd_json.type, "application/vnd.api+json");
  assert.equal(vnd_json.body, `{"user":${JSON.stringify(user)},"tags":["a"],"none":null}`);
});

Deno.test("cli http data form: validate refuses what the Content-Type cannot carry, at its line:column", async () => {
  const file = FIXTURES + "refused.yml";
  const env = { WEFT_HOME: `${testTempDir("http-form-")}/home` };
  const { code, stderr } = await weft(["validate", file], { env });
  assert.equal(code, 2, stderr);
  const lines = stderr.split("\n").filter((line) => line.startsWith(file));
  const form = 'Content-Type "application/x-www-form-urlencoded; charset=UTF-8"';
  assert.deepEqual(lines.map((line) => line.slice(file.length)), [
    `:13:7: data.profile in task "nested": field "profile" is a mapping, which a form field ` +
    `(${form}) cannot hold: a field's value is one text`,
    `:14:7: data.tags in task "nested": field "tags" is a list, which a form field ` +
    `(${form}) cannot hold: a field's value is one text`,
    `:15:7: data.gone in task "nested": field "gone" is null, which a form field ` +
    `(${form}) cannot hold: a field's value is one text`,
    ':20:5: data in task "xml": a mapping would be sent as JSON under Content-Type ' +
    '"application/xml", which is neither JSON nor a form',
    ':26:5: data in task "plain_list": a list would be sent as JSON under Content-Type ' +
    '"text/plain", which is neither JSON nor a form',
    ':31:5: data in task "form_list": a list cannot be sent as a form (Content-Type ' +
    '"application/x-www-form-urlencoded"): a form is named fields',
    ':39:31: task.data.meta in task "each": field "meta" is a mapping, which a form field ' +
    '(Content-Type "application/x-www-form-urlencoded") cannot hold: a field\'s value is one text',
  ]);
  assert.match(
    stderr,
    /hint: write the value as a JSON string .*or leave the Content-Type out to send `data` as JSON/,
  );
  assert.match(stderr, /hint: write '' for an empty field, or leave the field out/);
  assert.match(
    stderr,
    /hint: write `data` as text in that format .*or leave the Content-Type out to send JSON/,
  );
});

Deno.test("cli http data form: a Content-Type a value gives is judged by the run, before sending", async () => {
  const form = await run("runtime.yml", ["ct=application/x-www-form-urlencoded"]);
  assert.equal(form.code, 1, form.stderr);
  assert.match(
    form.stderr,
    /✖ post failed: data: field "meta" is a mapping, which a form field \(Content-Type "application\/x-www-form-urlencoded; charset=utf-8"\) cannot hold: a field's value is one text; refused \(write the value as a JSON string/,
  );
  assert.deepEqual(form.got, {}, "nothing was sent");

  const xml = await run("runtime.yml", ["ct=application/xml"]);
  assert.equal(xml.code, 1, xml.stderr);
  assert.match(
    xml.stderr,
    /✖ post failed: data: a mapping would be sent as JSON under Content-Type "application\/xml; charset=utf-8", which is neither JSON nor a form; refused/,
  );
  assert.deepEqual(xml.got, {}, "nothing was sent");

  // The fixture's own type, JSON: sent as before.
  const json = await run("runtime.yml", []);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.got.post.type, "application/json; charset=utf-8");
  assert.equal(json.got.post.body, '{"user":"alice","meta":{"k":"v"}}');
});
