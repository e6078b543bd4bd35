/**
 * src/engine/resume.ts through the real CLI: `weft run --resume` keeps what succeeded
 * inside a composite that did not (loop iterations, parallel children) and runs only the
 * rest; a sub-workflow run again resumes its child run (same file and params); it calls
 * again a kept task's callback that failed; it keeps no child of a
 * composite whose definition changed, nor an index-keyed iteration of items that come
 * from an expression.
 * @module
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/resume_composites/", import.meta.url).pathname;

/**
 * Runs `file` (a copy, edited by `edit` before the resume), which fails until
 * `$OUT/fixed` exists; then makes it and resumes. Returns what each run ran (`$OUT/ran`
 * lines) and the resumed run's report.
 */
async function failThenResume(file: string, edit: (text: string) => string = (t) => t) {
  const out = testTempCopy(FIXTURES); // with the sub-workflows the files call
  const copy = `${out}/${file}`;
  const env = { WEFT_HOME: `${out}/home`, OUT: out };
  const first = await weft(["run", copy, "--json"], { env });
  assert.equal(first.code, 1, first.stderr);
  const failed: RunReport = JSON.parse(first.stdout);
  const ranFirst = (await Deno.readTextFile(`${out}/ran`)).trim().split("\n");
  await Deno.writeTextFile(`${out}/ran`, "");
  await Deno.writeTextFile(`${out}/fixed`, "");
  await Deno.writeTextFile(copy, edit(await Deno.readTextFile(copy)));
  const second = await weft(["run", copy, "--json", "--resume", failed.id], { env });
  const report: RunReport = JSON.parse(second.stdout);
  const ran = (await Deno.readTextFile(`${out}/ran`)).trim().split("\n").filter((l) => l);
  return { ranFirst, ran, report, code: second.code };
}

function task(report: RunReport, id: string) {
  const found = report.tasks.find((t) => t.id === id);
  assert.ok(found, `task ${id} in ${report.tasks.map((t) => t.id)}`);
  return found;
}

Deno.test("--resume of a failed loop runs again only its failed iteration; the others are kept (resumed)", async () => {
  const { ranFirst, ran, report, code } = await failThenResume("loop.yml");
  assert.deepEqual(ranFirst, ["deploy eu", "deploy us", "deploy ap"]);
  assert.deepEqual(ran, ["deploy us"]);
  assert.equal(code, 0);
  assert.equal(report.status, "success");
  assert.equal(task(report, "deploy[eu]").reason, "resumed");
  assert.equal(task(report, "deploy[ap]").reason, "resumed");
  assert.equal(task(report, "deploy[us]").status, "success");
  assert.equal(task(report, "deploy[us]").reason, null);
  assert.deepEqual(task(report, "deploy").outputs, {
    total: "3",
    count: "3",
    succeeded: "3",
    failed: "0",
  });
});

Deno.test("--resume of a loop whose definition changed runs every iteration again", async () => {
  const { ran, code } = await failThenResume(
    "loop.yml",
    (text) => text.replace('echo "deploy', 'true; echo "deploy'),
  );
  assert.equal(code, 0);
  assert.deepEqual(ran, ["deploy eu", "deploy us", "deploy ap"]);
});

Deno.test("--resume of a loop over expression items keyed by index runs every iteration again", async () => {
  const { ran, code } = await failThenResume("loop_index.yml");
  assert.equal(code, 0);
  assert.deepEqual(ran, ["deploy eu", "deploy us"]);
});

Deno.test("--resume of a failed parallel runs again only its failed child", async () => {
  const { ranFirst, ran, report, code } = await failThenResume("parallel.yml");
  assert.deepEqual(ranFirst.sort(), ["flaky", "migrate"]);
  assert.deepEqual(ran, ["flaky"]);
  assert.equal(code, 0);
  assert.equal(task(report, "migrate").reason, "resumed");
  assert.equal(task(report, "grp").status, "success");
});

Deno.test("--resume calls again the failed on_success callback of a kept task", async () => {
  const { ranFirst, ran, report, code } = await failThenResume("callback.yml");
  assert.deepEqual(ranFirst.sort(), ["a", "b", "notify"]);
  assert.deepEqual(ran.sort(), ["b", "notify"]);
  assert.equal(code, 0);
  assert.equal(task(report, "a").reason, "resumed");
  assert.equal(task(report, "notify").status, "success");
  assert.equal(task(report, "notify").attempts, 1);
});

Deno.test("--resume of a failed sub-workflow resumes its child run: what succeeded there is kept", async () => {
  const { ranFirst, ran, report, code } = await failThenResume("sub.yml");
  assert.deepEqual(ranFirst, ["migrate prod", "flaky prod"]);
  assert.deepEqual(ran, ["flaky prod"]);
  assert.equal(code, 0);
  assert.equal(task(report, "call").status, "success");
});

Deno.test("--resume of a sub-workflow called with other params now starts a fresh child run", async () => {
  const { ran, code } = await failThenResume(
    "sub.yml",
    (text) => text.replace("target: prod", "target: staging"),
  );
  assert.equal(code, 0);
  assert.deepEqual(ran, ["migrate staging", "flaky staging"]);
});
