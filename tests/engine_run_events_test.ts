/**
 * The order in which a run's listeners get its events. Some events are sent in a later
 * turn of the event loop (engine/publisher.ts, LATER): the order must stay that of the run.
 */
import assert from "node:assert/strict";
import type { EngineEvent } from "../src/engine/events.ts";
import { runTest } from "./_engine.ts";

function taskOf(event: EngineEvent): string | null {
  if ("taskId" in event) return event.taskId;
  if (event.type === "task_finished") return event.task.id;
  return null;
}

Deno.test("engine events: each task's events in order, tasks of a chain one after the other, run_finished last", async () => {
  const r = await runTest({
    name: "order",
    tasks: [
      { id: "a", command: "echo a-out; echo a-err >&2" },
      {
        id: "b",
        // Fails its first attempt, then succeeds: two attempts, each with its events.
        command: 'echo "b try"; if [ ! -e tried ]; then touch tried; exit 1; fi',
        depends_on: ["a"],
        retry: { attempts: 2, delay: "1ms" },
      },
      { id: "c", command: "echo c-out", depends_on: ["b"] },
    ],
  });
  assert.equal(r.report.status, "success");
  const events = r.events;
  assert.equal(events[0].type, "run_started");
  assert.equal(events.at(-1)!.type, "run_finished");
  assert.equal(events.filter((e) => e.type === "run_finished").length, 1);

  const kinds = (id: string) =>
    events.filter((e) => taskOf(e) === id).map((e) => e.type === "output" ? e.stream : e.type);
  assert.deepEqual(
    kinds("a").filter((k) => k !== "stdout" && k !== "stderr"),
    ["task_started", "process_started", "process_exited", "attempt_finished", "task_finished"],
  );
  assert.deepEqual(kinds("a").filter((k) => k === "stdout" || k === "stderr").sort(), [
    "stderr",
    "stdout",
  ]);
  assert.deepEqual(
    kinds("b").filter((k) => k !== "stdout"),
    [
      "task_started",
      "process_started",
      "process_exited",
      "attempt_finished",
      "task_started",
      "process_started",
      "process_exited",
      "attempt_finished",
      "task_finished",
    ],
  );
  // Every output line between its attempt's start and end.
  for (const id of ["a", "b", "c"]) {
    let open = false;
    for (const e of events.filter((e) => taskOf(e) === id)) {
      if (e.type === "task_started") open = true;
      if (e.type === "attempt_finished") open = false;
      if (e.type === "output") assert.ok(open, `${id}: output outside an attempt`);
    }
  }
  // A chain: each task starts after the one before it finished.
  const at = (type: string, id: string) =>
    events.findIndex((e) => e.type === type && taskOf(e) === id);
  assert.ok(at("task_finished", "a") < at("task_started", "b"));
  assert.ok(at("task_finished", "b") < at("task_started", "c"));
});

Deno.test("engine events: a listener that throws stops neither the run nor the others", async () => {
  const seen: string[] = [];
  const r = await runTest({
    name: "listeners",
    tasks: [{ id: "a", command: "true" }, { id: "b", command: "true", depends_on: ["a"] }],
  }, {
    listeners: [
      () => {
        throw new Error("listener bug");
      },
      (e) => void seen.push(e.type),
    ],
  });
  assert.equal(r.report.status, "success");
  assert.equal(seen.filter((t) => t === "task_finished").length, 2);
  assert.equal(seen.at(-1), "run_finished");
});

/**
 * The leaf tasks between their `task_started` and their end (`task_finished`, or an
 * `attempt_finished` that retries: the back-off holds no slot), at most, as events go.
 */
function mostAtOnce(events: EngineEvent[], composites: string[]): number {
  const open = new Set<string>();
  let most = 0;
  for (const e of events) {
    const id = taskOf(e);
    if (id === null || composites.includes(id)) continue;
    if (e.type === "task_started") open.add(id);
    if (e.type === "task_finished" || (e.type === "attempt_finished" && e.retryInMs !== null)) {
      open.delete(id);
    }
    most = Math.max(most, open.size);
  }
  return most;
}

for (const maxParallel of [1, 2]) {
  Deno.test(`engine events: with max_parallel ${maxParallel}, no more tasks between task_started and task_finished`, async () => {
    const r = await runTest({
      name: "slots",
      max_parallel: maxParallel,
      tasks: [
        { id: "a", command: "echo n=1 >> $WEFT_OUTPUT" },
        { id: "b", command: "true" },
        { id: "c", command: "exit 3", continue_on_error: true },
        { id: "d", command: "true" },
        {
          id: "par",
          type: "parallel",
          tasks: [{ id: "p1", command: "true" }, { id: "p2", command: "true" }, {
            id: "p3",
            command: "true",
          }],
        },
        {
          id: "each",
          type: "loop",
          items: ["x", "y", "z"],
          parallel: true,
          task: { command: "echo v=${item} >> $WEFT_OUTPUT" },
        },
      ],
    });
    assert.equal(r.report.status, "success");
    assert.equal(mostAtOnce(r.events, ["par", "each"]), maxParallel);
  });
}

Deno.test("engine events: with max_parallel 1, a retry's back-off holds no slot", async () => {
  const r = await runTest({
    name: "back-off",
    max_parallel: 1,
    tasks: [
      {
        id: "r",
        command: "if [ ! -e tried ]; then touch tried; exit 1; fi",
        retry: { attempts: 2, delay: "50ms" },
      },
      { id: "b", command: "true" },
      { id: "c", command: "true" },
    ],
  });
  assert.equal(r.report.status, "success");
  const steps = r.events.flatMap((e) =>
    e.type === "task_started" || e.type === "task_finished" || e.type === "attempt_finished"
      ? [`${e.type} ${taskOf(e)}`]
      : []
  );
  // r's failed attempt gives its slot to b at once; r's retry then waits for a slot.
  assert.deepEqual(steps.slice(0, 5), [
    "task_started r",
    "attempt_finished r",
    "task_started b",
    "attempt_finished b",
    "task_finished b",
  ]);
  assert.equal(steps.length, 11);
  assert.equal(mostAtOnce(r.events, []), 1);
});
