/**
 * Timeouts through the real `weft run`: a composite's timeout ends its children's wait
 * for a free slot (engine/slots.ts) with the timeout's reason and loses no slot; a task
 * the workflow timeout ends says so, in the run's output and in `weft status`.
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/run_timeouts/", import.meta.url).pathname;

Deno.test("cli run: a composite's timeout ends its children's wait for a slot, with the timeout's reason", async () => {
  const run = await weft(["run", `${FIXTURES}slot_wait.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  for (const id of ["p", "lp"]) {
    const composite = reportTask(report, id);
    assert.equal(composite.status, "timed_out", id);
    assert.equal(composite.reason, "timeout", id);
    assert.equal(composite.error, "timed out after 300ms", id);
  }
  for (const [id, by] of [["c1", "p"], ["lp[a]", "lp"], ["lp[b]", "lp"]]) {
    const child = reportTask(report, id);
    assert.equal(child.status, "timed_out", id);
    assert.equal(child.attempts, 0, `${id} never started`);
    assert.equal(child.error, `timed out: the timeout of "${by}" (300ms)`, id);
  }
  // The slot the waiters gave up was not taken by them: the last task still runs.
  assert.equal(reportTask(report, "hold").status, "success");
  assert.equal(reportTask(report, "z").status, "success");
  assert.match(run.stderr, /✖ p timed out: timed out after 300ms/);
});

Deno.test("cli run: a task the workflow timeout ends gets that timeout as its reason, in run and status", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}workflow_timeout.yml`, "--json"], {
    env: { WEFT_HOME: home },
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const a = reportTask(report, "a");
  assert.equal(a.status, "timed_out");
  assert.equal(a.reason, "workflow_timeout");
  assert.equal(a.error, "timed out: the workflow's timeout of 300ms");
  assert.equal(reportTask(report, "b").status, "cancelled");
  const status = await weft(["status", report.id, "--json"], { env: { WEFT_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(reportTask(JSON.parse(status.stdout), "a").error, a.error);
  const plain = await weft(["status", report.id], { env: { WEFT_HOME: home } });
  assert.match(plain.stdout + plain.stderr, /timed out: the workflow's timeout of 300ms/);
  assert.doesNotMatch(plain.stdout + plain.stderr, /exited with code/);
});
