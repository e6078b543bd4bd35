/**
 * `${env.NAME}` reads the same layered environment wherever weft evaluates it: a
 * composite's own expressions (a conditional's `condition`, a loop's `items`, the gate
 * `condition` of a loop or parallel, a composite callback's) see `defaults.environment`
 * and weft's per-task variables as the steps under it do (src/engine/expressions.ts
 * conditionScope, taskEnvBlocks), in a run and in `--dry-run` alike.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/composite_env/", import.meta.url).pathname;

Deno.test("weft run: composites read defaults.environment in condition and items", async () => {
  const seen = join(testTempDir("composite-env-"), "seen.txt");
  const checked = await weft(["validate", "defaults.yml"], { cwd: FIXTURES });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const run = await weft(["run", "defaults.yml", "-q"], { cwd: FIXTURES, env: { SEEN: seen } });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(Deno.readTextFileSync(seen).trimEnd().split("\n").sort(), [
    "both a",
    "cleanup then",
    "each wf-dflt",
    "listed dflt",
    "listed x-wf-dflt",
    "pick then",
  ]);
});

Deno.test("weft run --dry-run: a loop's items show defaults.environment values", async () => {
  const plan = await weft(["run", "defaults.yml", "--dry-run"], { cwd: FIXTURES });
  assert.equal(plan.code, 0, plan.stderr);
  const text = plan.stdout + plan.stderr;
  assert.match(text, /for each item of wf-dflt:/);
  assert.match(text, /for each item of \["dflt","x-wf-dflt"\]:/);
  assert.doesNotMatch(text, /unset>/);
});

Deno.test("weft run: a task's own environment does not reach a composite's condition", async () => {
  // `environment` belongs to a step: a conditional reading it would see the layer below.
  const dir = testTempDir("composite-env-");
  Deno.writeTextFileSync(
    join(dir, "w.yml"),
    `name: own
defaults:
  environment:
    D: low
tasks:
  - id: pick
    type: conditional
    condition: "\${env.D} == 'low'"
    then:
      environment:
        D: high
      command: echo "then D=$D"
`,
  );
  const run = await weft(["run", "w.yml", "-v"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[pick\] then D=high/);
});
