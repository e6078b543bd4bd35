/**
 * The seed's `"wait_for": "all|any|first"` (parse/placeholder_notes.ts): read as `all`,
 * which `weft validate` notes at its place without calling the file invalid; any other
 * `|` spelling is refused. Through the real CLI.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const SEED = new URL("./fixtures/placeholder_notes/seed_parallel.json", import.meta.url).pathname;
const NOTE =
  /seed_parallel\.json:13:19: note: wait_for "all\|any\|first" lists the choices; it is read as all/;

Deno.test("weft validate: the seed's wait_for list is a note, not a problem", async () => {
  const plain = await weft(["validate", SEED]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, NOTE);
  assert.match(plain.stderr, /hint: write the one you mean: all, any .* or first/);
  assert.match(plain.stderr, /seed_parallel\.json: ok\n1 file, 0 invalid, 0 problems/);
  // --json: the array of problems stays empty; the note is on stderr.
  const json = await weft(["validate", "--json", SEED]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), []);
  assert.match(json.stderr, NOTE);
  const quiet = await weft(["validate", "-q", SEED]);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, "");
  // The same in YAML.
  const dir = testTempDir("placeholder-");
  const yaml = Deno.readTextFileSync(SEED);
  Deno.writeTextFileSync(`${dir}/seed_parallel.yml`, yaml);
  const fromYaml = await weft(["validate", `${dir}/seed_parallel.yml`]);
  assert.equal(fromYaml.code, 0, fromYaml.stderr);
  assert.match(fromYaml.stderr, /seed_parallel\.yml:13:19: note: wait_for "all\|any\|first"/);
});

Deno.test("weft run: the seed's wait_for list waits for every child, as all does", async () => {
  const run = await weft(["run", "--json", SEED]);
  assert.equal(run.code, 0, run.stderr);
  const report: RunReport = JSON.parse(run.stdout);
  for (const id of ["unit-tests", "integration-tests", "e2e-tests"]) {
    assert.equal(reportTask(report, id).status, "success", id);
  }
  const outputs = reportTask(report, "parallel-tests").outputs;
  assert.equal(outputs.succeeded, "3");
  assert.equal(outputs.winner, undefined, "all names no winner");
});

Deno.test("weft validate: another list of the choices is refused", async () => {
  const dir = testTempDir("placeholder-");
  for (const spelling of ["any|first", "all | any | first", "first|any|all"]) {
    const file = `${dir}/w.json`;
    Deno.writeTextFileSync(file, Deno.readTextFileSync(SEED).replace("all|any|first", spelling));
    const result = await weft(["validate", file]);
    assert.equal(result.code, 2, spelling);
    assert.match(
      result.stderr,
      /w\.json:13:19: wait_for in task "parallel-tests": .* is not one of all, any, first/,
    );
  }
});
