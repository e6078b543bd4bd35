/**
 * The `workflow` task's output lines (src/tasks/workflow.ts), through the real CLI: the
 * `child run ID: FILE` line and each child line's `[task]` prefix are weft's own words,
 * so a secret that is a common word masks the child's data only, never the child's task
 * id, its run id or the file name, in the terminal or the stored log (`weft logs`).
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("workflow task: a common-word secret leaves the child's ids and file name whole", async () => {
  const dir = testTempDir("wf-ids-");
  await Deno.writeTextFile(
    `${dir}/postgres-child.yml`,
    [
      "name: child",
      "tasks:",
      "  - id: dump-postgres",
      '    command: echo "dumping postgres"',
    ].join("\n") + "\n",
  );
  await Deno.writeTextFile(
    `${dir}/parent.yml`,
    [
      "name: parent",
      "secrets: [DB_PASSWORD]",
      "tasks:",
      "  - id: call",
      "    type: workflow",
      "    file: postgres-child.yml",
    ].join("\n") + "\n",
  );
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home, DB_PASSWORD: "postgres" };
  const run = await weft(["run", `${dir}/parent.yml`, "-v", "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.ok(run.stderr.includes("[call] [dump-postgres] dumping ***"), run.stderr);
  const childLine = run.stderr.split("\n").find((l) => l.includes("child run "));
  assert.match(childLine ?? "", /child run \d{8}T\d{6}\.\d{3}Z-[0-9a-f]+: postgres-child\.yml$/);
  // The stored log of the calling task: found by the child task's id, data masked.
  const logs = await weft(["logs", report.id, "call"], { env: { WEFT_HOME: home } });
  assert.equal(logs.code, 0, logs.stderr);
  const lines = logs.stdout.split("\n");
  assert.ok(lines.some((l) => /^child run \S+: postgres-child\.yml$/.test(l)), logs.stdout);
  assert.ok(lines.includes("[dump-postgres] dumping ***"), logs.stdout);
  assert.ok(!logs.stdout.includes("dumping postgres"), logs.stdout);
});
