/**
 * The daemon's stop (src/schedule/daemon_drain.ts), driven by hand: a run whose start was
 * called before the stop and resolved after it is waited for and cancelled like the runs
 * going — a tester's daemon stopped right after a fire started a run kept waiting for that
 * run's end, whatever the grace and a second SIGTERM.
 */
import assert from "node:assert/strict";
import { drainRuns } from "../src/schedule/daemon_drain.ts";
import { RunSlots, type StartedRun } from "../src/schedule/daemon_slots.ts";

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A run that ends when it is cancelled; `cancelled` tells whether it was. */
function endsWhenCancelled(runId: string) {
  const ended = Promise.withResolvers<void>();
  const run = {
    runId,
    done: ended.promise,
    cancelled: false,
    cancel() {
      run.cancelled = true;
      ended.resolve();
    },
  };
  return run;
}

Deno.test("drainRuns: a run still starting when the stop began is waited for, and cancelled on hurry as it starts", async () => {
  const slots = new RunSlots(4);
  const run = endsWhenCancelled("late");
  const launched = Promise.withResolvers<StartedRun>();
  slots.offer("s", "skip", () => launched.promise);
  await settle();
  slots.close();
  const lines: string[] = [];
  const hurried = Promise.withResolvers<void>();
  const hurry = () => hurried.resolve();
  let done = false;
  const draining = drainRuns(slots, 3_600_000, (l) => lines.push(l), hurried.promise)
    .then(() => done = true);
  await settle();
  assert.equal(done, false, "the stop waits for the run starting");
  assert.deepEqual(lines, ["waiting up to 1h00m for 1 running run(s)"]);
  hurry(); // a second SIGTERM
  await settle();
  assert.equal(done, false);
  launched.resolve(run);
  await draining;
  assert.equal(run.cancelled, true);
  assert.deepEqual(lines.slice(1), ["cancelling run late"]);
});

Deno.test("drainRuns: a start that never resolves keeps the stop no longer than HURRIED_HANDLING_MS after the cancel", async () => {
  const slots = new RunSlots(4);
  slots.offer("s", "skip", () => new Promise<StartedRun>(() => {})); // stuck for good
  await settle();
  slots.close();
  const hurried = Promise.withResolvers<void>();
  const draining = drainRuns(slots, 3_600_000, () => {}, hurried.promise);
  await settle();
  hurried.resolve();
  await draining; // ends: the test would otherwise never finish
  assert.equal(slots.starting, 1);
});

Deno.test("drainRuns: a second SIGTERM that came before the drain began still cancels at once", async () => {
  const slots = new RunSlots(4);
  const run = endsWhenCancelled("r");
  slots.offer("s", "skip", () => Promise.resolve(run));
  await settle();
  slots.close();
  // Not the day's grace: the hurry is already there.
  await drainRuns(slots, 24 * 3_600_000, () => {}, Promise.resolve());
  assert.equal(run.cancelled, true);
});
