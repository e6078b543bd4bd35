/**
 * Timeouts through the real `weft run`: a composite's timeout ends its children's wait
 * for a free slot (engine/slots.ts) with the timeout's reason and loses no slot; a task
 * the workflow timeout ends says so, in the run's output and in `weft status`; a task a
 * timeout kept from starting is `cancelled`, at the top level or under a composite. The
 * reasons say whose timeout, not "timed out" again: they are shown after the state word.
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/run_timeouts/", import.meta.url).pathname;

Deno.test("cli run: a composite's timeout ends its children's wait for a slot: cancelled, saying whose timeout", async () => {
  const run = await weft(["run", `${FIXTURES}slot_wait.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  for (const id of ["p", "lp"]) {
    const composite = reportTask(report, id);
    assert.equal(composite.status, "timed_out", id);
    assert.equal(composite.reason, "timeout", id);
    assert.equal(composite.error, "its own timeout of 300ms", id);
  }
  for (const [id, by] of [["c1", "p"], ["lp[a]", "lp"], ["lp[b]", "lp"]]) {
    const child = reportTask(report, id);
    assert.equal(child.status, "cancelled", id);
    assert.equal(child.reason, "timeout", id);
    assert.equal(child.attempts, 0, `${id} never started`);
    assert.equal(child.error, `not started: the timeout of "${by}" (300ms)`, id);
  }
  // The slot the waiters gave up was not taken by them: the last task still runs.
  assert.equal(reportTask(report, "hold").status, "success");
  assert.equal(reportTask(report, "z").status, "success");
  assert.match(run.stderr, /✖ p timed out: its own timeout of 300ms — /);
  assert.doesNotMatch(run.stderr, /timed out: timed out/);
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
  assert.equal(a.error, "the workflow's timeout of 300ms");
  assert.equal(a.attempts, 1);
  // Never started, at the top level (b) or under a composite (p1): cancelled alike.
  for (const id of ["b", "p1"]) {
    const waited = reportTask(report, id);
    assert.deepEqual(
      [waited.status, waited.reason, waited.attempts, waited.error],
      ["cancelled", "workflow_timeout", 0, "not started: the workflow's timeout of 300ms"],
      id,
    );
  }
  const status = await weft(["status", report.id, "--json"], { env: { WEFT_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(reportTask(JSON.parse(status.stdout), "a").error, a.error);
  const plain = await weft(["status", report.id], { env: { WEFT_HOME: home } });
  const text = plain.stdout + plain.stderr;
  assert.match(text, /✖ a timed out: the workflow's timeout of 300ms/);
  assert.match(text, /\bb +cancelled .* workflow_timeout: not started: the workflow's timeout/);
  assert.doesNotMatch(text, /timed out: timed out/);
  assert.doesNotMatch(plain.stdout + plain.stderr, /exited with code/);
});

Deno.test("cli run: a conditional's timeout counts from its start, as its duration: not its wait for a slot", async () => {
  const run = await weft(["run", `${FIXTURES}conditional_slot.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const hold = reportTask(report, "hold");
  const c = reportTask(report, "c");
  // It waited for `hold` (1.5s, more than its 1s timeout), then ran: its start is after.
  assert.deepEqual([c.status, c.error], ["success", null]);
  assert.ok(
    Date.parse(c.startedAt!) >= Date.parse(hold.finishedAt!),
    `${c.startedAt} ${hold.finishedAt}`,
  );
  // Its own timeout still ends the branch it runs.
  const slow = reportTask(report, "slow");
  assert.deepEqual([slow.status, slow.reason, slow.error], [
    "timed_out",
    "timeout",
    "its own timeout of 300ms",
  ]);
});

Deno.test("cli run: a loop whose iteration timed out says it timed out, not just whose timeout or 'failed'", async () => {
  const run = await weft(["run", `${FIXTURES}loop_iteration_timeout.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(reportTask(report, "each[a]").error, "its own timeout of 300ms");
  assert.equal(
    reportTask(report, "each").error,
    "1 of 2 iterations failed; first: each[a]: timed out: its own timeout of 300ms",
  );
  assert.equal(
    reportTask(report, "each[b]").error,
    "not run: each[a] timed out and stop_on_failure is on",
  );
});

Deno.test("cli run: a conditional stopped by its branch step's timeout names the step's, in the summary and status", async () => {
  const env = { WEFT_HOME: `${testTempDir("branch-timeout-")}/home`, NO_COLOR: "1" };
  const run = await weft(["run", `${FIXTURES}branch_step.yml`, "--max-parallel", "2"], { env });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /✖ step timed out: its else step's timeout of 300ms/);
  assert.match(run.stderr, /✖ own timed out: its own timeout of 300ms/);
  const status = await weft(["status", "--json"], { env });
  const report = JSON.parse(status.stdout);
  assert.equal(reportTask(report, "step").error, "its else step's timeout of 300ms");
  assert.equal(reportTask(report, "own").error, "its own timeout of 300ms");
});
