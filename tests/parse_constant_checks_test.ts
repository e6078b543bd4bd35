/**
 * src/parse/constant_checks.ts and src/parse/glob_checks.ts through the CLI: what
 * `weft run` refuses from the file's text alone — an expression that fails whatever the
 * values (`${10 / 0}`, an overflow), a data_processor glob whose written braces expand
 * past 10,000 patterns — `weft validate` refuses at its place.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { bracePatterns } from "../src/parse/glob_checks.ts";
import { MAX_GLOB_PATTERNS } from "../src/model/limits.ts";
import { MAX_PATTERNS } from "../src/tasks/glob_files.ts";

const FIXTURES = new URL("./fixtures/constant_checks/", import.meta.url).pathname;

function places(stdout: string): string[] {
  return JSON.parse(stdout).map((p: { line: number; column: number; message: string }) =>
    `${p.line}:${p.column}: ${p.message}`
  );
}

Deno.test("cli validate: constant division by zero and overflow at the operator", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}constants.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(places(run.stdout), [
    // Past a float's range the literals are exact: only more than 1000 digits fails.
    '5:22: condition in task "a": the exact result of 1e600 * 1e600 has more than 1000 digits',
    '6:25: command in task "a": division by zero: 10 / 0 in ${10 / 0}',
    '8:17: environment.X in task "a": division by zero: 2 / 0 in ${-(2 / 0)}',
    // Short-circuited (`false && …`) and value-dependent (`n / 2`) parts pass.
    '10:73: command in task "b": division by zero: 7 % 0 in ${params.n + 7 % 0}',
  ]);
  const refused = await weft(["run", `${FIXTURES}constants.yml`]);
  assert.equal(refused.code, 2, "run refuses what validate refuses");
});

Deno.test("cli validate: a brace glob past 10,000 patterns is refused as run refuses it", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}globs.yml`]);
  assert.equal(run.code, 2, run.stderr);
  // `same` expands to one pattern ({a,a} twice is a once), `wide` and `nested` past the limit.
  assert.deepEqual(places(run.stdout), [
    '5:31: input.path in task "wide": its braces expand to more than 10,000 patterns',
    '15:31: input.path in task "nested": its braces expand to more than 10,000 patterns',
  ]);
});

Deno.test("bracePatterns: counts as brace-expansion does, a range once", () => {
  assert.equal(MAX_GLOB_PATTERNS, MAX_PATTERNS, "the run's limit");
  assert.equal(bracePatterns("{a,b}".repeat(13)), 8192);
  assert.equal(bracePatterns("{a,b}".repeat(14)), MAX_GLOB_PATTERNS + 1);
  assert.equal(bracePatterns("{a,b}".repeat(200)), MAX_GLOB_PATTERNS + 1);
  assert.equal(bracePatterns("{a,{b,c}}/x"), 3);
  assert.equal(bracePatterns("{{a,b}}"), 2);
  assert.equal(bracePatterns("{a,ab}{bc,c}"), 3, "equal texts once");
  assert.equal(bracePatterns("x/${a}{b,c}"), 2, "${ is not a brace group");
  assert.equal(bracePatterns("\\{a,b\\}{c,d}"), 2, "escaped braces are text");
  assert.equal(bracePatterns("{1..9}{a}{b"), 1);
  assert.equal(bracePatterns("{".repeat(100) + "a,b" + "}".repeat(100)), undefined, "too deep");
});
