/**
 * src/parse/schema_issues.ts: of the limits one number breaks, only the field's own is
 * said (`retry.attempts: 99999999999999999999` breaks an integer's 2^53-1 and the field's
 * 100: only "at most 100", which a smaller number then meets).
 */
import assert from "node:assert/strict";
import { hints, lines, problems } from "./_problems.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const huge = (value: string) =>
  lines(
    "name: n",
    "max_parallel: 1",
    "tasks:",
    "  - id: a",
    `    retry: {attempts: ${value}}`,
    '    command: "exit 0"',
  );

Deno.test("schema issues: a huge number gets the field's limit only", () => {
  for (const value of ["99999999999999999999", "9007199254740993", "200"]) {
    assert.deepEqual(problems(huge(value)), [
      '5:23: retry.attempts in task "a": must be at most 100',
    ], value);
  }
  // A field whose only limit is an integer's says that one.
  assert.deepEqual(
    problems(huge("3").replace("max_parallel: 1", "max_parallel: 99999999999999999999")),
    [
      "2:15: max_parallel: must be at most 9007199254740991",
    ],
  );
});

Deno.test("cli validate: one problem for a huge retry.attempts", async () => {
  const dir = testTempDir("bounds-");
  await Deno.writeTextFile(`${dir}/big.yml`, huge("99999999999999999999"));
  const run = await weft(["validate", "big.yml"], { cwd: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /big\.yml:5:23: retry\.attempts in task "a": must be at most 100\n/);
  assert.doesNotMatch(run.stderr, /9007199254740991/);
  assert.match(run.stderr, /1 problem\b/);
});

Deno.test("schema issues: an invalid param name is given a valid spelling no other param has", () => {
  const params = (...names: string[]) =>
    lines(
      "name: n",
      "params:",
      ...names.map((n) => `  ${n}: v`),
      "tasks:",
      "  - id: a",
      '    command: "true"',
    );
  assert.deepEqual(hints(params("1x")), ['rename it, e.g. "_1x"']);
  // `_1x` is taken: proposing it would make two params of one name.
  assert.deepEqual(hints(params("1x", "_1x")), [
    "rename it: a letter or _ first, then letters, digits, _ or -",
  ]);
});
