/**
 * A composite's `condition` and loop `items` read `${env.NAME}` from the layers below
 * its steps' environment (parse/composite_env.ts): a name only a step sets is refused at
 * its place; set in defaults.environment it reads the same value the steps get. Through
 * the real CLI.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FILE = new URL("./fixtures/composite_env/step_only.yml", import.meta.url).pathname;

Deno.test("weft validate: a composite's condition or items reading a name only its steps set", async () => {
  const validate = await weft(["validate", FILE], { env: { MODE: "", REGION: "" } });
  assert.equal(validate.code, 2, validate.stderr);
  assert.match(
    validate.stderr,
    /step_only\.yml:5:16: condition in task "c": MODE is set only in the environment of its `then`, .* so \$\{env\.MODE\} here reads weft's own environment\n {2}hint: set MODE in defaults\.environment or the workflow's environment/,
  );
  assert.match(
    validate.stderr,
    /step_only\.yml:16:14: items\[0\] in task "lp": REGION is set only in the environment of its `task`/,
  );
  // The plain task `t` reads its own environment: no problem there.
  assert.match(validate.stderr, /2 problems/);
});

Deno.test("weft run: set in defaults.environment, condition, items and steps read one value", async () => {
  const dir = testTempDir("composite-env-");
  const text = Deno.readTextFileSync(FILE).replace(
    "tasks:\n",
    "defaults:\n  environment:\n    MODE: fast\n    REGION: eu\ntasks:\n",
  );
  Deno.writeTextFileSync(`${dir}/w.yml`, text);
  const validate = await weft(["validate", `${dir}/w.yml`]);
  assert.equal(validate.code, 0, validate.stderr);
  const run = await weft(["run", "-v", `${dir}/w.yml`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[c\] then MODE=fast/);
  assert.match(run.stderr, /\] item=eu-1 REGION=eu/);
  assert.match(run.stderr, /\[t\] t MODE=fast/);
});
