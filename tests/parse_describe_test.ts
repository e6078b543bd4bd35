/**
 * Words for values of the wrong kind: a number too large for a float (`1e400`, `.inf`)
 * is infinity, not "a fractional number"; `.nan` is not-a-number; both with a hint.
 */
import assert from "node:assert/strict";
import { describeValue, valueHint } from "../src/parse/describe.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("describeValue / valueHint: infinities and NaN are named as such", () => {
  assert.match(describeValue(Infinity), /^infinity \(a number too large/);
  assert.match(describeValue(-Infinity), /^minus infinity/);
  assert.match(describeValue(NaN), /^not-a-number/);
  assert.equal(describeValue(1.5), "a fractional number");
  assert.equal(describeValue(2), "a number");
  assert.match(valueHint(Infinity)!, /finite number/);
  assert.equal(valueHint(3), undefined);
});

Deno.test("weft validate: `max_parallel: 1e400` is infinity, in JSON and YAML", async () => {
  const dir = testTempDir("describe-");
  await Deno.writeTextFile(
    `${dir}/w.json`,
    '{"name": "b", "max_parallel": 1e400, "tasks": [{"id": "a", "command": "x"}]}',
  );
  await Deno.writeTextFile(
    `${dir}/w.yml`,
    "name: b\nmax_parallel: 1e400\ntasks:\n  - id: a\n    command: x\n    timeout: -.inf\n",
  );
  const json = await weft(["validate", "w.json"], { cwd: dir });
  assert.equal(json.code, 2);
  assert.match(
    json.stdout + json.stderr,
    /w\.json:1:31: max_parallel: expected a number, got infinity/,
  );
  assert.match(json.stdout + json.stderr, /hint: write a finite number/);
  const yaml = await weft(["validate", "w.yml"], { cwd: dir });
  assert.equal(yaml.code, 2);
  assert.match(
    yaml.stdout + yaml.stderr,
    /w\.yml:2:15: max_parallel: expected a number, got infinity/,
  );
  assert.match(
    yaml.stdout + yaml.stderr,
    /w\.yml:6:14: timeout in task "a": .* got minus infinity/,
  );
  assert.doesNotMatch(yaml.stdout + yaml.stderr, /fractional/);
});

Deno.test("weft validate: `id: .inf` is told to quote, not to write a finite number", async () => {
  const dir = testTempDir("describe-");
  await Deno.writeTextFile(`${dir}/inf.yml`, "name: x\ntasks:\n  - id: .inf\n    command: echo\n");
  const run = await weft(["validate", `${dir}/inf.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /inf\.yml:3:9: id in task #1: expected a string, got infinity/);
  assert.match(
    run.stderr,
    /hint: YAML reads `\.inf`, `\.nan` and numbers past 1\.8e308 as numbers: quote it/,
  );
  assert.doesNotMatch(run.stderr, /write a finite number/);
});
