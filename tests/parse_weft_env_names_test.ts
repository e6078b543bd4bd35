/**
 * src/parse/weft_env_names.ts through `weft validate` and `weft run`: an `environment`
 * block that sets a name weft sets itself (WEFT_RUN_ID, WEFT_TASK_ID, …) is refused at
 * the name, wherever the block is; reading those names stays valid.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/weft_env_names/", import.meta.url).pathname;

Deno.test("cli validate: every environment block setting a name weft sets is refused at the name", async () => {
  const run = await weft(["validate", `${FIXTURES}sets.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = [
    ...run.stderr.matchAll(
      /sets\.yml:(\d+):(\d+): (WEFT_\w+) is set by weft itself in (.*?) environment/g,
    ),
  ]
    .map((m) => [Number(m[1]), Number(m[2]), m[3], m[4]]);
  assert.deepEqual(found, [
    [3, 3, "WEFT_RUN_ID", "each task's"],
    [6, 5, "WEFT_ITEM", "a loop iteration's"],
    [11, 7, "WEFT_TASK_ID", "each task's"],
    [19, 11, "WEFT_OUTPUT", "each task's"],
    [26, 9, "WEFT_ITEM_INDEX", "a loop iteration's"],
  ]);
  assert.match(
    run.stderr,
    /hint: choose another name; to read weft's value, use \$\{env\.WEFT_RUN_ID\} or \$WEFT_RUN_ID/,
  );
  assert.doesNotMatch(run.stderr, /KEPT/);
  assert.match(run.stderr, /5 problems/);
  const refused = await weft(["run", `${FIXTURES}sets.yml`]);
  assert.equal(refused.code, 2, "weft run refuses what validate refuses");
});

Deno.test("cli run: blocks reading weft's names are valid and see weft's values", async () => {
  const run = await weft(["run", `${FIXTURES}reads.yml`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[a\] a reads-weft-names/);
});

Deno.test("cli run: weft's own process environment may hold weft's names (a task running weft)", async () => {
  const run = await weft(["run", `${FIXTURES}reads.yml`], { env: { WEFT_TASK_ID: "outer" } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[a\] a reads-weft-names/);
});

Deno.test("cli validate: a name a task's type sets is refused in that task's environment", async () => {
  const run = await weft(["validate", `${FIXTURES}typed.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = [
    ...run.stderr.matchAll(
      /typed\.yml:(\d+):(\d+): (WEFT_\w+) is set by weft itself in (.*?) environment/g,
    ),
  ].map((m) => [Number(m[1]), Number(m[2]), m[3], m[4]]);
  // A shell task gets none of them, so it may set them; a python task no WEFT_INPUT_FILES.
  assert.deepEqual(found, [
    [7, 7, "WEFT_OUTPUT_FILE", "a data_processor task's"],
    [8, 7, "WEFT_INPUT_FILES", "a data_processor task's"],
    [9, 7, "WEFT_PARAMS", "a data_processor task's"],
    [15, 19, "WEFT_PARAMS", "a python task's"],
  ]);
  assert.match(
    run.stderr,
    /hint: choose another name; the task reads weft's value as \$WEFT_PARAMS/,
  );
});
