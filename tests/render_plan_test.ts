/**
 * src/cli/render/plan.ts and the metrics report through the real CLI: a line break in a
 * workflow's or task's name, or in a condition, is shown escaped (`\n`), as the board,
 * `history` and `status` show it, so that each plan line is one line and a metrics
 * section title cannot be split.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FILE = new URL("./fixtures/names_lines/nl.yml", import.meta.url).pathname;

Deno.test("dry run and metrics: line breaks in names and conditions are escaped", async () => {
  const plan = await weft(["run", "--dry-run", "--no-color", FILE]);
  assert.equal(plan.code, 0, plan.stderr);
  const lines = (plan.stdout + plan.stderr).trimEnd().split("\n");
  assert.ok(
    lines.includes(
      "plan for nl\\nsecond line\\u2028third: 2 tasks in 2 waves, 1 callback (dry run: nothing runs)",
    ),
    lines.join("\n"),
  );
  assert.ok(lines.some((l) => /^ {2}a {3}shell {2}first\\nsecond$/.test(l)), lines.join("\n"));
  assert.ok(
    lines.some((l) =>
      l.includes("if ${tasks.a.status} == 'success'\\n&& ${tasks.a.exit_code} == 0")
    ),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) => l.includes("if ${tasks.a.status} ==\\n 'success'")),
    lines.join("\n"),
  );
  // No line starts with a piece of a name: every line is the plan's own.
  assert.ok(!lines.some((l) => /^(second|third|&&| 'success')/.test(l)), lines.join("\n"));

  const home = testTempDir("home-");
  const run = await weft(["run", "-q", FILE], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const metrics = await weft(["metrics"], { env: { WEFT_HOME: home } });
  assert.equal(metrics.code, 0, metrics.stderr);
  const titles = metrics.stdout.split("\n").filter((l) => l.endsWith(":"));
  assert.deepEqual(titles, ["nl\\nsecond line\\u2028third:"]);
});
