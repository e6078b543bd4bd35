/**
 * `attempt_waiting` (engine/events.ts): a retry whose back-off is over but which cannot start
 * yet says what it waits for — a free slot under `max_parallel`, or, for a `parallel: false`
 * task, the tasks started during its back-off — so a display stops counting down a delay long
 * over. In both runs the other task holds on until the engine has said so (a bounded wait in
 * the task: without the event it gives up, and the test fails on the missing event).
 */
import assert from "node:assert/strict";
import type { EngineEvent } from "../src/engine/events.ts";
import { runTest } from "./_engine.ts";
import { testTempDir } from "./_tmp.ts";

/** Fails its first attempt, succeeds on its second. */
const FLAKY = "if [ ! -e tried ]; then touch tried; exit 1; fi";
/** Runs until the file `go` exists (at most ~20 s, so a missing event cannot hang the test). */
const HOLD = "i=0; while [ ! -e go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done";

/** The steps of task `id` that tell its attempts apart: starts, ends, waits. */
function steps(events: EngineEvent[], id: string): string[] {
  return events.flatMap((e) => {
    if (!("taskId" in e) || e.taskId !== id) return [];
    if (e.type === "task_started") return [`started ${e.attempt}`];
    if (e.type === "attempt_finished") return [`finished ${e.attempt}`];
    if (e.type === "attempt_waiting") return [`waiting ${e.attempt} for ${e.waitingFor}`];
    return [];
  });
}

/** A listener that lets the held task end once `flaky`'s retry says it waits. */
function releaseOnWait(dir: string) {
  return (e: EngineEvent) => {
    if (e.type === "attempt_waiting") Deno.writeTextFileSync(`${dir}/go`, "");
  };
}

Deno.test("engine: a retry whose back-off is over says it waits for a free slot", async () => {
  const dir = testTempDir("waiting-slot-");
  const r = await runTest({
    name: "slot",
    max_parallel: 1,
    tasks: [
      // Its failed attempt gives the one slot to `hold`, which keeps it past the back-off.
      { id: "flaky", command: FLAKY, retry: { attempts: 2, delay: "1ms" } },
      { id: "hold", command: HOLD },
    ],
  }, { dir, listeners: [releaseOnWait(dir)] });
  assert.equal(r.report.status, "success");
  assert.deepEqual(steps(r.events, "flaky"), [
    "started 1",
    "finished 1",
    "waiting 2 for slot",
    "started 2",
    "finished 2",
  ]);
  assert.deepEqual(steps(r.events, "hold"), ["started 1", "finished 1"]);
});

Deno.test("engine: a parallel: false retry says it waits for the tasks started in its back-off", async () => {
  const dir = testTempDir("waiting-alone-");
  const r = await runTest({
    name: "alone",
    tasks: [
      // `hold` starts while `flaky` backs off, and runs on past the back-off.
      { id: "flaky", command: FLAKY, parallel: false, retry: { attempts: 2, delay: "1ms" } },
      { id: "hold", command: HOLD },
    ],
  }, { dir, listeners: [releaseOnWait(dir)] });
  assert.equal(r.report.status, "success");
  assert.deepEqual(steps(r.events, "flaky"), [
    "started 1",
    "finished 1",
    "waiting 2 for alone",
    "started 2",
    "finished 2",
  ]);
});

Deno.test("engine: a retry that can start at once says no wait", async () => {
  const r = await runTest({
    name: "free",
    tasks: [{ id: "flaky", command: FLAKY, retry: { attempts: 2, delay: "1ms" } }],
  });
  assert.equal(r.report.status, "success");
  assert.deepEqual(steps(r.events, "flaky"), [
    "started 1",
    "finished 1",
    "started 2",
    "finished 2",
  ]);
});
