/**
 * A loop stopped by a timeout or a cancel sums its iterations up as it does failures
 * (tester12 F4, engine/loop.ts): an iteration ended while it ran (timed out, or
 * cancelled) is in `count` and `failed`; one kept from starting is in neither. Through
 * the real CLI: the outputs an on_failure callback reads, `weft run --json` and
 * `weft status --json`.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, startWeft, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/loop_timeout/", import.meta.url).pathname;

/** Each listed task's status and attempts. */
function states(report: RunReport, ids: string[]): [string, string, number][] {
  return ids.map((id) => {
    const task = reportTask(report, id);
    return [id, task.status, task.attempts];
  });
}

Deno.test("weft run: a loop's own timeout counts the iteration it ended as failed, in the callback and status", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  // Slots for every iteration, so that only the loop decides which one starts.
  const run = await weft(["run", `${FIXTURES}own.yml`, "--json", "-v", "--max-parallel", "8"], {
    env,
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.deepEqual(states(report, ["serial", "serial[a]", "serial[b]", "serial[c]"]), [
    ["serial", "timed_out", 1],
    ["serial[a]", "success", 1],
    ["serial[b]", "timed_out", 1],
    ["serial[c]", "cancelled", 0],
  ]);
  const serial = { total: "3", count: "2", succeeded: "1", failed: "1" };
  assert.deepEqual(reportTask(report, "serial").outputs, serial);
  // What its on_failure callback read.
  assert.match(run.stderr, /total=3 count=2 succeeded=1 failed=1/);
  assert.equal(reportTask(report, "report").status, "success");
  assert.deepEqual(
    states(report, ["wide[a]", "wide[b]", "wide[c]", "wide[d]"]).map(([, s, n]) => [s, n]),
    [["success", 1], ["timed_out", 1], ["timed_out", 1], ["cancelled", 0]],
  );
  const wide = { total: "4", count: "3", succeeded: "1", failed: "2" };
  assert.deepEqual(reportTask(report, "wide").outputs, wide);

  const status = await weft(["status", report.id, "--json"], { env });
  assert.equal(status.code, 0, status.stderr);
  const recorded = JSON.parse(status.stdout) as RunReport;
  assert.deepEqual(reportTask(recorded, "serial").outputs, serial);
  assert.deepEqual(reportTask(recorded, "wide").outputs, wide);
});

Deno.test("weft run: a loop stopped by the workflow's timeout counts the iterations it ended, not those it kept waiting", async () => {
  const run = await weft(["run", `${FIXTURES}outer.yml`, "--json", "--max-parallel", "2"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.equal(reportTask(report, "wide").status, "timed_out");
  // a ends; b and one of c, d hold the two slots until the timeout; the other waited.
  const iterations = states(report, ["wide[a]", "wide[b]", "wide[c]", "wide[d]"])
    .map(([, s, n]) => `${s} ${n}`).sort();
  assert.deepEqual(iterations, ["cancelled 0", "success 1", "timed_out 1", "timed_out 1"]);
  assert.deepEqual(reportTask(report, "wide").outputs, {
    total: "4",
    count: "3",
    succeeded: "1",
    failed: "2",
  });
});

Deno.test("weft run: a loop cancelled (Ctrl-C) counts the iteration it ended while it ran", async () => {
  const dir = testTempDir("loop-");
  const file = `${dir}/cancel.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: loop-cancel",
      "tasks:",
      "  - id: l",
      "    type: loop",
      "    items: [a, b, c]",
      "    task:",
      '      command: if [ "${item}" = a ]; then exit 0; fi; sleep 30',
      "",
    ].join("\n"),
  );
  const weftRun = startWeft(["run", file, "--json", "-v"], { WEFT_HOME: `${dir}/home` });
  await weftRun.stderrIncludes("l[b] started");
  weftRun.child.kill("SIGINT");
  const { code, stdout, stderr } = await weftRun.finish();
  assert.notEqual(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(report.status, "cancelled");
  assert.deepEqual(states(report, ["l", "l[a]", "l[b]", "l[c]"]), [
    ["l", "cancelled", 1],
    ["l[a]", "success", 1],
    ["l[b]", "cancelled", 1],
    ["l[c]", "cancelled", 0],
  ]);
  assert.deepEqual(reportTask(report, "l").outputs, {
    total: "3",
    count: "2",
    succeeded: "1",
    failed: "1",
  });
});
