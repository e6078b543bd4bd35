/**
 * A JSON number or `true`/`false` in a field that takes text is that text as written,
 * as an unquoted YAML scalar is (README "Text stays as written"): `"name": 10`,
 * `"command": true`, a header value `2`. On the quick path (cleanJsonWorkflow) and the
 * full path (parseWorkflowSource, taken when the file has a problem elsewhere) alike.
 * Fields that take numbers or booleans keep them.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { parseWorkflowSource } from "../src/parse/mod.ts";
import { cleanJsonWorkflow } from "../src/parse/clean_json.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/written_json/texts.json", import.meta.url).pathname;

Deno.test("cleanJsonWorkflow / parseWorkflowSource: JSON numbers and booleans in text fields", () => {
  const text = Deno.readTextFileSync(FIXTURE);
  const quick = cleanJsonWorkflow(text);
  const full = parseWorkflowSource(text, "texts.json");
  assert.deepEqual(full.problems, []);
  assert.ok(quick);
  assert.deepEqual(quick, full.workflow);
  assert.equal(quick.name, "10");
  assert.equal(quick.description, "2");
  assert.equal(quick.version, "1.10");
  assert.equal(quick.max_parallel, 2); // a number field keeps its number
  assert.deepEqual(quick.environment, { B: "1E+3", C: "10", D: "false" });
  const [a, , loop, http] = quick.tasks as unknown as Record<string, unknown>[];
  assert.equal(a.name, "7");
  assert.equal(a.description, "true");
  assert.equal(a.command, "true");
  assert.equal(a.continue_on_error, false); // a boolean field keeps its boolean
  assert.equal((a.retry as { attempts: number }).attempts, 2);
  assert.deepEqual(loop.items, [1, "1.10", true]); // items take numbers and booleans
  assert.deepEqual(http.headers, { "X-A": "2", "X-B": "true" });
});

Deno.test("weft validate / run: a .json with numbers and booleans in text fields", async () => {
  const dir = testTempDir("written-json-");
  const text = await Deno.readTextFile(FIXTURE);
  await Deno.writeTextFile(`${dir}/w.json`, text);
  const checked = await weft(["validate", "w.json"], { cwd: dir });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const run = await weft(["run", "w.json", "--json"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.equal(report.status, "success");
  assert.equal(report.workflow, "10");
  assert.equal(report.tasks.find((t) => t.id === "a")?.name, "7");
  // b ran `test "$B-$C-$D-$E-${params.P}" = 1E+3-10-false-3-0.50`: the values as written.
  assert.equal(report.tasks.find((t) => t.id === "b")?.status, "success");

  // A problem elsewhere takes the full path: it is the only problem reported.
  await Deno.writeTextFile(`${dir}/bad.json`, text.replace('"max_parallel"', '"max_paralel"'));
  const bad = await weft(["validate", "bad.json"], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stdout + bad.stderr, /bad\.json:5:3: unknown key "max_paralel"/);
  assert.match(bad.stdout + bad.stderr, /1 problem\b/);
});
