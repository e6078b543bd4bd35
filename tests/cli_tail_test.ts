/**
 * `${tasks.ID.stdout}` is the task's whole stdout or nothing (engine/tail.ts CutStdout):
 * read where it is data (loop items, a command, a condition, a URL) after the task
 * printed more than the 1 MiB weft keeps, or kept by `--resume` (whose record has no
 * stdout), it fails the reading task naming the task, the size and the limit — never a
 * loop over a tail that starts inside a line. Through the real `weft run`.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/stdout_cut/", import.meta.url).pathname;
const CUT =
  /^(loop items: |condition: |url: )?the stdout of task "list(-json)?" is \d+(\.\d)? MiB, over the 1 MiB weft keeps of it \(write the value to a file and pass the file's path as an output\)( in \$\{tasks\.list(-json)?\.stdout\})?$/;

async function runReads(lines: number): Promise<RunReport> {
  const home = testTempDir("home-");
  const run = await weft(
    ["run", `${FIXTURES}reads.yml`, "-p", `lines=${lines}`, "--json"],
    { env: { WEFT_HOME: home } },
  );
  assert.equal(run.code, 1, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("cli tail: a stdout under 1 MiB is read whole as loop items, in a command and a condition", async () => {
  const report = await runReads(3);
  assert.equal(reportTask(report, "each-line").outputs.total, "3");
  assert.equal(reportTask(report, "each-json").outputs.total, "3");
  assert.ok(report.tasks.some((t) => t.id === "each-line[server-1.example.com]"));
  for (const id of ["in-command", "in-condition"]) {
    assert.equal(reportTask(report, id).status, "success", id);
  }
  // Only the request itself fails (nothing listens on port 2).
  assert.match(reportTask(report, "in-url").error ?? "", /connection refused/);
});

Deno.test("cli tail: a stdout over 1 MiB is refused wherever it is read, no iteration run", async () => {
  // 120,000 lines: 3.3 MiB of names, and a one-line JSON array of 1.1 MiB.
  const report = await runReads(120_000);
  for (const id of ["list", "list-json"]) assert.equal(reportTask(report, id).status, "success");
  for (const id of ["each-line", "each-json", "in-command", "in-condition", "in-url"]) {
    const task = reportTask(report, id);
    assert.equal(task.status, "failed", id);
    assert.match(task.error ?? "", CUT, id);
  }
  assert.match(reportTask(report, "each-json").error ?? "", / is 1\.\d MiB, /);
  assert.ok(!report.tasks.some((t) => t.id.startsWith("each-") && t.id.includes("[")));
});

Deno.test("cli tail: --resume keeps a task but not its stdout: reading it fails, never empty", async () => {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home, FIXED_MARKER: `${home}/fixed` };
  const first = await weft(["run", `${FIXTURES}kept.yml`, "--json"], { env });
  assert.equal(first.code, 1, first.stderr);
  const failed: RunReport = JSON.parse(first.stdout);
  await Deno.writeTextFile(`${home}/fixed`, "");
  const second = await weft(["run", `${FIXTURES}kept.yml`, "--json", "--resume", failed.id], {
    env,
  });
  assert.equal(second.code, 1, second.stderr);
  const resumed: RunReport = JSON.parse(second.stdout);
  assert.equal(reportTask(resumed, "list").reason, "resumed");
  assert.match(
    reportTask(resumed, "use").error ?? "",
    /^task "list" is kept from the run being resumed, whose record holds its outputs \(passed on whole\) but not its stdout \(pass the value as an output through \$WEFT_OUTPUT\)/,
  );
  // A resume of that resumed run keeps "list" again (recorded there with no attempt of
  // its own): reading its stdout still fails, never reads empty.
  const third = await weft(["run", `${FIXTURES}kept.yml`, "--json", "--resume", resumed.id], {
    env,
  });
  assert.equal(third.code, 1, third.stderr);
  const again: RunReport = JSON.parse(third.stdout);
  assert.equal(reportTask(again, "list").reason, "resumed");
  assert.match(
    reportTask(again, "use").error ?? "",
    /^task "list" is kept from the run being resumed/,
  );
});
