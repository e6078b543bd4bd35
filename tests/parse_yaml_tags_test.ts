/**
 * src/parse/yaml_tags.ts through `weft validate` and `weft run`: a YAML tag outside the
 * core schema (one of another tool, YAML 1.1's `!!binary`, `!!timestamp`, `!!set`) is
 * refused at the tag, naming it; the core tags and `!` keep their meaning.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/yaml_tags/", import.meta.url).pathname;

Deno.test("cli validate: a tag weft does not read is an error at the tag, naming it", async () => {
  const run = await weft(["validate", `${FIXTURES}unknown.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = [...run.stderr.matchAll(/unknown\.yml:(\d+):(\d+): the YAML tag (\S+) is not/g)]
    .map((m) => [Number(m[1]), Number(m[2]), m[3]]);
  assert.deepEqual(found, [
    [5, 14, "!custom"],
    [9, 10, "!!binary"],
    [10, 10, "!!timestamp"],
    [11, 10, "!!set"],
  ]);
  assert.match(run.stderr, /hint: remove !custom \(a tag of another tool\?\)/);
  const refused = await weft(["run", `${FIXTURES}unknown.yml`]);
  assert.equal(refused.code, 2, "weft run refuses what validate refuses");
});

Deno.test("cli run: the core tags and `!` keep a value as written", async () => {
  const run = await weft(["run", `${FIXTURES}core.yml`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[a\] \[0012\] \[0x1F\]/);
});

Deno.test("cli validate: a tag on code (condition, command, code, alert condition) is refused at the tag", async () => {
  const run = await weft(["validate", `${FIXTURES}code.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const found = [...run.stderr.matchAll(/code\.yml:(\d+):(\d+): `(\S+)` at the start of `(\w+)`/g)]
    .map((m) => [Number(m[1]), Number(m[2]), m[3], m[4]]);
  assert.deepEqual(found, [
    [6, 14, "!", "command"],
    [9, 16, "!", "condition"],
    [13, 16, "!!str", "condition"],
    [16, 18, "!", "condition"],
    [20, 11, "!", "code"],
    [23, 16, "!", "condition"],
  ]);
  assert.match(run.stderr, /YAML drops it and reads `\$\{params\.dry_run\}`/);
  assert.match(
    run.stderr,
    /hint: quote the whole value to keep the !: condition: "! \$\{params\.dry_run\}"/,
  );
  assert.match(
    run.stderr,
    /hint: quote the whole value to keep the !: command: "! grep -q error build\.log"/,
  );
  // A value holding `"` is offered in single quotes.
  assert.match(run.stderr, /condition: '! execution\.status == "success"'/);
  const refused = await weft(["run", `${FIXTURES}code.yml`]);
  assert.equal(refused.code, 2, "weft run refuses what validate refuses");
});

Deno.test("cli run: a quoted `!` negates the condition", async () => {
  const run = await weft(["run", "-v", `${FIXTURES}negated.yml`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[deploy\] deploying for real/);
  assert.doesNotMatch(run.stdout + run.stderr, /only a dry run/);
});

Deno.test("cli validate: a tag on a file_change pattern is refused, with the exclusion to write", async () => {
  const run = await weft(["validate", `${FIXTURES}files_tag.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /files_tag\.yml:8:11: `!` at the start of `config\.files` is a YAML tag, not part of the pattern: YAML drops it and reads `src\/gen\/\*\*`/,
  );
  assert.match(
    run.stderr,
    /hint: to exclude, quote the pattern with the ! joined to it: "!src\/gen\/\*\*"/,
  );
  assert.match(run.stderr, /1 problem/);
});
