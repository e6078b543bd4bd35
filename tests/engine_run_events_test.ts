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
