/**
 * src/parse/env_layers.ts through `weft validate` and `weft run`: a value of the
 * workflow's `environment` or of `defaults.environment` that reads a name only a later
 * layer sets is refused at its place, naming the name and the layer; reading the layers
 * below, a name of its own block above it, or itself stays valid.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/env_layers/", import.meta.url).pathname;

Deno.test("cli validate: a name set only in a later layer is an error naming file:line:col, name and layer", async () => {
  const run = await weft(["validate", `${FIXTURES}later.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const lines = run.stderr.split("\n");
  const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
  const a = at(
    /later\.yml:3:9: environment\.A: B is set in defaults\.environment, a layer applied after this one, so \$\{env\.B\} here reads weft's own environment/,
  );
  assert.ok(a >= 0, run.stderr);
  assert.match(lines[a + 1], /hint: .*move A into defaults\.environment, below B/);
  const e = at(/later\.yml:4:9: environment\.E: F is set in the environment of task "l"/);
  assert.ok(e >= 0, run.stderr);
  const c = at(
    /later\.yml:8:11: defaults\.environment\.C: D is set in the environment of task "t"/,
  );
  assert.ok(c >= 0, run.stderr);
  assert.match(lines[c + 1], /hint: .*move C into the environment of task "t", below D/);
  assert.match(run.stderr, /3 problems/);
  const refused = await weft(["run", `${FIXTURES}later.yml`]);
  assert.equal(refused.code, 2, "weft run refuses what validate refuses");
});

Deno.test("cli run: the layers below, names above in the block and a name's own value are read as documented", async () => {
  const validate = await weft(["validate", `${FIXTURES}below.yml`]);
  assert.equal(validate.code, 0, validate.stderr);
  const run = await weft(["run", `${FIXTURES}below.yml`, "-v"], { env: { HOME: "/home/x" } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout + run.stderr,
    /\[t\] registry\.example\.org\/app https:\/\/registry\.example\.org\/eu https:\/\/registry\.example\.org\/eu-us/,
  );
});
