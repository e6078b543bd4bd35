/**
 * Output names are identifiers, not data (src/engine/mask_events.ts maskOutputs, README
 * "Secrets"), through the real `weft run`: with the secret `postgres`, an output name a
 * task writes from a file (`postgres_host`) and a column name in a database task's
 * `rows` that the workflow reads are kept as written, so a resumed run reads the same
 * values; an output name the workflow never reads is still masked.
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/output_names/", import.meta.url).pathname;

Deno.test("mask events: output names and row keys the workflow reads survive a secret word and --resume", async () => {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home, DB_PASSWORD: "postgres", FLAG: `${testTempDir("flag-")}/f` };
  const first = await weft(["run", "names.yml", "-v", "--json"], { env, cwd: FIXTURES });
  assert.equal(first.code, 1, first.stderr); // b fails once, by design
  assert.match(first.stderr, /\[b\] connect db1\.internal:5432\n/);
  const report = JSON.parse(first.stdout);
  assert.deepEqual(reportTask(report, "a").outputs, {
    postgres_host: "db1.internal",
    postgres_port: "5432",
    "***_note": "unread",
  });
  assert.deepEqual(
    JSON.parse(reportTask(report, "q").outputs.rows),
    [{ postgres_host: "db1.internal", postgres_port: 5432 }],
  );
  const resumed = await weft(["run", "names.yml", "-v", "--resume", report.id], {
    env,
    cwd: FIXTURES,
  });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /\[b\] connect db1\.internal:5432\n/);
  assert.match(resumed.stderr, /\[use\[0\]\] host=db1\.internal port=5432\n/);
});
