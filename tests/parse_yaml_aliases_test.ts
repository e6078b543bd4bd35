/**
 * src/parse/yaml_aliases.ts and the anchor places of source_map.ts through the CLI:
 * keys written as lists, maps or aliases are refused at the key (no Node warning for a
 * developer on stderr), an alias without an anchor and an alias "bomb" are placed at the
 * alias with a hint, and a problem of an anchored block is told apart by its uses.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/yaml_aliases/", import.meta.url).pathname;

/** `line:col: message` of each problem in `validate --json` output. */
function places(stdout: string): string[] {
  return JSON.parse(stdout).map((p: { line: number; column: number; message: string }) =>
    `${p.line}:${p.column}: ${p.message}`
  );
}

Deno.test("cli validate: a list, map or alias as a key is refused at the key", async () => {
  for (const verb of ["validate", "run"]) {
    const run = await weft([
      verb,
      ...(verb === "validate" ? ["--json"] : []),
      `${FIXTURES}keys.yml`,
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.doesNotMatch(run.stderr, /Warning|mapAsMap/, "no library warning reaches the user");
    if (verb === "validate") {
      assert.deepEqual(places(run.stdout), [
        "7:7: a key must be text, not a list",
        "8:9: a key must be text, not a map",
        "10:9: a key may not be an alias (*k)",
      ]);
    }
  }
});

Deno.test("cli validate: an alias bomb is placed at the alias, with a hint", async () => {
  const run = await weft(["validate", `${FIXTURES}bomb.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /bomb\.yml:6:10: invalid YAML: aliases expand to too many values \(\*e here/,
  );
  assert.match(run.stderr, /hint: aliases of aliases multiply/);
});

Deno.test("cli validate: an alias with no anchor is placed at the alias", async () => {
  const run = await weft(["validate", `${FIXTURES}unresolved.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /unresolved\.yml:5:18: invalid YAML: `\*env` is an alias, and no anchor `&env` comes before it/,
  );
  assert.match(run.stderr, /hint: `\*` at the start of a value refers to an anchor/);
});

Deno.test("cli validate: tasks made from one anchor are told apart at their aliases", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}anchor.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(places(run.stdout), [
    // Written once at the anchor, reported once though three tasks use it.
    '4:12: timeout in task "build": invalid duration "5x"',
    '8:9: duplicate task id "build"',
    '10:5: missing key "command" in task "build"',
    '10:5: duplicate task id "build"',
  ]);
  const hints = JSON.parse(run.stdout).map((p: { hint: string }) => p.hint);
  assert.match(hints[1], /already the id of the task at line 6/);
});

Deno.test("cli validate: a bad param name is said in words, with a name to use", async () => {
  const run = await weft(["validate", `${FIXTURES}params.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.doesNotMatch(run.stderr, /pattern|\/\^/, "no regex");
  assert.match(
    run.stderr,
    /params\.yml:3:3: params: invalid name "a b": a name starts with a letter/,
  );
  assert.match(run.stderr, /hint: rename it, e\.g\. "a_b"/);
  assert.match(
    run.stderr,
    /params\.yml:4:3: .*"9lives"[^\n]*\n {2}hint: rename it, e\.g\. "_9lives"/,
  );
});
