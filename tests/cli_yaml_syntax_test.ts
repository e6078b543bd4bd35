/**
 * parse/syntax.ts through the CLI. YAML merge keys (`<<: *base`) and top-level `x-` keys
 * (parse/mod.ts): merged keys run as if written in place, keep their text as written
 * (`3.10`), and a problem in a merged key is reported where its anchor writes it. An
 * unquoted `${...}` in a flow collection is one problem with a hint to quote it.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/yaml_syntax/", import.meta.url).pathname;

Deno.test("yaml syntax: <<: *anchor and <<: [*a, *b] merge keys; x- keys are ignored", async () => {
  const dir = testTempCopy(FIXTURES, "yaml-merge-");
  const check = await weft(["validate", "merge.yml"], { cwd: dir });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const out = await weft(["run", "-v", "merge.yml"], { cwd: dir });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const lines = (out.stdout + out.stderr).split("\n").filter((l) => l.startsWith("["));
  // A merge is shallow (YAML 1.1): b's environment is *more's whole; c's own WHO wins.
  assert.deepEqual(lines, ["[a] a 3.10 base", "[b] b  more", "[c] c 3.10 own"]);
});

Deno.test("yaml syntax: a problem in a merged key is placed at its anchor", async () => {
  const dir = testTempCopy(FIXTURES, "yaml-merge-");
  const out = await weft(["validate", "bad_merged.yml"], { cwd: dir });
  assert.equal(out.code, 2);
  assert.match(
    out.stdout + out.stderr,
    /bad_merged\.yml:3:12: timeout in task "a": invalid duration/,
  );
  assert.match(out.stdout + out.stderr, /bad_merged\.yml:4:3: unknown key "retrys" in task "a"/);
  assert.match(out.stdout + out.stderr, /did you mean "retry"/);
});

Deno.test("yaml syntax: a merge of a scalar is refused at it; JSON has no merge key", async () => {
  const dir = testTempCopy(FIXTURES, "yaml-merge-");
  const bad = await weft(["validate", "bad_source.yml"], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(
    bad.stdout + bad.stderr,
    /bad_source\.yml:5:9: invalid YAML: a merge key `<<` takes a mapping/,
  );
  const json = await weft(["validate", "merge.json"], { cwd: dir });
  assert.equal(json.code, 2);
  assert.match(json.stdout + json.stderr, /merge\.json:1:67: unknown key "<<" in task "a"/);
});

Deno.test("yaml syntax: an unquoted ${...} in a flow collection is one problem, with a hint", async () => {
  const dir = testTempCopy(FIXTURES, "yaml-flow-");
  const out = await weft(["validate", "flow_map.yml", "flow_list.yml"], { cwd: dir });
  assert.equal(out.code, 2);
  const text = out.stdout + out.stderr;
  assert.match(text, /flow_map\.yml:4:24: invalid YAML: an unquoted \$\{env\.BASE\} inside a flow/);
  assert.match(
    text,
    /flow_list\.yml:6:45: invalid YAML: an unquoted \$\{params\.x\} inside a flow/,
  );
  assert.match(text, /quote the value \("\$\{env\.BASE\}…"\)/);
  // The follow-on errors the first one causes are not reported.
  assert.match(text, /2 files, 2 invalid, 2 problems/);
});
