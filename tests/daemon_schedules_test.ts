/**
 * Recording missed fires (src/schedule/daemon_schedules.ts, through the daemon of
 * src/schedule/daemon.ts) on a manual clock: a long outage is recorded as at most
 * 1,000 records and one summary, and a daemon stopped while recording them leaves the
 * rest to the next start even after newer fires ran.
 */
import assert from "node:assert/strict";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MISSED_ONE_BY_ONE, scheduleDifference } from "../src/schedule/daemon_schedules.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import type { ClaimOptions, ScheduleStore } from "../src/store/schedule_store.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import type { FireRecord, Schedule } from "../src/schedule/types.ts";

function schedule(over: Partial<Schedule>): Schedule {
  return testSchedule({
    name: "sec",
    cron: "* * * * * *",
    tz: "Europe/Berlin",
    overlap: "allow",
    createdAt: "2025-12-01T00:00:00.000Z",
    ...over,
  });
}

/** A daemon on `clock` and `store` whose runs end `success` as they start. */
function daemonOn(clock: ManualClock, store: ScheduleStore) {
  return inProcessDaemon(clock, store, { endAtOnce: true });
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

/** Waits (polling, no fixed delay) until the daemon has logged a line matching `pattern`. */
async function logged(lines: string[], pattern: RegExp): Promise<void> {
  for (let i = 0; i < 60_000 && !lines.some((l) => pattern.test(l)); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(lines.some((l) => pattern.test(l)), `no line matches ${pattern}: ${lines.join("\n")}`);
}

Deno.test("a year down, a seconds-field schedule: 1,000 records and one summary of the other 31,535,000", async () => {
  // 2025-12-01 to 2026-12-01 in real seconds (an interval job keeps real time across
  // Berlin's two DST changes): 365 × 86,400 fires.
  const clock = new ManualClock(new Date("2026-12-01T00:00:00.500Z"));
  const store = new MemoryScheduleStore();
  await store.add(schedule({}));
  const t = daemonOn(clock, store);
  await t.daemon.start();
  await logged(t.lines, /missed \(older than its catch-up window\)/);
  await t.daemon.stop(0);
  const fires = await store.listFires("sec");
  assert.equal(fires.length, MISSED_ONE_BY_ONE + 1);
  assert.ok(fires.every((f) => f.outcome === "missed" && f.runId === null));
  assert.equal(fires[0].time, "2025-12-01T01:00:01+01:00");
  assert.equal(fires.filter((f) => f.missed).length, 1);
  const summary = fires.at(-1)!;
  assert.equal(summary.time, "2026-12-01T01:00:00+01:00");
  assert.deepEqual(summary.missed, {
    count: 365 * 86_400 - MISSED_ONE_BY_ONE,
    from: "2025-12-01T01:16:41+01:00",
    to: "2026-12-01T01:00:00+01:00",
  });
  const s = await store.get("sec");
  assert.deepEqual(s?.lastFire?.missed, summary.missed, "schedule list shows the summary");
  assert.equal(s?.pendingMissed, null);
  assert.ok(t.lines.some((l) => l.includes("31536000 fires from 2025-12-01T01:00:01+01:00")));
});

/** A store whose `missed` claims wait for `open()`; other claims go through. */
class GatedStore extends MemoryScheduleStore {
  #gate = Promise.withResolvers<void>();
  missedClaims = 0;
  open(): void {
    this.#gate.resolve();
  }
  override async claimFire(fire: FireRecord, options?: ClaimOptions): Promise<boolean> {
    if (fire.outcome === "missed" && ++this.missedClaims > 300) await this.#gate.promise;
    return await super.claimFire(fire, options);
  }
}

Deno.test("stopped while recording missed fires, with newer fires run since: the next start records the rest", async () => {
  const clock = new ManualClock(new Date("2026-03-03T00:00:30Z"));
  const store = new GatedStore();
  // Two days of minutes missed: 2,880 fires, 1,000 one by one and a summary of 1,880.
  await store.add(
    schedule({ name: "min", cron: "* * * * *", tz: "UTC", createdAt: "2026-03-01T00:00:30Z" }),
  );
  const first = daemonOn(clock, store);
  await first.daemon.start();
  await settle();
  assert.equal(store.missedClaims, 301, "recording waits at its 301st fire");
  // An on-time fire runs meanwhile: the schedule's last fire moves past every missed one.
  await clock.advance(60_000);
  await settle();
  assert.equal(first.requests.length, 1);
  const stopped = first.daemon.stop(0);
  store.open();
  await stopped;
  assert.ok(first.lines.some((l) => l.includes("recorded on the next start")));
  let s = await store.get("min");
  assert.equal(s?.lastFire?.time, "2026-03-03T00:01:00+00:00");
  assert.deepEqual(s?.pendingMissed, {
    after: "2026-03-01T00:00:30.000Z",
    through: "2026-03-03T00:00:29.999Z",
  });
  const before = (await store.listFires("min")).filter((f) => f.outcome === "missed").length;
  assert.ok(before < MISSED_ONE_BY_ONE, `only part recorded (${before})`);

  await clock.advance(20_000); // 00:01:50: no newer fire due
  const second = daemonOn(clock, store);
  await second.daemon.start();
  await logged(second.lines, /missed \(older than its catch-up window\)/);
  await second.daemon.stop(0);
  const missed = (await store.listFires("min")).filter((f) => f.outcome === "missed");
  assert.equal(missed.length, MISSED_ONE_BY_ONE + 1);
  assert.equal(missed[0].time, "2026-03-01T00:01:00+00:00");
  assert.deepEqual(missed.at(-1)?.missed, {
    count: 2880 - MISSED_ONE_BY_ONE,
    from: "2026-03-01T16:41:00+00:00",
    to: "2026-03-03T00:00:00+00:00",
  });
  s = await store.get("min");
  assert.equal(s?.pendingMissed, null);
  assert.equal(s?.lastFire?.time, "2026-03-03T00:01:00+00:00", "the newer fire stays the last");
  assert.deepEqual(second.requests, [], "no missed fire runs");
});

Deno.test("on the KV store: the summary shows in `weft schedule list`, and --json carries it whole", async () => {
  const home = testTempDir("missed-home-");
  const store = await openScheduleStore(home);
  try {
    await store.add(schedule({ name: "min", cron: "* * * * *", tz: "UTC" }));
    const clock = new ManualClock(new Date("2025-12-02T00:00:30Z"));
    const t = daemonOn(clock, store);
    await t.daemon.start();
    await logged(t.lines, /missed \(older than its catch-up window\)/);
    await t.daemon.stop(0);
    assert.equal((await store.listFires("min")).length, MISSED_ONE_BY_ONE + 1);
  } finally {
    store.close();
  }
  const env = { WEFT_HOME: home };
  const human = await weft(["schedule", "list"], { env });
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    /last {2}2025-12-02T00:00:00\+00:00 missed {2}\(440 more fires missed between 2025-12-01T16:41:00\+00:00 and 2025-12-02T00:00:00\+00:00\)/,
  );
  const [entry] = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
  assert.deepEqual(entry.last_fire.missed, {
    count: 1440 - MISSED_ONE_BY_ONE,
    from: "2025-12-01T16:41:00+00:00",
    to: "2025-12-02T00:00:00+00:00",
  });
  assert.equal(entry.pending_missed, null);
});

Deno.test("scheduleDifference names an unset time zone or catch-up in words, never null", () => {
  const stored = schedule({ cron: "0 3 * * *", tz: "UTC", catchupMs: 60_000 });
  const file = schedule({ cron: "0 2 * * *", tz: null, catchupMs: undefined });
  const text = scheduleDifference(stored, file);
  assert.equal(
    text,
    'cron "0 2 * * *" (stored: "0 3 * * *"), timezone the host\'s (stored: "UTC"), ' +
      "catchup (ms) none (stored: 60000)",
  );
  assert.doesNotMatch(text, /null|undefined/);
  assert.equal(scheduleDifference(stored, stored), "");
});
