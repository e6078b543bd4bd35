/**
 * The daemon's timer (src/schedule/daemon_fires.ts) and the daemon's handling of fires
 * (src/schedule/daemon.ts: catch-up, missed, overlap recorded in the schedule store),
 * on a manual clock: no waiting, no real time.
 */
import assert from "node:assert/strict";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { FireLoop } from "../src/schedule/daemon_fires.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

const schedule = testSchedule;

const iso = (d: Date) => d.toISOString();

Deno.test("catch-up: fires within the window are catch-up, older ones missed", () => {
  const clock = new ManualClock(new Date("2026-03-01T05:30:00Z"));
  const loop = new FireLoop(clock);
  loop.setSchedules([schedule({
    catchupMs: 2 * 3600_000,
    lastFire: { time: "2026-03-01T00:00:00+00:00", outcome: "success", runId: "r" },
  })]);
  const { fires, missed } = loop.catchUp();
  assert.deepEqual(
    fires.map((f) => [iso(f.time).slice(11, 16), f.kind]),
    [["04:00", "catch-up"], ["05:00", "catch-up"]],
  );
  // Missed fires come as a span, listed only when recorded: (00:00, 03:29:59.999].
  assert.deepEqual(missed.map((m) => [m.schedule.name, iso(m.after), iso(m.through)]), [
    ["hourly", "2026-03-01T00:00:00.000Z", "2026-03-01T03:29:59.999Z"],
  ]);
  assert.deepEqual(loop.tick().fires, [], "catch-up fires are not handed out again");
});

Deno.test("catch-up: without a window every missed fire is recorded missed; a paused schedule has none", () => {
  const clock = new ManualClock(new Date("2026-03-01T02:30:00Z"));
  const loop = new FireLoop(clock);
  loop.setSchedules([
    schedule({ createdAt: "2026-03-01T00:10:00Z" }),
    schedule({ name: "paused", paused: true, createdAt: "2026-03-01T00:10:00Z" }),
  ]);
  const { fires, missed } = loop.catchUp();
  assert.deepEqual(fires, []);
  assert.deepEqual(missed.map((m) => [m.schedule.name, iso(m.after), iso(m.through)]), [
    ["hourly", "2026-03-01T00:10:00.000Z", "2026-03-01T02:29:59.999Z"],
  ]);
});

Deno.test("tick: every */5 fire once, in order, and the next one due", async () => {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const loop = new FireLoop(clock);
  loop.setSchedules([schedule({ name: "five", cron: "*/5 * * * *" })]);
  assert.equal(iso(loop.tick().next!), "2026-03-01T10:05:00.000Z");
  await clock.set(new Date("2026-03-01T10:12:00Z"));
  const { fires, next } = loop.tick();
  assert.deepEqual(fires.map((f) => iso(f.time)), [
    "2026-03-01T10:05:00.000Z",
    "2026-03-01T10:10:00.000Z",
  ]);
  assert.equal(iso(next!), "2026-03-01T10:15:00.000Z");
  assert.deepEqual(loop.tick().fires, []);
});

Deno.test("setSchedules: an unchanged schedule keeps its place; pausing passes fires over", async () => {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const loop = new FireLoop(clock);
  loop.setSchedules([schedule({ cron: "*/5 * * * *" })]);
  await clock.set(new Date("2026-03-01T10:06:00Z"));
  loop.setSchedules([schedule({ cron: "*/5 * * * *" })]);
  assert.equal(loop.tick().fires.length, 1, "the 10:05 fire survives a reload");
  loop.setSchedules([schedule({ cron: "*/5 * * * *", paused: true })]);
  await clock.set(new Date("2026-03-01T10:30:00Z"));
  const paused = loop.tick();
  assert.deepEqual(paused.fires, []);
  assert.equal(paused.next, null);
});

Deno.test("run: an hour of a seconds-field schedule on the manual clock, none missed, none twice", async () => {
  const clock = new ManualClock(new Date("2026-03-01T00:00:00Z"));
  const loop = new FireLoop(clock);
  loop.setSchedules([schedule({ name: "s", cron: "*/30 * * * * *" })]);
  const seen: number[] = [];
  const stop = new AbortController();
  const running = loop.run((f) => seen.push(f.time.getTime()), stop.signal);
  for (let i = 0; i < 120; i++) await clock.advance(30_000);
  stop.abort();
  await running;
  assert.equal(seen.length, 120);
  assert.equal(new Set(seen).size, 120);
  assert.ok(seen.every((t, i) => i === 0 || t - seen[i - 1] === 30_000));
});

/** A daemon on a manual clock whose runs end when the test calls `enders[i]()`. */
function daemonUnderTest(clock: ManualClock, store: MemoryScheduleStore) {
  return inProcessDaemon(clock, store);
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

Deno.test("daemon: catch-up runs, missed fires and a skipped overlap are recorded", async () => {
  const clock = new ManualClock(new Date("2026-03-01T05:30:00Z"));
  const store = new MemoryScheduleStore();
  await store.add(schedule({
    catchupMs: 2 * 3600_000,
    lastFire: { time: "2026-03-01T02:00:00+00:00", outcome: "success", runId: "old" },
  }));
  const t = daemonUnderTest(clock, store);
  await t.daemon.start();
  await settle();
  // 03:00 is missed; 04:00 runs as catch-up; 05:00 (catch-up) runs once 04:00 has ended,
  // never skipped by its own catch-up (tester25 F8).
  assert.equal(t.requests.length, 1);
  assert.equal(t.requests[0].trigger.type, "catch-up");
  assert.equal(t.requests[0].trigger.scheduledFor, "2026-03-01T04:00:00+00:00");
  assert.equal(t.requests[0].trigger.schedule, "hourly");
  t.enders[0]();
  await settle();
  assert.equal(t.requests.length, 2);
  assert.equal(t.requests[1].trigger.type, "catch-up");
  assert.equal(t.requests[1].trigger.scheduledFor, "2026-03-01T05:00:00+00:00");
  t.enders[1]();
  await settle();
  const fires = await store.listFires("hourly");
  assert.deepEqual(fires.map((f) => [f.time.slice(11, 16), f.trigger, f.outcome]), [
    ["03:00", "schedule", "missed"],
    ["04:00", "catch-up", "success"],
    ["05:00", "catch-up", "success"],
  ]);
  await clock.set(new Date("2026-03-01T06:00:00Z"));
  await settle();
  assert.equal(t.requests.length, 3);
  assert.equal(t.requests[2].trigger.type, "schedule");
  t.enders[2]();
  await t.daemon.stop(0);
  const last = await store.get("hourly");
  assert.equal(last?.lastFire?.time, "2026-03-01T06:00:00+00:00");
});

Deno.test("daemon: queue keeps one fire waiting; cancel stops the running run first", async () => {
  const clock = new ManualClock(new Date("2026-03-01T00:00:30Z"));
  const store = new MemoryScheduleStore();
  await store.add(
    schedule({ name: "q", cron: "* * * * *", overlap: "queue", createdAt: iso(clock.now()) }),
  );
  await store.add(
    schedule({ name: "c", cron: "* * * * *", overlap: "cancel", createdAt: iso(clock.now()) }),
  );
  const t = daemonUnderTest(clock, store);
  await t.daemon.start();
  for (let m = 0; m < 3; m++) {
    await clock.advance(60_000);
    await settle();
  }
  const q = await store.listFires("q");
  assert.deepEqual(q.map((f) => f.outcome), ["started", "queued", "skipped"]);
  const c = await store.listFires("c");
  assert.deepEqual(c.map((f) => f.outcome), ["cancelled", "cancelled", "started"]);
  const qIndex = t.requests.findIndex((r) => r.trigger.schedule === "q");
  t.enders[qIndex]();
  await settle();
  assert.equal(
    t.requests.filter((r) => r.trigger.schedule === "q").length,
    2,
    "the queued one ran",
  );
  assert.deepEqual((await store.listFires("q")).map((f) => f.outcome), [
    "success",
    "started",
    "skipped",
  ]);
  await t.daemon.stop(0);
  assert.ok(t.lines.some((l) => l.includes("cancelling run")));
});

Deno.test("daemon: a day of missed seconds-field fires is recorded as 1,000 records and one summary, logged as one line, and on-time fires still start", async () => {
  const clock = new ManualClock(new Date("2026-03-02T00:00:00.500Z"));
  const store = new MemoryScheduleStore();
  await store.add(schedule({
    name: "sec",
    cron: "* * * * * *",
    createdAt: "2026-03-01T00:00:00.500Z",
  }));
  const t = daemonUnderTest(clock, store);
  await t.daemon.start();
  await clock.advance(1000);
  await settle();
  assert.equal(t.requests.length, 1, "the on-time fire starts while the backlog is written");
  assert.equal(t.requests[0].trigger.scheduledFor, "2026-03-02T00:00:01+00:00");
  t.enders[0]();
  await t.daemon.stop(0);
  const fires = await store.listFires("sec");
  const missed = fires.filter((f) => f.outcome === "missed");
  assert.equal(missed.length, 1001);
  assert.equal(missed[0].time, "2026-03-01T00:00:01+00:00");
  assert.equal(missed[999].time, "2026-03-01T00:16:40+00:00");
  assert.equal(missed[999].missed, undefined);
  assert.equal(missed.at(-1)?.time, "2026-03-02T00:00:00+00:00");
  assert.deepEqual(missed.at(-1)?.missed, {
    count: 85_400,
    from: "2026-03-01T00:16:41+00:00",
    to: "2026-03-02T00:00:00+00:00",
  });
  const said = t.lines.filter((l) => l.includes("missed"));
  assert.deepEqual(said, [
    "schedule sec: 86400 fires from 2026-03-01T00:00:01+00:00 to 2026-03-02T00:00:00+00:00 " +
    "missed (older than its catch-up window); the first 1000 recorded one by one, " +
    "the 85400 after them as one record",
  ]);
  assert.equal((await store.get("sec"))?.pendingMissed, null, "all recorded: nothing pending");
});

Deno.test("catch-up: fires a killed daemon left waiting run within the window, older ones are left", () => {
  const clock = new ManualClock(new Date("2026-03-01T05:30:00Z"));
  const loop = new FireLoop(clock);
  loop.setSchedules([schedule({
    catchupMs: 2 * 3600_000,
    lastFire: { time: "2026-03-01T05:00:00+00:00", outcome: "skipped", runId: null },
    unstartedFires: ["2026-03-01T01:00:00+00:00", "2026-03-01T04:00:00+00:00"],
  })]);
  const { fires, missed, left } = loop.catchUp();
  assert.deepEqual(fires.map((f) => [iso(f.time).slice(11, 16), f.kind, f.leftWaiting]), [
    ["04:00", "catch-up", true],
  ]);
  assert.deepEqual(left.map((f) => iso(f.time).slice(11, 16)), ["01:00"]);
  assert.deepEqual(missed, [], "nothing owed after the last fire");
});

Deno.test("daemon: a fire recorded queued when the daemon died runs on restart, or is recorded missed", async () => {
  const clock = new ManualClock(new Date("2026-03-01T04:00:00Z"));
  const store = new MemoryScheduleStore();
  await store.add(schedule({
    overlap: "queue",
    catchupMs: 3600_000,
    lastFire: { time: "2026-03-01T04:00:00+00:00", outcome: "success", runId: "old" },
  }));
  const first = daemonUnderTest(clock, store);
  await first.daemon.start();
  await clock.set(new Date("2026-03-01T05:00:00Z"));
  await settle();
  await clock.set(new Date("2026-03-01T06:00:00Z"));
  await settle();
  assert.equal(first.requests.length, 1, "06:00 is queued behind 05:00");
  assert.deepEqual((await store.get("hourly"))?.unstartedFires, ["2026-03-01T06:00:00+00:00"]);
  // A stop records the waiting fire cancelled; a kill -9 leaves it queued, as put back here.
  await first.daemon.stop(0);
  // Restarted within the window: the 06:00 fire runs as a catch-up.
  await store.recordFire({
    schedule: "hourly",
    time: "2026-03-01T06:00:00+00:00",
    trigger: "schedule",
    outcome: "queued",
    runId: null,
    firedAt: "2026-03-01T06:00:00.000Z",
  });
  await clock.set(new Date("2026-03-01T06:20:00Z"));
  const second = daemonUnderTest(clock, store);
  await second.daemon.start();
  await settle();
  assert.deepEqual(second.requests.map((r) => [r.trigger.type, r.trigger.scheduledFor]), [
    ["catch-up", "2026-03-01T06:00:00+00:00"],
  ]);
  assert.ok(second.lines.some((l) => /fire of 2026-03-01T06:00:00\+00:00 never started/.test(l)));
  second.enders[0]();
  await second.daemon.stop(0);
  const after = await store.listFires("hourly");
  assert.deepEqual(after.map((f) => [f.time.slice(11, 16), f.trigger, f.outcome]).slice(-1), [
    ["06:00", "catch-up", "success"],
  ]);
  assert.equal((await store.get("hourly"))?.unstartedFires, undefined);

  // Left waiting again, and the next start comes after the window: recorded missed, said why.
  await store.recordFire({ ...after.at(-1)!, trigger: "schedule", outcome: "queued", runId: null });
  await clock.set(new Date("2026-03-01T07:30:00Z"));
  const third = daemonUnderTest(clock, store);
  await third.daemon.start();
  await settle();
  await third.daemon.stop(0);
  const missed = (await store.listFires("hourly")).find((f) => f.time.startsWith("2026-03-01T06"));
  assert.equal(missed?.outcome, "missed");
  assert.ok(
    third.lines.some((l) =>
      /fire of 2026-03-01T06:00:00\+00:00 missed \(it was waiting to start when the daemon stopped/
        .test(l)
    ),
  );
  assert.equal((await store.get("hourly"))?.unstartedFires, undefined);
});

Deno.test("daemon: a stop leaves an on-time fire waiting for a run slot owed, not cancelled", async () => {
  const clock = new ManualClock(new Date("2026-03-01T00:00:30Z"));
  const store = new MemoryScheduleStore();
  for (const name of ["a", "b"]) {
    await store.add(
      schedule({ name, cron: "* * * * *", catchupMs: 3_600_000, createdAt: iso(clock.now()) }),
    );
  }
  // One slot: b's fire waits for a's run.
  const t = inProcessDaemon(clock, store, { maxRuns: 1 });
  await t.daemon.start();
  await clock.advance(60_000);
  await settle();
  assert.equal(t.requests.length, 1);
  const waiting = t.requests[0].trigger.schedule === "a" ? "b" : "a";
  await t.daemon.stop(0);
  const [fire] = await store.listFires(waiting);
  assert.equal(fire.outcome, "queued", "owed to the next start");
  assert.deepEqual((await store.get(waiting))?.unstartedFires, [fire.time]);
  assert.ok(
    t.lines.includes(
      `schedule ${waiting}: fire of ${fire.time} not run, the daemon is stopping; ` +
        "the next start owes it",
    ),
    t.lines.join("\n"),
  );
  // The next start runs it as a catch-up.
  const next = inProcessDaemon(clock, store, { endAtOnce: true });
  await next.daemon.start();
  await settle();
  assert.ok(
    next.requests.some((r) => r.trigger.schedule === waiting && r.trigger.type === "catch-up"),
  );
  await next.daemon.stop(0);
});
