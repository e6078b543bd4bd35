/**
 * Callbacks when a run is stopped: the workflow timeout, a task's own timeout and
 * Ctrl-C (engine cancel), with real processes; and callbacks of one list ordered by
 * depends_on, through the CLI.
 */
import assert from "node:assert/strict";
import { eventSeen, runTest, startTestRun, survivors } from "./_engine.ts";
import { weft } from "./_run_cli.ts";
import { exists, testTempCopy } from "./_tmp.ts";
import type { RunReport } from "../src/engine/mod.ts";

const CALLBACK_FIXTURES = new URL("./fixtures/callbacks/", import.meta.url).pathname;

const sh = (id: string, command: string, more: Record<string, unknown> = {}) => ({
  id,
  command,
  ...more,
});

Deno.test("workflow timeout: the ended task is timed_out and its on_failure callbacks run", async () => {
  const r = await runTest({
    name: "wf-timeout-cb",
    timeout: "300ms",
    tasks: [
      sh("deploy", "sleep 1000", { on_failure: ["rollback"], on_success: ["notify"] }),
      sh("waiting", "true", { depends_on: ["deploy"], on_failure: ["rollback"] }),
      sh("rollback", "echo ${tasks.deploy.status} > rolled-back"),
      sh("notify", "true"),
    ],
  });
  assert.deepEqual([r.task("deploy").status, r.task("deploy").reason], [
    "timed_out",
    "workflow_timeout",
  ]);
  assert.equal(r.task("rollback").status, "success");
  assert.equal(r.task("rollback").attempts, 1);
  assert.equal((await Deno.readTextFile(`${r.dir}/rolled-back`)).trim(), "timed_out");
  // A task that never started is cancelled, not failed: it calls nothing.
  assert.deepEqual([r.task("waiting").status, r.task("waiting").reason], [
    "cancelled",
    "workflow_timeout",
  ]);
  assert.deepEqual([r.task("notify").status, r.task("notify").attempts], ["skipped", 0]);
  assert.equal(r.report.status, "failed");
});

Deno.test("workflow timeout: a callback still running after the grace window is timed_out and killed", async () => {
  const r = await runTest({
    name: "wf-timeout-grace",
    timeout: "200ms",
    tasks: [
      sh("deploy", "sleep 1000", { on_failure: ["rollback"] }),
      sh("rollback", "echo $$; sleep 1000", { on_failure: ["second"] }),
      sh("second", "echo never > second-ran"),
    ],
  }, { callbackGraceMs: 400 });
  assert.equal(r.task("deploy").status, "timed_out");
  // Its reason says what ended it: the window after the timeout, not the timeout itself.
  assert.deepEqual(
    [r.task("rollback").status, r.task("rollback").reason, r.task("rollback").error],
    [
      "timed_out",
      "workflow_timeout",
      "the 400ms callbacks get after the workflow's timeout of 200ms",
    ],
  );
  assert.deepEqual(await survivors(r.lines("rollback").map(Number)), []);
  // Past the grace window nothing more is called.
  assert.deepEqual([r.task("second").status, r.task("second").attempts], ["skipped", 0]);
  assert.equal(exists(`${r.dir}/second-ran`), false);
  assert.equal(r.report.status, "failed");
});

Deno.test("workflow timeout: a callback already running when it expires keeps its grace window", async () => {
  const r = await runTest({
    name: "wf-timeout-running-cb",
    timeout: "300ms",
    tasks: [
      sh("fails", "exit 1", { on_failure: ["cleanup"], continue_on_error: true }),
      sh("cleanup", "sleep 0.6; echo done > cleaned"),
      sh("slow", "sleep 1000"),
    ],
  });
  assert.equal(r.task("slow").status, "timed_out");
  assert.equal(r.task("cleanup").status, "success");
  assert.equal((await Deno.readTextFile(`${r.dir}/cleaned`)).trim(), "done");
});

Deno.test("task timeout: on_failure runs after the last timed-out attempt", async () => {
  const r = await runTest({
    name: "task-timeout-cb",
    tasks: [
      sh("deploy", "sleep 1000", {
        timeout: "200ms",
        retry: { attempts: 2 },
        on_failure: ["rollback"],
      }),
      sh("rollback", "echo rolled back"),
    ],
  });
  assert.deepEqual([r.task("deploy").status, r.task("deploy").reason], ["timed_out", "timeout"]);
  assert.equal(r.task("deploy").attempts, 2);
  assert.deepEqual(r.lines("rollback"), ["rolled back"]);
});

Deno.test("cancel (Ctrl-C): cancelled tasks call no on_failure callback; a running callback is stopped", async () => {
  const { handle, events, dir } = await startTestRun({
    name: "cancel-cb",
    tasks: [
      sh("deploy", "sleep 1000", { on_failure: ["rollback"] }),
      sh("fails", "exit 1", { on_failure: ["cleanup"], continue_on_error: true }),
      sh("cleanup", "echo $$; sleep 1000"),
      sh("rollback", "echo ran > rollback-ran"),
    ],
  }, { maxParallel: 4 });
  const line = await eventSeen(events, (e) => e.type === "output" && e.taskId === "cleanup");
  handle.cancel();
  const report = await handle.done;
  const byId = Object.fromEntries(report.tasks.map((t) => [t.id, [t.status, t.reason]]));
  assert.deepEqual(byId.deploy, ["cancelled", "signal"]);
  assert.deepEqual(byId.cleanup, ["cancelled", "signal"]);
  assert.deepEqual(byId.rollback, ["skipped", "not_called"]);
  assert.equal(exists(`${dir}/rollback-ran`), false);
  assert.deepEqual(await survivors([Number((line as { line: string }).line)]), []);
  assert.equal(report.status, "cancelled");
});

Deno.test("cli run: a callback with depends_on on another of its list starts after it", async () => {
  const dir = testTempCopy(CALLBACK_FIXTURES, "cb-order-");
  const run = await weft(["run", "-v", "--json", `${dir}/ordered.yml`]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const byId = new Map(report.tasks.map((t) => [t.id, t]));
  assert.equal(byId.get("rollback")!.status, "success");
  assert.equal(byId.get("notify-failure")!.status, "success");
  // It read the rollback's file and its status: it ran after, not beside it.
  assert.match(run.stderr, /^\[notify-failure\] rolled$/m);
  assert.match(run.stderr, /^\[notify-failure\] rollback success$/m);
  assert.ok(byId.get("notify-failure")!.startedAt! >= byId.get("rollback")!.finishedAt!);
});

Deno.test("cli run: a failed callback skips the callback that depends on it", async () => {
  const dir = testTempCopy(CALLBACK_FIXTURES, "cb-order-fail-");
  const run = await weft(["run", "--json", `${dir}/ordered.yml`, "-p", "rollback_exit=3"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const notify = report.tasks.find((t) => t.id === "notify-failure")!;
  assert.deepEqual([notify.status, notify.reason, notify.attempts], ["skipped", "upstream", 0]);
  assert.match(notify.error ?? "", /dependency "rollback" failed/);
});
