/**
 * Weft's own variables (model/weft_vars.ts) as a task sees them, read by `${env.NAME}` in
 * its `environment` values, `defaults.environment` and `condition` as in its command
 * (engine/attempt_context.ts, engine/expressions.ts withRunVariables), and the workflow's
 * `environment` reading only the run-wide ones (parse/env_layers.ts).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const DIR = new URL("./fixtures/weft_vars/", import.meta.url).pathname;

/** The `-v` lines of task `id` (`[id] text`), text only. */
function linesOf(output: string, id: string): string[] {
  const prefix = `[${id}] `;
  return output.split("\n").filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}

Deno.test("weft vars: environment blocks read WEFT_* as the command does, not weft's own process's", async () => {
  // A parent run's variables in weft's own environment (a weft run inside a task).
  const env = { WEFT_RUN_ID: "parent-run", WEFT_TASK_ID: "parent-task", WEFT_ATTEMPT: "7" };
  const out = await weft(["run", "-v", `${DIR}blocks.yml`], { env });
  assert.equal(out.code, 0, out.stderr);
  const text = out.stdout + out.stderr;
  const runId = /run (\S+) success/.exec(text)?.[1];
  assert.ok(runId && runId !== "parent-run", text);
  const [t] = linesOf(text, "t");
  const output = /out=(\S+)$/.exec(t)?.[1];
  assert.ok(output?.endsWith(".out"), t);
  assert.equal(
    t,
    `R=r-${runId} T=t-t-1 O=${output} DEF=def-t RUN=run-${runId}-vars rid=${runId} out=${output}`,
  );
  // Rendered again for each attempt.
  assert.deepEqual(linesOf(text, "retried"), ["A=a-1", "A=a-2"]);
  // The condition sees the task's environment with WEFT_TASK_ID in it.
  assert.deepEqual(linesOf(text, "gated"), ["G=g-gated"]);
  assert.deepEqual(linesOf(text, "l[x]"), ["I=i-x-0-l[x]"]);
  assert.deepEqual(linesOf(text, "l[y]"), ["I=i-y-1-l[y]"]);
  assert.doesNotMatch(text, /parent-/);
});

Deno.test("weft vars: --dry-run shows a task's WEFT_* as known at its start", async () => {
  const out = await weft(["run", "--dry-run", `${DIR}blocks.yml`]);
  assert.equal(out.code, 0, out.stderr);
  // Not `<env.WEFT_RUN_ID unset>`: the run's id, known once it starts.
  assert.match(out.stdout + out.stderr, / rid=<run\.id> out=/);
});

Deno.test("weft vars: validate refuses a per-task WEFT_* in the workflow's environment only", async () => {
  const out = await weft(["validate", `${DIR}workflow_env.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  assert.match(
    text,
    /workflow_env\.yml:3:11: environment\.ID: WEFT_TASK_ID is set by weft for each task, and the workflow's environment is resolved once before any task/,
  );
  assert.match(text, /workflow_env\.yml:4:9: environment\.OUT: WEFT_OUTPUT is set by weft/);
  assert.match(text, /hint: move ID into defaults\.environment, which is resolved for each task/);
  assert.doesNotMatch(text, /workflow_env\.yml:5:/, "the run-wide ones are known there");
  assert.match(text, /2 problems/);
  // The same reads in defaults.environment and a task's: no problem, no "unknown".
  const ok = await weft(["validate", `${DIR}blocks.yml`]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});
