/**
 * src/parse/yaml_version.ts (and syntax.ts's core schema) through the CLI: every file is
 * read as YAML 1.2. A `%YAML 1.1` directive, which would make `Y`/`on` keys booleans and
 * `2001-12-14` a date, is refused at its line, as is any version but 1.2; `%YAML 1.2`
 * keeps every value as written.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/yaml_version/", import.meta.url).pathname;

Deno.test("cli validate: %YAML 1.1 is refused at its line, and run refuses it too", async () => {
  const run = await weft(["validate", `${FIXTURES}v11.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /v11\.yml:1:1: weft reads every file as YAML 1\.2, not YAML 1\.1\n/);
  assert.match(run.stderr, /hint: remove this line: YAML 1\.1 reads `yes`, `on`, `Y` as booleans/);
  const refused = await weft(["run", `${FIXTURES}v11.yml`]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.doesNotMatch(refused.stdout + refused.stderr, /\[a\]/, "no task ran");
});

Deno.test("cli validate: another version (%YAML 1.0) is refused, naming it", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}v10.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const [problem] = JSON.parse(run.stdout);
  assert.equal(problem.line, 1);
  assert.equal(problem.column, 1);
  assert.match(problem.message, /not YAML 1\.0/);
  assert.match(problem.hint, /write %YAML 1\.2/);
});

Deno.test("cli run: under %YAML 1.2 keys, dates and yes/off stay as written", async () => {
  const run = await weft(["run", "-v", `${FIXTURES}v12.yml`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout + run.stderr,
    /\[\{"d":"2001-12-14","n":"off"\}\] \[2001-12-14\] \[1\] \[yes\]/,
  );
});

Deno.test("dataTrouble: a value JSON has no word for is refused at its path", async () => {
  const { dataTrouble } = await import("../src/parse/nesting.ts");
  assert.deepEqual(dataTrouble({ a: [1, new Date(0)] }), { kind: "not-data", path: ["a", 1] });
  assert.deepEqual(dataTrouble({ b: new Set([1]) }), { kind: "not-data", path: ["b"] });
  assert.deepEqual(dataTrouble(new Uint8Array(2)), { kind: "not-data", path: [] });
  assert.equal(dataTrouble({ a: [{ b: null }], c: Object.create(null) }), undefined);
});
