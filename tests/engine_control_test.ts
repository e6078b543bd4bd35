import assert from "node:assert/strict";
import type { EngineEvent } from "../src/engine/events.ts";
import { eventSeen, runTest, startTestRun, survivors } from "./_engine.ts";

const sh = (id: string, command: string, more: Record<string, unknown> = {}) => ({
  id,
  command,
  ...more,
});

/** Fails until it has run `n` times (counted in a file named after the task). */
const succeedOnTry = (n: number) =>
  `c=$(cat "count-$WEFT_TASK_ID" 2>/dev/null || echo 0); c=$((c+1)); echo $c > "count-$WEFT_TASK_ID"; ` +
  `echo "try $c"; [ $c -ge ${n} ]`;

function attemptsOf(events: EngineEvent[], id: string) {
  return events.flatMap((e) => e.type === "attempt_finished" && e.taskId === id ? [e] : []);
}

Deno.test("retry: attempts counts every try; a success stops the retries", async () => {
  const r = await runTest({
    name: "retry",
    tasks: [
      sh("eventually", succeedOnTry(3), { retry: { attempts: 5, delay: "10ms" } }),
      sh("never", "exit 2", { retry: { attempts: 3, delay: 1 } }),
      sh("once", "exit 2"),
    ],
  });
  assert.equal(r.task("eventually").status, "success");
  assert.equal(r.task("eventually").attempts, 3);
  assert.deepEqual(r.lines("eventually"), ["try 1", "try 2", "try 3"]);
  assert.deepEqual(
    attemptsOf(r.events, "eventually").map((e) => [e.attempt, e.status, e.retryInMs]),
    [[1, "failed", 10], [2, "failed", 10], [3, "success", null]],
  );
  assert.equal(r.task("never").status, "failed");
  assert.equal(r.task("never").attempts, 3);
  assert.equal(r.task("once").attempts, 1);
  assert.equal(r.report.status, "failed");
});

Deno.test("retry: exponential backoff delays are announced in attempt_finished", async () => {
  const r = await runTest({
    name: "backoff",
    tasks: [sh("a", "exit 1", {
      retry: { attempts: 5, delay: "5ms", backoff: "exponential", max_delay: "25ms" },
    })],
  });
  assert.deepEqual(attemptsOf(r.events, "a").map((e) => e.retryInMs), [5, 10, 20, 25, null]);
  assert.equal(r.task("a").attempts, 5);
});

Deno.test("retry: workflow defaults.retry applies; a task's own retry wins", async () => {
  const r = await runTest({
    name: "default-retry",
    defaults: { retry: { attempts: 2 } },
    tasks: [sh("a", "exit 1"), sh("b", "exit 1", { retry: { attempts: 3 } })],
  });
  assert.equal(r.task("a").attempts, 2);
  assert.equal(r.task("b").attempts, 3);
});

Deno.test("timeout: the task's whole process tree is killed; state timed_out; retried", async () => {
  const r = await runTest({
    name: "timeout",
    tasks: [sh("slow", "sleep 1000 & echo $!; sleep 1000 & echo $!; sleep 1000", {
      timeout: "800ms",
      retry: { attempts: 2 },
    })],
  });
  const slow = r.task("slow");
  assert.equal(slow.status, "timed_out");
  assert.equal(slow.reason, "timeout");
  assert.equal(slow.attempts, 2);
  assert.equal(slow.error, "its own timeout of 800ms");
  const pids = r.lines("slow").map(Number);
  assert.equal(pids.length, 4);
  assert.deepEqual(await survivors(pids), []);
  assert.equal(r.report.status, "failed");
});

Deno.test("timeout: a task that ignores SIGTERM is SIGKILLed after the grace period", async () => {
  const r = await runTest({
    name: "stubborn",
    tasks: [sh("stubborn", "trap '' TERM; sleep 1000 & echo $!; wait", { timeout: "200ms" })],
  }, { killGraceMs: 200 });
  assert.equal(r.task("stubborn").status, "timed_out");
  assert.deepEqual(await survivors(r.lines("stubborn").map(Number)), []);
});

Deno.test("workflow timeout: running tasks timed_out, the rest cancelled, run failed", async () => {
  const r = await runTest({
    name: "wf-timeout",
    timeout: "1s",
    tasks: [
      sh("quick", "true"),
      sh("slow", "echo $$; sleep 1000", { depends_on: ["quick"] }),
      sh("later", "true", { depends_on: ["slow"] }),
      sh("cb", "true"),
      sh("other", "exit 1", { on_failure: ["cb"], depends_on: ["slow"] }),
    ],
  });
  assert.equal(r.report.status, "failed");
  assert.equal(r.task("quick").status, "success");
  assert.deepEqual([r.task("slow").status, r.task("slow").reason], [
    "timed_out",
    "workflow_timeout",
  ]);
  assert.deepEqual([r.task("later").status, r.task("later").reason], [
    "cancelled",
    "workflow_timeout",
  ]);
  assert.deepEqual([r.task("cb").status, r.task("cb").reason], ["skipped", "not_called"]);
  assert.deepEqual(await survivors(r.lines("slow").map(Number)), []);
});

Deno.test("cancel: stops launching, terminates running groups, marks everything cancelled", async () => {
  const { handle, events } = await startTestRun({
    name: "cancel",
    tasks: [
      sh("a", "sleep 1000 & echo $!; echo $$; sleep 1000"),
      sh("b", "trap '' TERM; echo $$; sleep 1000"),
      sh("c", "true", { depends_on: ["a"] }),
      sh("d", "true", { depends_on: ["b"], retry: { attempts: 3 } }),
    ],
  }, { killGraceMs: 300, maxParallel: 4 });
  const pidLines = () => events.flatMap((e) => e.type === "output" ? [Number(e.line)] : []);
  await eventSeen(events, () => pidLines().length === 3);
  handle.cancel();
  handle.cancel(); // twice is harmless
  const report = await handle.done;
  assert.equal(report.status, "cancelled");
  const byId = Object.fromEntries(report.tasks.map((t) => [t.id, [t.status, t.reason]]));
  assert.deepEqual(byId, {
    a: ["cancelled", "signal"],
    b: ["cancelled", "signal"],
    c: ["cancelled", "signal"],
    d: ["cancelled", "signal"],
  });
  assert.deepEqual(await survivors(pidLines()), []);
  assert.equal(events.at(-1)!.type, "run_finished");
});

Deno.test("fail: stops like cancel, but the run is failed with the error and reason fault", async () => {
  const { handle, events } = await startTestRun({
    name: "fault",
    tasks: [
      sh("a", "echo $$; sleep 1000"),
      sh("b", "true", { depends_on: ["a"] }),
      sh("cb", "echo called"),
      sh("c", "echo $$; sleep 1000", { on_failure: ["cb"] }),
    ],
  }, { killGraceMs: 300, maxParallel: 4 });
  const pidLines = () => events.flatMap((e) => e.type === "output" ? [Number(e.line)] : []);
  await eventSeen(events, () => pidLines().length === 2);
  handle.fail("cannot write the log (/x/a.1.log): no space left on the device");
  handle.fail("a second fault"); // the first one is kept
  const report = await handle.done;
  assert.equal(report.status, "failed");
  assert.equal(report.error, "cannot write the log (/x/a.1.log): no space left on the device");
  const byId = Object.fromEntries(report.tasks.map((t) => [t.id, [t.status, t.reason]]));
  // Nothing more runs, callbacks included: the run cannot be recorded any more.
  assert.deepEqual(byId, {
    a: ["cancelled", "fault"],
    b: ["cancelled", "fault"],
    cb: ["skipped", "not_called"],
    c: ["cancelled", "fault"],
  });
  assert.deepEqual(await survivors(pidLines()), []);
});

Deno.test("a run that is not stopped by a fault has no error in its report", async () => {
  const r = await runTest({ name: "fine", tasks: [sh("a", "true")] });
  assert.equal(r.report.status, "success");
  assert.equal("error" in r.report, false);
});

Deno.test("kill: SIGKILLs at once, even a group that ignores SIGTERM with a long grace", async () => {
  const { handle, events } = await startTestRun({
    name: "kill",
    tasks: [sh("b", "trap '' TERM; echo $$; sleep 1000")],
  }, { killGraceMs: 600_000 });
  const line = await eventSeen(events, (e) => e.type === "output");
  handle.cancel();
  handle.kill();
  const report = await handle.done;
  assert.equal(report.status, "cancelled");
  assert.equal(report.tasks[0].status, "cancelled");
  assert.deepEqual(await survivors([Number((line as { line: string }).line)]), []);
});

Deno.test("cancel during a retry delay ends the wait at once", async () => {
  const { handle, events } = await startTestRun({
    name: "cancel-retry",
    tasks: [sh("a", "exit 1", { retry: { attempts: 3, delay: "1h" } })],
  });
  await eventSeen(events, (e) => e.type === "attempt_finished");
  handle.cancel();
  const report = await handle.done;
  assert.equal(report.tasks[0].status, "cancelled");
  assert.equal(report.tasks[0].attempts, 1);
});

// ---- callbacks ------------------------------------------------------------------

Deno.test("callbacks: on_success runs after success; on_failure does not; not-called ones skipped", async () => {
  const r = await runTest({
    name: "cb-success",
    tasks: [
      sh("deploy", "echo deployed", { on_success: ["notify-success"], on_failure: ["rollback"] }),
      sh("notify-success", "echo ${tasks.deploy.status}"),
      sh("rollback", "echo rolling back"),
    ],
  });
  assert.equal(r.report.status, "success");
  assert.deepEqual(r.lines("notify-success"), ["success"]);
  assert.equal(r.task("notify-success").callback, true);
  assert.deepEqual([r.task("rollback").status, r.task("rollback").reason], [
    "skipped",
    "not_called",
  ]);
  assert.equal(r.task("deploy").callback, false);
});

Deno.test("callbacks: on_failure runs after the final attempt, and the run still fails", async () => {
  const r = await runTest({
    name: "cb-failure",
    tasks: [
      sh("deploy", "exit 1", {
        retry: { attempts: 2 },
        on_success: ["notify-success"],
        on_failure: ["rollback", "notify-failure"],
      }),
      sh("notify-success", "true"),
      sh("rollback", "echo rollback"),
      sh("notify-failure", "echo ${tasks.deploy.status} after ${tasks.deploy.exit_code}"),
    ],
  });
  assert.equal(r.report.status, "failed");
  assert.equal(r.task("deploy").status, "failed");
  assert.equal(r.task("rollback").status, "success");
  assert.deepEqual(r.lines("notify-failure"), ["failed after 1"]);
  const order = r.events.flatMap((e) =>
    e.type === "task_started"
      ? [`start ${e.taskId}`]
      : e.type === "task_finished"
      ? [`end ${e.task.id}`]
      : []
  );
  assert.ok(order.indexOf("end deploy") < order.indexOf("start rollback"));
  assert.equal(order.filter((x) => x === "start deploy").length, 2);
  assert.equal(r.task("notify-success").status, "skipped");
});

Deno.test("callbacks: at most once per run, nested callbacks, a failing callback fails the run", async () => {
  const r = await runTest({
    name: "cb-nested",
    tasks: [
      sh("a", "exit 1", { on_failure: ["cleanup"], continue_on_error: true }),
      sh("b", "exit 1", { on_failure: ["cleanup"], continue_on_error: true }),
      sh("cleanup", "echo cleaning >> log", { on_success: ["report"] }),
      sh("report", "echo reporting >> log; exit 9"),
    ],
  });
  assert.deepEqual((await Deno.readTextFile(`${r.dir}/log`)).trim().split("\n"), [
    "cleaning",
    "reporting",
  ]);
  assert.equal(
    r.events.filter((e) => e.type === "task_started" && e.taskId === "cleanup").length,
    1,
  );
  assert.equal(r.task("report").status, "failed");
  assert.equal(r.task("cleanup").status, "success");
  assert.equal(r.report.status, "failed");
  // The callers keep their own state.
  assert.equal(r.task("a").status, "failed");
});

Deno.test("callbacks: a callback's depends_on orders it after those tasks", async () => {
  const r = await runTest({
    name: "cb-deps",
    tasks: [
      sh("fast", "exit 1", { on_failure: ["report"] }),
      sh("slow", "sleep 0.3; echo slow >> log"),
      sh("report", "echo report >> log", { depends_on: ["slow"] }),
    ],
  });
  assert.deepEqual((await Deno.readTextFile(`${r.dir}/log`)).trim().split("\n"), [
    "slow",
    "report",
  ]);
  assert.equal(r.task("report").status, "success");
});

Deno.test("callbacks: a callback's condition is honoured", async () => {
  const r = await runTest({
    name: "cb-cond",
    tasks: [
      sh("a", "true", { on_success: ["n"] }),
      sh("n", "echo notified", { condition: "${env.NOTIFY} == 'yes'" }),
    ],
  });
  assert.deepEqual([r.task("n").status, r.task("n").reason], ["skipped", "condition"]);
  assert.equal(r.report.status, "success");
});
