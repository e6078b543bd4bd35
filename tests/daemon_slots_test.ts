/**
 * The daemon's overlap policies and run limit (src/schedule/daemon_slots.ts), driven
 * by hand: runs end when the test says so, no timers.
 */
import assert from "node:assert/strict";
import { MAX_WAITING_PER_TARGET, RunSlots, type StartedRun } from "../src/schedule/daemon_slots.ts";

/** A run the test ends with `finish()`; `cancelled` tells whether cancel() was called. */
function fakeRun(id: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => finish = resolve);
  const run = {
    runId: id,
    done,
    cancelled: false,
    cancel() {
      run.cancelled = true;
    },
  };
  return { run, finish };
}

/** Starts runs named a, b, c… and keeps them for the test to end. */
function starter() {
  const started: ReturnType<typeof fakeRun>[] = [];
  let n = 0;
  const start = () => {
    const r = fakeRun(String.fromCharCode(97 + n++));
    started.push(r);
    return Promise.resolve(r.run as StartedRun);
  };
  return { started, start };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("skip: a fire while a run goes starts nothing", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  const first = slots.offer("s", "skip", start);
  assert.equal(first.kind, "admitted");
  await settle();
  assert.equal(slots.offer("s", "skip", start).kind, "skipped");
  started[0].finish();
  await settle();
  assert.equal(slots.offer("s", "skip", start).kind, "admitted");
  await settle();
  assert.equal(started.length, 2);
});

Deno.test("queue: one waits for the running run, a third is skipped", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  slots.offer("s", "queue", start);
  await settle();
  const second = slots.offer("s", "queue", start);
  assert.equal(second.kind, "admitted");
  assert.equal(second.kind === "admitted" && second.queued, true);
  assert.equal(slots.offer("s", "queue", start).kind, "skipped");
  await settle();
  assert.equal(started.length, 1, "the queued one waits");
  started[0].finish();
  const run = second.kind === "admitted" ? await second.started : null;
  assert.equal(run?.runId, "b");
  assert.equal(started.length, 2);
});

Deno.test("cancel: the running run is cancelled and the new one starts after it ended", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  slots.offer("s", "cancel", start);
  await settle();
  const second = slots.offer("s", "cancel", start);
  await settle();
  assert.equal(started[0].run.cancelled, true);
  assert.equal(started.length, 1, "the new one waits until the cancelled one ended");
  started[0].finish();
  const run = second.kind === "admitted" ? await second.started : null;
  assert.equal(run?.runId, "b");
});

Deno.test("allow: runs of one target go side by side; targets do not affect each other", async () => {
  const slots = new RunSlots(10);
  const { started, start } = starter();
  slots.offer("s", "allow", start);
  slots.offer("s", "allow", start);
  slots.offer("t", "skip", start);
  await settle();
  assert.equal(started.length, 3);
  assert.equal(slots.running.length, 3);
});

Deno.test("the run limit holds across targets; a freed slot goes to the next in line", async () => {
  const slots = new RunSlots(2);
  const { started, start } = starter();
  for (const key of ["a", "b", "c", "d"]) slots.offer(key, "allow", start);
  await settle();
  assert.equal(started.length, 2);
  assert.equal(slots.waiting, 2);
  started[0].finish();
  await settle();
  await settle();
  assert.equal(started.length, 3);
  assert.equal(slots.running.length, 2);
});

Deno.test("close: fires still waiting start nothing", async () => {
  const slots = new RunSlots(1);
  const { started, start } = starter();
  slots.offer("a", "allow", start);
  const waiting = slots.offer("b", "allow", start);
  await settle();
  slots.close();
  started[0].finish();
  const run = waiting.kind === "admitted" ? await waiting.started : undefined;
  assert.equal(run, null);
  assert.equal(started.length, 1);
});

Deno.test("a start that fails frees its slot and its target", async () => {
  const slots = new RunSlots(1);
  const failed = slots.offer("a", "skip", () => Promise.reject(new Error("no")));
  assert.equal(failed.kind === "admitted" ? await failed.started : undefined, null);
  const { started, start } = starter();
  const next = slots.offer("a", "skip", start);
  assert.equal(next.kind, "admitted");
  await settle();
  assert.equal(started.length, 1);
});

Deno.test("a skip is said as overlap; a full queue as full, with why", async () => {
  const slots = new RunSlots(4);
  const { start } = starter();
  slots.offer("s", "skip", start);
  slots.offer("q", "queue", start);
  slots.offer("q", "queue", start);
  await settle();
  const skipped = slots.offer("s", "skip", start);
  assert.deepEqual(skipped, {
    kind: "skipped",
    full: false,
    reason: "a run is still going (overlap: skip)",
  });
  const full = slots.offer("q", "queue", start);
  assert.equal(full.kind === "skipped" && full.full, true);
  assert.match(full.kind === "skipped" ? full.reason : "", /another fire already waits/);
});

Deno.test("allow: at most MAX_WAITING_PER_TARGET fires of one target wait for a slot; others still may", async () => {
  const slots = new RunSlots(1);
  const { started, start } = starter();
  slots.offer("a", "allow", start);
  const waits = Array.from(
    { length: MAX_WAITING_PER_TARGET },
    () => slots.offer("a", "allow", start),
  );
  assert.ok(waits.every((w) => w.kind === "admitted" && w.waits));
  const over = slots.offer("a", "allow", start);
  assert.equal(over.kind, "skipped");
  assert.equal(over.kind === "skipped" && over.full, true);
  assert.equal(
    over.kind === "skipped" ? over.reason : "",
    `${MAX_WAITING_PER_TARGET} fires already wait for a free run slot (--max-runs 1)`,
  );
  // Another target has its own bound.
  assert.equal(slots.offer("b", "allow", start).kind, "admitted");
  assert.equal(slots.waiting, MAX_WAITING_PER_TARGET + 1);
  // Once one of `a` has started, one more of `a` may wait.
  await settle();
  started[0].finish();
  await settle();
  await settle();
  assert.equal(started.length, 2);
  assert.equal(slots.offer("a", "allow", start).kind, "admitted");
  assert.equal(slots.offer("a", "allow", start).kind, "skipped");
});

Deno.test("cancel: a newer fire replaces the one still waiting, which is dropped with why", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  slots.offer("s", "cancel", start);
  await settle();
  const drops: string[] = [];
  const offers = Array.from(
    { length: 50 },
    () => slots.offer("s", "cancel", start, (why) => drops.push(why)),
  );
  assert.ok(offers.every((o) => o.kind === "admitted"));
  assert.equal(drops.length, 0, "said once its wait ends");
  const outcomes = await Promise.all(
    offers.slice(0, 49).map((o) => o.kind === "admitted" ? o.started : undefined),
  );
  assert.ok(outcomes.every((run) => run === null));
  assert.equal(drops.length, 49);
  assert.equal(drops[0], "a newer fire replaced it (overlap: cancel)");
  started[0].finish();
  const last = offers[49];
  const run = last.kind === "admitted" ? await last.started : undefined;
  assert.equal(run?.runId, "b", "only the newest runs");
  assert.equal(started.length, 2);
});

Deno.test("after: waits behind the running run however many wait, cancels none, and is going from its turn on", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  slots.offer("s", "skip", start);
  await settle();
  // A queue fire takes the one place of `queue`; `after` fires wait all the same.
  const queued = slots.offer("s", "queue", start);
  const first = slots.offer("s", "after", start);
  const second = slots.offer("s", "after", start);
  for (const a of [queued, first, second]) {
    assert.equal(a.kind === "admitted" && a.queued && a.waits, true, JSON.stringify(a));
  }
  assert.equal(started[0].run.cancelled, false);
  assert.equal(slots.offer("s", "skip", start).kind, "skipped");
  started[0].finish();
  // The queue fire's turn: from the moment it is let on, a skip fire finds it going.
  await started[0].run.done;
  assert.equal(slots.offer("s", "skip", start).kind, "skipped");
  await settle();
  assert.equal(started.length, 2);
  started[1].finish();
  await settle();
  assert.equal(started.length, 3, "the first `after` fire");
  assert.equal(slots.offer("s", "skip", start).kind, "skipped");
  started[2].finish();
  await settle();
  assert.equal(started.length, 4, "the second `after` fire");
  started[3].finish();
  await settle();
  assert.equal(slots.offer("s", "skip", start).kind, "admitted");
});

Deno.test("queue: a withdrawn waiting fire gives its place up at once, and the next one waits there", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  slots.offer("s", "queue", start);
  await settle();
  const why: string[] = [];
  const second = slots.offer("s", "queue", start, (reason) => why.push(reason));
  assert.ok(second.kind === "admitted");
  assert.equal(second.withdraw("its schedule was paused while it waited"), true);
  assert.equal(await second.started, null);
  assert.deepEqual(why, ["its schedule was paused while it waited"]);
  // The one `queue` place is free again (tester v23b F2: the next fire was skipped).
  const third = slots.offer("s", "queue", start);
  assert.ok(third.kind === "admitted" && third.queued);
  started[0].finish();
  assert.equal((await third.started)?.runId, "b");
  assert.equal(started.length, 2, "the withdrawn fire never started");
  // Once let on, a fire is no longer withdrawn.
  assert.equal(third.withdraw("late"), false);
});

Deno.test("hold: a catch-up chain's target is busy to the user's policies between its runs too; its own fires go on", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  const release = slots.hold("s");
  // The chain's first fire starts at once: the hold is no run going for it.
  const a = slots.offer("s", "after", start);
  assert.equal(a.kind === "admitted" && !a.waits, true, JSON.stringify(a));
  await settle();
  started[0].finish();
  await started[0].run.done;
  await settle();
  // Between two of the chain's runs: nothing goes, yet the target is busy.
  const skipped = slots.offer("s", "skip", start);
  assert.equal(
    skipped.kind === "skipped" && skipped.reason,
    "its catch-up fires are still running (overlap: skip)",
  );
  const queued = slots.offer("s", "queue", start);
  assert.equal(queued.kind === "admitted" && queued.queued, true);
  const cancel = slots.offer("s", "cancel", start);
  // Waiting for the chain's end as long as a queue fire does, it is said queued too.
  assert.equal(cancel.kind === "admitted" && cancel.waits && cancel.queued, true);
  // The chain's next fire goes before them, and no on-time fire cancels it.
  const b = slots.offer("s", "after", start);
  assert.equal(b.kind === "admitted" && !b.waits, true, JSON.stringify(b));
  await settle();
  assert.equal(started.length, 2);
  assert.equal(slots.offer("s", "cancel", start).kind, "admitted");
  await settle();
  assert.equal(started[1].run.cancelled, false);
  started[1].finish();
  await started[1].run.done;
  await settle();
  assert.equal(started.length, 2, "the on-time fires wait for the chain's end");
  // The chain ends: the queued fire goes, then the newest cancel fire (it replaced the other).
  release();
  release(); // a second call does nothing
  assert.equal((queued.kind === "admitted" ? await queued.started : null)?.runId, "c");
  assert.equal(cancel.kind === "admitted" ? await cancel.started : "no", null, "replaced");
  started[2].finish();
  await settle();
  assert.equal(started.length, 4);
  started[3].finish();
  await settle();
  assert.equal(slots.offer("s", "skip", start).kind, "admitted");
});

Deno.test("hold: an `after` fire waits for a run that went before the chain; a released hold frees the target", async () => {
  const slots = new RunSlots(4);
  const { started, start } = starter();
  slots.offer("s", "skip", start); // an on-time run, going before the chain
  await settle();
  const release = slots.hold("s");
  const a = slots.offer("s", "after", start);
  assert.equal(a.kind === "admitted" && a.queued, true);
  const queued = slots.offer("s", "queue", start);
  started[0].finish();
  // The chain's fire is let on first, though the queue fire waits too.
  assert.equal((a.kind === "admitted" ? await a.started : null)?.runId, "b");
  started[1].finish();
  await started[1].run.done;
  await settle();
  assert.equal(started.length, 2);
  release();
  assert.equal((queued.kind === "admitted" ? await queued.started : null)?.runId, "c");
  started[2].finish();
  await settle();
  // Nothing held or going: another target's hold is not this one's.
  slots.hold("t");
  assert.equal(slots.offer("s", "skip", start).kind, "admitted");
});

Deno.test("a start in flight at close() is a run starting: drained() waits for it, cancelAll() cancels it as it starts", async () => {
  const slots = new RunSlots(4);
  const { run, finish } = fakeRun("a");
  const launched = Promise.withResolvers<StartedRun>();
  const offered = slots.offer("s", "skip", () => launched.promise);
  await settle();
  slots.close();
  assert.equal(slots.running.length, 0);
  assert.equal(slots.starting, 1);
  let drained = false;
  const waiting = slots.drained().then(() => drained = true);
  const told: string[] = [];
  slots.cancelAll((r) => told.push(r.runId));
  launched.resolve(run as StartedRun);
  assert.equal((offered.kind === "admitted" ? await offered.started : null)?.runId, "a");
  assert.equal(run.cancelled, true, "cancelled as it started");
  assert.deepEqual(told, ["a"]);
  await settle();
  assert.equal(drained, false, "until its end");
  finish();
  await waiting;
  assert.equal(slots.starting, 0);
  await slots.drained(); // nothing going: at once
});
