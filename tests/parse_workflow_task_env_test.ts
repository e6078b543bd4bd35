/**
 * src/parse/workflow_task_env.ts through `weft validate` and `weft run`: `environment`
 * on a `workflow` task (which reached no task of the called file) is refused at the key,
 * wherever the task is, with a hint naming `params`; other tasks' blocks stay valid.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/workflow_task_env/", import.meta.url).pathname;

Deno.test("cli validate: environment on a workflow task is refused at the key, top level, in a parallel or a loop", async () => {
  const run = await weft(["validate", `${FIXTURES}env.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = [...run.stderr.matchAll(/env\.yml:(\d+):(\d+): a `workflow` task runs no process/g)]
    .map((m) => [Number(m[1]), Number(m[2])]);
  assert.deepEqual(found, [[10, 5], [18, 9], [25, 7]]);
  assert.match(run.stderr, /hint: pass values to the called workflow as `params`/);
  assert.match(run.stderr, /3 problems/);
  const refused = await weft(["run", `${FIXTURES}env.yml`]);
  assert.equal(refused.code, 2, "weft run refuses what validate refuses");
});

Deno.test("cli run: params are how a value reaches a called workflow", async () => {
  const run = await weft(["run", `${FIXTURES}params.yml`, "-v"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[c\] word=hello/);
});

Deno.test("cli validate: environment on a loop points at the loop's step, not at type: workflow", async () => {
  const run = await weft(["validate", `${FIXTURES}loop_env.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /loop_env\.yml:5:5: unknown key "environment" in task "lp"/);
  // A composite's steps take it (issue_messages.ts COMPOSITE_STEP), not "set type: workflow".
  const hint = /hint: (.*)/.exec(run.stderr)?.[1] ?? "";
  assert.equal(
    hint,
    '"environment" is a key of the steps a loop runs: put it in the loop\'s `task` (it applies to each iteration)',
  );
  assert.doesNotMatch(hint, /workflow/);
});
