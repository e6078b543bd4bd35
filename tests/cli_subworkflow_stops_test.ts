/**
 * A child run (a `workflow` task) ended by its caller, through the real CLI: a timeout
 * of the calling run — the task's own, a composite's above it, the workflow's — gives
 * the child's tasks the reason the calling task gets, seen from inside the child (as a
 * composite's children read: `the timeout of "call" (800ms)`), never `killed by
 * SIGTERM`; a parallel that no longer needs the call says so in the child as well.
 * A timeout stops the child as its own workflow timeout would: the task it ends calls
 * its `on_failure` callback (the child file's cleanup), which the calling task waits
 * for, and the child run is `failed` (not `cancelled`, which calls no callback); Ctrl-C
 * runs no callback and stops a running one, as in a top-level run.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/subworkflow_stops/", import.meta.url).pathname;

/**
 * Runs `file`; returns the parent's report, its child runs' reports and `status` text,
 * and the ids of the child runs whose `rollback` callback ran (in the order they ran).
 */
async function runWithChildren(file: string) {
  const rollbackDir = testTempDir("rollback-");
  const env = { WEFT_HOME: testTempDir("home-"), ROLLBACK_DIR: rollbackDir };
  const run = await weft(["run", `${FIXTURES}${file}`, "--json"], { env });
  assert.equal(run.code, file === "not_needed.yml" ? 0 : 1, run.stderr);
  assert.doesNotMatch(run.stderr, /SIGTERM/);
  const report = JSON.parse(run.stdout) as RunReport;
  return { report, ...await childrenOf(report.id, env), rolledBack: rolledBack(rollbackDir) };
}

/** The ids in `dir`/rolled-back: one line per child run whose `rollback` ran. */
function rolledBack(dir: string): string[] {
  try {
    return Deno.readTextFileSync(`${dir}/rolled-back`).trim().split("\n");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** The child runs of run `id` (from history): their reports and `weft status` text. */
async function childrenOf(parentId: string, env: Record<string, string>) {
  const all = await weft(["history", "--all", "--json"], { env });
  const ids = (JSON.parse(all.stdout) as { id: string; parentRunId?: string }[])
    .filter((r) => r.parentRunId === parentId).map((r) => r.id);
  const children = [];
  for (const id of ids) {
    const json = await weft(["status", id, "--json"], { env });
    assert.equal(json.code, 0, json.stderr);
    const text = await weft(["status", id], { env });
    children.push({
      report: JSON.parse(json.stdout) as RunReport,
      text: text.stdout + text.stderr,
    });
  }
  return { children };
}

/** Every child run's `rollback` ran once, after the caller's timeout ended `nap`. */
function assertRolledBack(
  children: { report: RunReport }[],
  rolledBack: string[],
): void {
  assert.deepEqual(rolledBack.toSorted(), children.map((c) => c.report.id).toSorted());
  for (const { report } of children) {
    const rollback = reportTask(report, "rollback");
    assert.deepEqual([rollback.status, rollback.attempts], ["success", 1], report.id);
  }
}

/** The child's records: its running work timed out (or cancelled) with `words`. */
function assertChildStopped(
  child: { report: RunReport; text: string },
  words: string,
  reason: string | null,
  status = "timed_out",
): void {
  // A timeout stops the child as its own workflow timeout would: `failed`, its on_failure
  // callbacks called; "not needed" cancels it, calling none.
  assert.equal(child.report.status, status === "timed_out" ? "failed" : "cancelled");
  for (const id of ["nap", "group", "member"]) {
    const task = reportTask(child.report, id);
    assert.deepEqual([task.status, task.reason, task.error], [status, reason, words], id);
  }
  const after = reportTask(child.report, "after");
  assert.deepEqual(
    [after.status, after.reason, after.attempts, after.error],
    ["cancelled", reason, 0, status === "timed_out" ? `not started: ${words}` : words],
  );
  assert.doesNotMatch(child.text, /SIGTERM|signal/);
  if (status === "timed_out") {
    assert.match(child.text, new RegExp(`✖ nap timed out: ${RegExp.escape(words)}`));
  }
}

Deno.test("weft run: a child run its task's own timeout ends says whose timeout, in both runs", async () => {
  const { report, children, rolledBack } = await runWithChildren("own_timeout.yml");
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], [
    "timed_out",
    "timeout",
    "its own timeout of 800ms",
  ]);
  assert.equal(children.length, 1);
  assertChildStopped(children[0], 'the timeout of "call" (800ms)', "timeout");
  assertRolledBack(children, rolledBack);
});

Deno.test("weft run: a child run a composite's timeout ends names that composite, in both runs", async () => {
  const { report, children, rolledBack } = await runWithChildren("composite_timeout.yml");
  assert.equal(reportTask(report, "call").error, 'the timeout of "outer" (800ms)');
  assert.equal(children.length, 1);
  assertChildStopped(children[0], 'the timeout of "outer" (800ms)', "timeout");
  assertRolledBack(children, rolledBack);
});

Deno.test("weft run: a child run the calling workflow's timeout ends says so, in both runs", async () => {
  const { report, children, rolledBack } = await runWithChildren("workflow_timeout.yml");
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], [
    "timed_out",
    "workflow_timeout",
    "the workflow's timeout of 900ms",
  ]);
  assert.equal(children.length, 1);
  assertChildStopped(children[0], "the workflow's timeout of 900ms", "workflow_timeout");
  assertRolledBack(children, rolledBack);
  assert.match(children[0].text, /^status\s+failed$/m);
});

Deno.test("weft run: each retried attempt's child run says its attempt's timeout ended it", async () => {
  const { report, children, rolledBack } = await runWithChildren("retried.yml");
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.attempts, call.error], [
    "timed_out",
    2,
    "its own timeout of 700ms",
  ]);
  assert.equal(children.length, 2);
  for (const child of children) {
    assertChildStopped(child, 'the timeout of "call" (700ms)', "timeout");
  }
  // Each attempt's child run is a whole run: the last attempt's cleans up as the first's did.
  assertRolledBack(children, rolledBack);
});

Deno.test("weft run: a child run a parallel no longer needs is cancelled saying so, not by a signal", async () => {
  const { report, children, rolledBack } = await runWithChildren("not_needed.yml");
  const words = 'not needed: another task of "race" decided its outcome';
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], ["cancelled", null, words]);
  assert.equal(children.length, 1);
  assertChildStopped(children[0], words, null, "cancelled");
  // A cancelled task is no failure: it calls no on_failure callback.
  assert.deepEqual(rolledBack, []);
  const rollback = reportTask(children[0].report, "rollback");
  assert.deepEqual([rollback.status, rollback.attempts], ["skipped", 0]);
});

Deno.test("weft run: a child task that timed out on its own is named as timed out in the caller's reason", async () => {
  const { report, children } = await runWithChildren("timed_out_child.yml");
  const call = reportTask(report, "call");
  assert.equal(call.status, "failed");
  assert.equal(
    call.error,
    `child workflow "stops-slow-child" (run ${children[0].report.id}) failed: ` +
      'task "nap" timed out: its own timeout of 300ms',
  );
});

/** Starts `weft run FILE --json` in the background; `finish()` waits for its end. */
function startRun(file: string, env: Record<string, string>) {
  return startWeft(["run", `${FIXTURES}${file}`, "--json"], env);
}

Deno.test("weft run: Ctrl-C cancels a child run and calls none of its on_failure callbacks", async () => {
  const rollbackDir = testTempDir("rollback-");
  const env = { WEFT_HOME: testTempDir("home-"), ROLLBACK_DIR: rollbackDir };
  const run = startRun("cancelled.yml", env);
  await waitForFile(`${rollbackDir}/started`);
  Deno.kill(run.child.pid, "SIGINT");
  const { code, stdout, stderr } = await run.finish();
  assert.equal(code, 130, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(reportTask(report, "call").status, "cancelled");
  const { children } = await childrenOf(report.id, env);
  assert.equal(children.length, 1);
  const child = children[0].report;
  assert.equal(child.status, "cancelled");
  assert.deepEqual(
    [reportTask(child, "nap").status, reportTask(child, "nap").reason],
    ["cancelled", "signal"],
  );
  const rollback = reportTask(child, "rollback");
  assert.deepEqual([rollback.status, rollback.attempts], ["skipped", 0]);
  assert.deepEqual(rolledBack(rollbackDir), []);
});

Deno.test("weft run: Ctrl-C during a child's cleanup after its caller's timeout stops it, as at the top", async () => {
  const rollbackDir = testTempDir("rollback-");
  const env = { WEFT_HOME: testTempDir("home-"), ROLLBACK_DIR: rollbackDir };
  const run = startRun("slow_rollback.yml", env);
  // The callback starts only after the caller's timeout ended `nap`.
  await waitForFile(`${rollbackDir}/rollback-started`);
  Deno.kill(run.child.pid, "SIGINT");
  const { code, stdout, stderr } = await run.finish();
  assert.equal(code, 130, stderr);
  const report = JSON.parse(stdout) as RunReport;
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], [
    "timed_out",
    "timeout",
    "its own timeout of 500ms",
  ]);
  const { children } = await childrenOf(report.id, env);
  assert.equal(children.length, 1);
  const child = children[0].report;
  assert.equal(reportTask(child, "nap").status, "timed_out");
  const rollback = reportTask(child, "rollback");
  assert.deepEqual([rollback.status, rollback.reason], ["cancelled", "signal"]);
});
