/**
 * An output that holds only part of its value (a database's `rows` past its caps:
 * TaskResult.cut) fails the task that reads it as data, naming the task, the counts and
 * the caps — and still does in a `--resume` run that keeps the task (the mark is
 * recorded with the outputs). A whole one (`row_count`, rows under the caps) reads as
 * before. Through the real `weft run`.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FILE = new URL("./fixtures/rows_cut/rows.yml", import.meta.url).pathname;
const CUT =
  /^loop items: the rows output of task "q" holds the first 1000 of its 1500 rows \(at most 1000 rows and 256 KiB are kept\): narrow the query \(WHERE, LIMIT\), or write the rows to a file and pass its path in \$\{tasks\.q\.outputs\.rows\}$/;

Deno.test("cli outputs cut: rows past the caps are refused as loop items, also when kept by --resume", async () => {
  const dir = testTempDir("rows-");
  const env = { WEFT_HOME: `${dir}/home`, FIXED_MARKER: `${dir}/fixed` };
  const args = ["run", FILE, "-p", `db=${dir}/t.db`, "--json"];
  const first = await weft(args, { env });
  assert.equal(first.code, 1, first.stderr);
  const failed: RunReport = JSON.parse(first.stdout);
  assert.equal(reportTask(failed, "q").status, "success");
  assert.equal(reportTask(failed, "each").status, "skipped");
  await Deno.writeTextFile(`${dir}/fixed`, "");
  const second = await weft([...args, "--resume", failed.id], { env });
  assert.equal(second.code, 1, second.stderr);
  const resumed: RunReport = JSON.parse(second.stdout);
  assert.equal(reportTask(resumed, "q").reason, "resumed");
  assert.match(reportTask(resumed, "each").error ?? "", CUT);
  assert.equal(reportTask(resumed, "count").reason, "resumed");
});

Deno.test("cli outputs cut: rows under the caps are read whole", async () => {
  const dir = testTempDir("rows-");
  const env = { WEFT_HOME: `${dir}/home`, FIXED_MARKER: dir };
  const run = await weft(["run", FILE, "-p", `db=${dir}/t.db`, "-p", "n=900", "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const report: RunReport = JSON.parse(run.stdout);
  assert.equal(reportTask(report, "each").outputs.total, "900");
  assert.equal(reportTask(report, "q").cut, undefined);
});
