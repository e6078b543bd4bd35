/**
 * src/parse/syntax.ts: an unquoted YAML key is the text written (`3.10:` stays "3.10",
 * `010:` "010", `0x1F:`, `1e3:`, `~:`, `true:` as spelt), in an http `data` body and a
 * loop item alike; `3.1:` and `3.10:` are two keys, not a duplicate.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/yaml_keys/", import.meta.url).pathname;

Deno.test("cli run: unquoted keys in http data and loop items are sent as written", async () => {
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.push(await req.text());
    return new Response("ok");
  });
  try {
    const checked = await weft(["validate", `${FIXTURES}keys.yml`]);
    assert.equal(checked.code, 0, checked.stderr);
    const run = await weft(
      ["run", "-v", `${FIXTURES}keys.yml`, "-p", `port=${server.addr.port}`],
      { env: { WEFT_HOME: testTempDir("keys-") } },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(bodies.length, 1);
    assert.deepEqual(JSON.parse(bodies[0]), {
      python: { "3.9": "eol", "3.10": "supported", "3.1": "old" },
      b: { "010": "y", "0x1F": "f", "1e3": "e", "~": "d", "true": "t" },
    });
    const item = '{"3.10":"x","010":"y"}';
    assert.ok(
      (run.stdout + run.stderr).includes(`item=${item} WI=${item}`),
      run.stdout + run.stderr,
    );
  } finally {
    await server.shutdown();
  }
});
