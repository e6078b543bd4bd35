/**
 * src/engine/fixed_refusals.ts (once src/parse/fixed_env_checks.ts) through `weft validate` and `weft run`: a value the file
 * fixes (`environment` written without `${`) that reaches shell arithmetic or a path as
 * one name is refused by validate at its `${...}`, saying where it is set (a secret's
 * value masked); a param default, which `-p` may replace, passes validate, and the run's
 * reason names the `${...}` it came from.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/fixed_env/", import.meta.url).pathname;

Deno.test("cli validate: a fixed environment value the run always refuses is placed at its ${...}", async () => {
  const run = await weft(["validate", `${FIXTURES}fixed.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const found = [...run.stderr.matchAll(/fixed\.yml:(\d+):(\d+): (.*)\n {2}hint: (.*)/g)]
    .map((m) => [Number(m[1]), Number(m[2]), m[3], m[4].split(";")[0]]);
  assert.deepEqual(found, [
    [
      12,
      16,
      'command in task "a": value "2 + 2" is not an integer and cannot be used where the shell evaluates arithmetic in ${env.N}',
      `\${env.N} is "2 + 2", set in the workflow's environment, which --env does not change`,
    ],
    [
      15,
      15,
      'cwd in task "b": a value holds "/" (at character 2), which would add folders to the path in ${env.SUB}',
      `\${env.SUB} is "a/b", set in the workflow's environment, which --env does not change`,
    ],
    [
      20,
      23,
      'command in task "s": value "***" is not an integer and cannot be used where the shell evaluates arithmetic in ${env.API_TOKEN}',
      "${env.API_TOKEN} is ***, set in the task's environment",
    ],
  ]);
  assert.doesNotMatch(run.stderr, /x y z/);
});

Deno.test("cli run: a param default refused in arithmetic passes validate; the run names its ${...}", async () => {
  const checked = await weft(["validate", `${FIXTURES}param.yml`]);
  assert.equal(checked.code, 0, checked.stderr);
  const run = await weft(["run", `${FIXTURES}param.yml`]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr,
    /✖ c failed: value "abc" is not an integer and cannot be used where the shell evaluates arithmetic in \$\{params\.p\}/,
  );
  const given = await weft(["run", "-v", `${FIXTURES}param.yml`, "-p", "p=3"]);
  assert.equal(given.code, 0, given.stderr);
  assert.match(given.stdout + given.stderr, /\[c\] 10/);
});
