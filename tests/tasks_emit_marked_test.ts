/**
 * Lines runners write into a task's output themselves (src/tasks/emit_marked.ts) are
 * weft's words around quoted data: a secret that is a common word masks the data in
 * them, never weft's words. Through the real CLI, with a database task: the row count
 * line keeps its word while the row holding the secret is masked, on the terminal and
 * in the stored log.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("runner lines: a common-word secret masks the data, not weft's words", async () => {
  const dir = testTempDir("emit-marked-");
  const file = `${dir}/db.yml`;
  await Deno.writeTextFile(
    file,
    [
      "name: rows-report",
      "secrets: [DB_PASSWORD]",
      "tasks:",
      "  - id: q",
      "    type: database",
      "    config:",
      `      connection: "sqlite:${dir}/app.db"`,
      "      query: \"SELECT 'rows' AS w UNION ALL SELECT 'x' UNION ALL SELECT 'y'\"",
    ].join("\n") + "\n",
  );
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home, DB_PASSWORD: "rows" };
  const run = await weft(["run", file, "-v", "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.stderr.includes('[q] {"w":"***"}'), run.stderr);
  assert.ok(run.stderr.includes("[q] 3 rows"), run.stderr);
  const id = (JSON.parse(run.stdout) as RunReport).id;
  const logs = await weft(["logs", id, "q"], { env: { WEFT_HOME: home } });
  assert.equal(logs.code, 0, logs.stderr);
  // `weft logs` prints a task's stderr lines on stderr.
  assert.ok(logs.stderr.split("\n").includes("3 rows"), logs.stderr);
  assert.ok(logs.stdout.includes('{"w":"***"}'), logs.stdout);
});
