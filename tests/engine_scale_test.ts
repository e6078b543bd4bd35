/**
 * Large graphs through the real scheduler with an in-process runner: no stack overflow,
 * no task lost, skips cascading through long chains.
 */
import assert from "node:assert/strict";
import { noopRunner } from "../src/tasks/noop.ts";
import type { TaskResult, TaskRunner } from "../src/tasks/types.ts";
import { runTest } from "./_engine.ts";

/** Fails the tasks whose id starts with "fail". */
const pickyRunner: TaskRunner<{ id: string }> = {
  type: "shell",
  usesOutputFile: false,
  run: (_task, ctx) =>
    Promise.resolve<TaskResult>(
      ctx.taskId.startsWith("fail")
        ? { ok: false, exitCode: 1, outputs: {} }
        : { ok: true, exitCode: 0, outputs: { id: ctx.taskId } },
    ),
};

Deno.test("scale: a wide layered DAG of 20,000 tasks completes, each task once", async () => {
  const width = 500;
  const tasks = Array.from({ length: 20_000 }, (_, i) => {
    const layer = Math.floor(i / width);
    const deps = layer === 0 ? [] : [
      `t${(layer - 1) * width + (i % width)}`,
      `t${(layer - 1) * width + ((i * 7 + 3) % width)}`,
    ];
    return { id: `t${i}`, command: "true", depends_on: deps };
  });
  let started = 0;
  const r = await runTest({ name: "wide", tasks }, {
    runners: new Map([["shell", noopRunner]]),
    maxParallel: 8,
    listeners: [(e) => void (e.type === "task_started" && started++)],
  });
  assert.equal(r.report.status, "success");
  assert.equal(started, 20_000);
  assert.ok(r.report.tasks.every((t) => t.status === "success" && t.attempts === 1));
});

Deno.test("scale: a 20,000-long chain runs in order; a failure at its head skips the rest", async () => {
  const chain = (head: string) =>
    Array.from({ length: 20_000 }, (_, i) => ({
      id: i === 0 ? head : `c${i}`,
      command: "true",
      depends_on: i === 0 ? [] : [i === 1 ? head : `c${i - 1}`],
    }));
  const ok = await runTest({ name: "chain", tasks: chain("first") }, {
    runners: new Map([["shell", pickyRunner]]),
  });
  assert.equal(ok.report.status, "success");
  const order = ok.events.flatMap((e) => e.type === "task_started" ? [e.taskId] : []);
  assert.deepEqual(order.slice(0, 3), ["first", "c1", "c2"]);
  assert.equal(order.at(-1), "c19999");

  const failed = await runTest({ name: "chain-fail", tasks: chain("fail-head") }, {
    runners: new Map([["shell", pickyRunner]]),
  });
  assert.equal(failed.report.status, "failed");
  assert.equal(failed.report.tasks.filter((t) => t.reason === "upstream").length, 19_999);
});
