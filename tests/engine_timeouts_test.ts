/**
 * Timeout reasons in the engine: a composite's timeout ends its work's wait for a slot
 * (slots.ts) with no slot lost, and every timeout — a task's own, its composite's, the
 * workflow's — is the task's reason (context.ts stopError), not SIGTERM's exit code.
 */
import assert from "node:assert/strict";
import { runTest } from "./_engine.ts";

Deno.test("engine timeouts: a parallel times out waiting for the only slot; a conditional's timeout starts with its branch", async () => {
  const r = await runTest({
    name: "slot-wait",
    max_parallel: 1,
    tasks: [
      { id: "hold", command: "sleep 2" },
      {
        id: "c",
        type: "conditional",
        condition: "1 == 1",
        timeout: "200ms",
        then: { command: "true" },
      },
      { id: "p", type: "parallel", timeout: "200ms", tasks: [{ id: "p1", command: "true" }] },
      { id: "z", command: "true" },
    ],
  });
  // A conditional's timeout, as a leaf's, counts from its start, once its branch holds
  // a slot: the 2s it waited behind `hold` count in neither its timeout nor its duration.
  const c = r.task("c");
  assert.deepEqual([c.status, c.reason, c.error], ["success", null, null]);
  const order = r.events.flatMap((e) =>
    e.type === "task_started"
      ? [`start ${e.taskId}`]
      : e.type === "task_finished"
      ? [`end ${e.task.id}`]
      : []
  );
  assert.ok(order.indexOf("end hold") < order.indexOf("start c"), order.join(","));
  const p1 = r.task("p1");
  // Never started: cancelled (README), saying whose timeout kept it waiting.
  assert.deepEqual([p1.status, p1.reason, p1.attempts, p1.error], [
    "cancelled",
    "timeout",
    0,
    'not started: the timeout of "p" (200ms)',
  ]);
  assert.equal(r.task("p").error, "its own timeout of 200ms");
  assert.equal(r.task("z").status, "success", "no slot was lost to the waiters that gave up");
  // No task_started for work that never got a slot.
  const started = r.events.flatMap((e) => e.type === "task_started" ? [e.taskId] : []);
  assert.ok(!started.includes("p1"), started.join(","));
});

Deno.test("engine timeouts: the workflow timeout is a running task's reason, with its duration", async () => {
  const r = await runTest({
    name: "wto",
    timeout: "200ms",
    tasks: [{ id: "a", command: "sleep 30" }, {
      id: "p",
      type: "parallel",
      tasks: [{ id: "p1", command: "sleep 30" }],
    }],
  });
  for (const id of ["a", "p1"]) {
    const task = r.task(id);
    assert.deepEqual([task.status, task.reason, task.error], [
      "timed_out",
      "workflow_timeout",
      "the workflow's timeout of 200ms",
    ], id);
  }
});

Deno.test("engine timeouts: work the workflow timeout kept from starting is cancelled, wherever it waited", async () => {
  const r = await runTest({
    name: "wto-wait",
    timeout: "200ms",
    max_parallel: 1,
    tasks: [
      {
        id: "l",
        type: "loop",
        items: ["a", "b", "c"],
        parallel: false,
        task: { command: "sleep 30" },
      },
      { id: "w", command: "true" },
    ],
  });
  const ran = r.task("l[a]");
  assert.deepEqual([ran.status, ran.reason, ran.error], [
    "timed_out",
    "workflow_timeout",
    "the workflow's timeout of 200ms",
  ]);
  for (const id of ["l[b]", "l[c]", "w"]) {
    const task = r.task(id);
    assert.deepEqual([task.status, task.reason, task.attempts, task.error], [
      "cancelled",
      "workflow_timeout",
      0,
      "not started: the workflow's timeout of 200ms",
    ], id);
  }
});
