/**
 * An http task's `data` through the real CLI: each number goes out as the JSON token
 * written in the workflow file (YAML or JSON, at any depth), not as a double re-spells it
 * (src/parse/written_data.ts, src/model/json_number.ts). A loopback server records the
 * body bytes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** Runs `workflow` (file `name`) with a server at ${env.URL}; the bodies received, by path. */
async function bodiesOf(name: string, workflow: string): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.set(new URL(req.url).pathname, new TextDecoder().decode(await req.arrayBuffer()));
    return new Response("ok");
  });
  try {
    const dir = testTempDir("http-data-");
    const file = join(dir, name);
    await Deno.writeTextFile(file, workflow);
    const url = `http://127.0.0.1:${server.addr.port}`;
    const { code, stderr } = await weft(["run", file], { env: { URL: url } });
    assert.equal(code, 0, stderr);
  } finally {
    await server.shutdown();
  }
  return bodies;
}

Deno.test("cli http data: YAML numbers go out as written, nested, in steps, ${} values as before", async () => {
  const bodies = await bodiesOf(
    "numbers.yml",
    `name: http-data
environment:
  COUNT: "7"
tasks:
  - id: top
    type: http
    url: \${env.URL}/top
    data:
      big: 12345678901234567890
      version: 1.10
      exp: 1e3
      plain: 10
      minus_zero: -0
      list: [1.10, {deep: [2.50, 12345678901234567891]}]
      quoted: "1.10"
      yaml_only: ["0012", "+1", "0x1F"]
      from_expr: \${env.COUNT}
      flag: true
  - id: each
    type: loop
    items: [a]
    task:
      type: http
      url: \${env.URL}/step
      data: 12345678901234567890
  - id: branch
    type: conditional
    condition: "true"
    then:
      type: http
      method: PUT
      url: \${env.URL}/then
      data: [0.10, 3]
`,
  );
  assert.equal(
    bodies.get("/top"),
    '{"big":12345678901234567890,"version":1.10,"exp":1e3,"plain":10,"minus_zero":-0,' +
      '"list":[1.10,{"deep":[2.50,12345678901234567891]}],"quoted":"1.10",' +
      // YAML spellings that are no JSON token are a validate error unquoted (below).
      '"yaml_only":["0012","+1","0x1F"],"from_expr":"7","flag":true}',
  );
  assert.equal(bodies.get("/step"), "12345678901234567890");
  assert.equal(bodies.get("/then"), "[0.10,3]");
  // The body is JSON a strict parser reads: the same numbers, as close as a double gets.
  assert.equal(JSON.parse(bodies.get("/top")!).version, 1.1);
});

Deno.test("cli http data: a JSON workflow's numbers go out as written, in a parallel child too", async () => {
  const workflow = {
    name: "http-data-json",
    tasks: [
      { id: "top", type: "http", url: "${env.URL}/top", data: { id: "ID" } },
      {
        id: "both",
        type: "parallel",
        tasks: [{ id: "child", type: "http", url: "${env.URL}/child", data: { v: "V" } }],
      },
    ],
  };
  // The JSON text with number tokens JSON.stringify cannot write from doubles.
  const text = JSON.stringify(workflow, null, 2)
    .replace('"ID"', "12345678901234567890")
    .replace('"V"', "[1.10, 1E+3, -0.0, 12.500e-1]");
  const bodies = await bodiesOf("numbers.json", text);
  assert.equal(bodies.get("/top"), '{"id":12345678901234567890}');
  assert.equal(bodies.get("/child"), '{"v":[1.10,1E+3,-0.0,12.500e-1]}');
});

Deno.test("cli http data: an alias sends its anchor's numbers as written, an anchor in environment too", async () => {
  const bodies = await bodiesOf(
    "aliases.yml",
    `name: http-data-alias
environment: &env {id: 12345678901234567891, f: 2.50}
tasks:
  - id: top
    type: http
    url: \${env.URL}/alias
    data:
      first: &b {id: 12345678901234567890, f: 1.10}
      again: *b
      nums: &n [1.10, 9007199254740993]
      nums2: *n
      from_env: *env
`,
  );
  const b = '{"id":12345678901234567890,"f":1.10}';
  assert.equal(
    bodies.get("/alias"),
    `{"first":${b},"again":${b},"nums":[1.10,9007199254740993],"nums2":[1.10,9007199254740993],` +
      '"from_env":{"id":12345678901234567891,"f":2.50}}',
  );
});

Deno.test("cli http data: validate refuses a number JSON cannot carry, at its line:col", async () => {
  const dir = testTempDir("http-data-");
  const file = join(dir, "inf.yml");
  await Deno.writeTextFile(
    file,
    `name: http-data-inf
tasks:
  - id: top
    type: http
    url: http://127.0.0.1:2/
    data: {big: 1E400, n: .nan}
`,
  );
  const { code, stdout, stderr } = await weft(["validate", file]);
  const said = stdout + stderr;
  assert.equal(code, 2, said);
  assert.match(said, /inf\.yml:6:17: the number 1E400 cannot be sent as JSON/);
  assert.match(said, /quote it: "1E400"/);
  assert.match(said, /inf\.yml:6:27: the number \.nan cannot be sent as JSON/);
});

Deno.test("cli http data: validate and run refuse a number written as JSON cannot carry it", async () => {
  const dir = testTempDir("http-data-");
  const file = join(dir, "zip.yml");
  await Deno.writeTextFile(
    file,
    `name: http-data-zip
tasks:
  - id: top
    type: http
    url: http://127.0.0.1:2/
    data: {zip: 01234, phone: +4915112345678, code: 0x1F, ok: 1.50}
`,
  );
  for (const verb of ["validate", "run"]) {
    const { code, stdout, stderr } = await weft([verb, file]);
    const said = stdout + stderr;
    assert.equal(code, 2, said);
    assert.match(said, /zip\.yml:6:17: `zip: 01234` would be sent as the number 1234/);
    assert.match(said, /quote it to send the text: "01234"/);
    assert.match(
      said,
      /zip\.yml:6:31: `phone: \+4915112345678` would be sent as the number 4915112345678/,
    );
    assert.match(said, /zip\.yml:6:53: `code: 0x1F` would be sent as the number 31/);
    assert.doesNotMatch(said, /1\.50/);
  }
});
