/**
 * A child run (a `workflow` task) ended by its caller, through the real CLI: a timeout
 * of the calling run — the task's own, a composite's above it, the workflow's — gives
 * the child's tasks the reason the calling task gets, seen from inside the child (as a
 * composite's children read: `the timeout of "call" (800ms)`), never `killed by
 * SIGTERM`; a parallel that no longer needs the call says so in the child as well.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/subworkflow_stops/", import.meta.url).pathname;

/** Runs `file`; returns the parent's report and its child runs' reports and `status` text. */
async function runWithChildren(file: string) {
  const env = { WEFT_HOME: testTempDir("home-") };
  const run = await weft(["run", `${FIXTURES}${file}`, "--json"], { env });
  assert.equal(run.code, file === "not_needed.yml" ? 0 : 1, run.stderr);
  assert.doesNotMatch(run.stderr, /SIGTERM/);
  const report = JSON.parse(run.stdout) as RunReport;
  const all = await weft(["history", "--all", "--json"], { env });
  const ids = (JSON.parse(all.stdout) as { id: string; parentRunId?: string }[])
    .filter((r) => r.parentRunId === report.id).map((r) => r.id);
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
  return { report, children };
}

/** The child's records: its running work timed out (or cancelled) with `words`. */
function assertChildStopped(
  child: { report: RunReport; text: string },
  words: string,
  reason: string | null,
  status = "timed_out",
): void {
  assert.equal(child.report.status, "cancelled");
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
  const { report, children } = await runWithChildren("own_timeout.yml");
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], [
    "timed_out",
    "timeout",
    "its own timeout of 800ms",
  ]);
  assert.equal(children.length, 1);
  assertChildStopped(children[0], 'the timeout of "call" (800ms)', "timeout");
});

Deno.test("weft run: a child run a composite's timeout ends names that composite, in both runs", async () => {
  const { report, children } = await runWithChildren("composite_timeout.yml");
  assert.equal(reportTask(report, "call").error, 'the timeout of "outer" (800ms)');
  assert.equal(children.length, 1);
  assertChildStopped(children[0], 'the timeout of "outer" (800ms)', "timeout");
});

Deno.test("weft run: a child run the calling workflow's timeout ends says so, in both runs", async () => {
  const { report, children } = await runWithChildren("workflow_timeout.yml");
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], [
    "timed_out",
    "workflow_timeout",
    "the workflow's timeout of 900ms",
  ]);
  assert.equal(children.length, 1);
  assertChildStopped(children[0], "the workflow's timeout of 900ms", "workflow_timeout");
});

Deno.test("weft run: each retried attempt's child run says its attempt's timeout ended it", async () => {
  const { report, children } = await runWithChildren("retried.yml");
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
});

Deno.test("weft run: a child run a parallel no longer needs is cancelled saying so, not by a signal", async () => {
  const { report, children } = await runWithChildren("not_needed.yml");
  const words = 'not needed: another task of "race" decided its outcome';
  const call = reportTask(report, "call");
  assert.deepEqual([call.status, call.reason, call.error], ["cancelled", null, words]);
  assert.equal(children.length, 1);
  assertChildStopped(children[0], words, null, "cancelled");
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
