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
