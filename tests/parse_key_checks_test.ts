/**
 * A `${...}` in a key of an http `data` object, a loop item object or a called
 * workflow's `params` (src/parse/key_checks.ts): keys are sent and passed as written, so
 * `weft validate` — and `weft run`, which validates first — refuses one at its
 * line:column instead of sending the text `${params.n}`. Through the real CLI.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/template_keys/", import.meta.url).pathname;

Deno.test("key_checks: validate refuses ${...} in data, item and params keys, at each key's ${", async () => {
  const home = `${testTempDir("template-keys-")}/home`;
  const { code, stderr } = await weft(["validate", `${DIR}keys.yml`], { env: { WEFT_HOME: home } });
  assert.equal(code, 2, stderr);
  const located = stderr.split("\n").filter((line) => line.startsWith(`${DIR}keys.yml:`));
  assert.deepEqual(located.map((line) => line.slice(DIR.length)), [
    'keys.yml:10:8: key "${params.n}" in data of task "post": a key is taken as written, so its ' +
    "`${...}` would not be resolved (only values are templates)",
    'keys.yml:11:17: key "${env.HOME}" in data.nested of task "post": a key is taken as written, ' +
    "so its `${...}` would not be resolved (only values are templates)",
    'keys.yml:14:15: key "${params.nope}" in items[0] of task "each": a key is taken as written, ' +
    "so its `${...}` would not be resolved (only values are templates)",
    'keys.yml:20:15: key "${params.n}" in params of task "call": a key is taken as written, so ' +
    "its `${...}` would not be resolved (only values are templates)",
  ]);
  assert.match(
    stderr,
    /hint: write the key's name itself; for a key that comes from a value, write `data` as a JSON text/,
  );
  assert.match(stderr, /1 invalid, 4 problems/);
});

Deno.test("key_checks: run refuses the file before any task starts; plain keys stay valid", async () => {
  const home = `${testTempDir("template-keys-")}/home`;
  const ran = await weft(["run", `${DIR}keys.yml`], { env: { WEFT_HOME: home } });
  assert.equal(ran.code, 2, ran.stderr);
  assert.match(ran.stderr, /keys\.yml:10:8: key "\$\{params\.n\}" in data of task "post"/);
  assert.doesNotMatch(ran.stderr, /started/);
  const ok = await weft(["validate", `${DIR}values.yml`], { env: { WEFT_HOME: home } });
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("key_checks: a key with the escape `$${` is refused as such, with the JSON-text way to send it", async () => {
  const home = `${testTempDir("template-keys-")}/home`;
  const { code, stderr } = await weft(["validate", `${DIR}escaped.yml`], {
    env: { WEFT_HOME: home },
  });
  assert.equal(code, 2, stderr);
  const located = stderr.split("\n").filter((line) => line.startsWith(`${DIR}escaped.yml:`));
  assert.deepEqual(located.map((line) => line.slice(DIR.length)), [
    'escaped.yml:9:8: key "$${DS_PROMETHEUS}" in data of task "mapping": a key is taken as ' +
    "written, so it would be sent with `$${` as it stands (the escape `$${` for a literal `${` " +
    "is read in values only)",
  ]);
  assert.match(stderr, /hint: for a key holding a literal `\$\{`, write `data` as a JSON text/);
  assert.doesNotMatch(stderr, /would not be resolved/);
  assert.match(stderr, /1 invalid, 1 problem\b/);
});
