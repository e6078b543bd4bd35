/**
 * A start's catch-up chain changed under it in a running daemon (src/schedule/daemon_fire.ts
 * through the daemon of src/schedule/daemon.ts, on a manual clock): each fire of the chain
 * is on record (pendingCatchUp) until handled, so each gets its outcome, once. A cron
 * replaced mid-chain (`weft schedule add --replace`) leaves the chain's fires due: they run
 * (tester F2: dropped with no record, no log line, and the chain cleared). Paused as well,
 * the fires not reached are recorded skipped. Paused and resumed mid-chain, the fires not
 * reached are recorded skipped with why, and said (tester F3: no record, no log line).
 */
import assert from "node:assert/strict";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import type { Schedule } from "../src/schedule/types.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = async (ok: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 10_000 && !(await ok()); i++) await sleep(1);
};

/**
 * An hourly schedule owing 03:00, 04:00 and 05:00 of `day` as catch-up at 05:30 (its last
 * fire 02:00, `catchup` 3h).
 */
function hourly(day: string, over: Partial<Schedule> = {}): Schedule {
  return testSchedule({
    catchupMs: 3 * 3600_000,
    lastFire: { time: `${day}T02:00:00+00:00`, outcome: "success", runId: "old" },
    ...over,
  });
}

/** Each fire of `hourly` on record: [HH:MM, trigger, outcome, reason]. */
async function firesOf(store: MemoryScheduleStore) {
  return (await store.listFires("hourly")).map((f) => [
    f.time.slice(11, 16),
    f.trigger,
    f.outcome,
    f.reason ?? null,
  ]);
}

/** Whether `hourly`'s chain is still on record. */
async function chainOnRecord(store: MemoryScheduleStore): Promise<boolean> {
  return ((await store.get("hourly"))?.pendingCatchUp ?? null) !== null;
}

/**
 * A daemon started at 05:30 of `day` on `hourly`, its chain's first run (03:00) going;
 * the chain is on record.
 */
async function chainGoing(day: string) {
  const clock = new ManualClock(new Date(`${day}T05:30:00Z`));
  const store = new MemoryScheduleStore();
  await store.add(hourly(day));
  const t = { ...inProcessDaemon(clock, store), clock, store };
  await t.daemon.start();
  await until(() => t.requests.length === 1);
  assert.equal(t.requests.length, 1, t.lines.join("\n"));
  assert.equal(t.requests[0].trigger.type, "catch-up");
  assert.equal(t.requests[0].trigger.scheduledFor, `${day}T03:00:00+00:00`);
  assert.ok(await chainOnRecord(store), "the chain is on record before it runs");
  return t;
}

/** The times the runs were for, each once. */
function ranOnce(requests: Array<{ trigger: { scheduledFor?: string } }>): string[] {
  const times = requests.map((r) => r.trigger.scheduledFor ?? "");
  assert.equal(new Set(times).size, times.length, `a fire ran twice: ${times.join(", ")}`);
  return times;
}

// A day after this one: `--replace`'s record of what the old cron owed up to the replace
// (real time) is then empty, and the chain is the only thing owed.
const FUTURE = "2030-03-01";
// A day before this one: a resume (real time) comes after every fire of the chain.
const PAST = "2026-03-01";

Deno.test("a cron replaced mid-chain: the chain's fires not reached still run, each once", async () => {
  const t = await chainGoing(FUTURE);
  // `weft schedule add FILE --cron ... --name hourly --replace` in the middle of the chain.
  await t.store.add(hourly(FUTURE, { cron: "*/30 * * * *", lastFire: null }), { replace: true });
  assert.equal((await t.store.get("hourly"))?.cron, "*/30 * * * *");
  t.enders[0]();
  await until(async () => t.requests.length === 2 || !(await chainOnRecord(t.store)));
  assert.equal(t.requests.length, 2, t.lines.join("\n"));
  assert.equal(t.requests[1].trigger.type, "catch-up");
  assert.equal(t.requests[1].trigger.scheduledFor, `${FUTURE}T04:00:00+00:00`);
  t.enders[1]();
  await until(async () => t.requests.length === 3 || !(await chainOnRecord(t.store)));
  assert.equal(t.requests.length, 3, t.lines.join("\n"));
  assert.equal(t.requests[2].trigger.scheduledFor, `${FUTURE}T05:00:00+00:00`);
  assert.ok(await chainOnRecord(t.store), "on record until its last fire has its outcome");
  t.enders[2]();
  await until(async () => !(await chainOnRecord(t.store)));
  assert.equal(await chainOnRecord(t.store), false, "cleared once every fire is handled");
  assert.deepEqual(await firesOf(t.store), [
    ["03:00", "catch-up", "success", null],
    ["04:00", "catch-up", "success", null],
    ["05:00", "catch-up", "success", null],
  ]);
  assert.deepEqual(ranOnce(t.requests), [
    `${FUTURE}T03:00:00+00:00`,
    `${FUTURE}T04:00:00+00:00`,
    `${FUTURE}T05:00:00+00:00`,
  ]);
  await t.daemon.stop(0);
  assert.equal(t.requests.length, 3);
});

/**
 * 03:00 ran; 04:00 and 05:00, not reached when the schedule was paused, are recorded
 * skipped with why, and the log says so for each.
 */
async function assertSkippedNotReached(
  t: { store: MemoryScheduleStore; lines: string[] },
  day: string,
): Promise<void> {
  const reason = "its schedule was paused while it waited";
  assert.deepEqual(await firesOf(t.store), [
    ["03:00", "catch-up", "success", null],
    ["04:00", "catch-up", "skipped", reason],
    ["05:00", "catch-up", "skipped", reason],
  ], t.lines.join("\n"));
  for (const hh of ["04", "05"]) {
    assert.ok(
      t.lines.some((l) =>
        l.includes(`catch-up fire of ${day}T${hh}:00:00+00:00 skipped, not run: ${reason}`)
      ),
      t.lines.join("\n"),
    );
  }
}

Deno.test("a cron replaced and the schedule paused mid-chain: the fires not reached are recorded skipped", async () => {
  const t = await chainGoing(FUTURE);
  await t.store.setPaused("hourly", true);
  await t.store.add(hourly(FUTURE, { cron: "*/30 * * * *", lastFire: null }), { replace: true });
  assert.equal((await t.store.get("hourly"))?.paused, true);
  t.enders[0]();
  await until(async () => !(await chainOnRecord(t.store)));
  await assertSkippedNotReached(t, FUTURE);
  assert.equal(await chainOnRecord(t.store), false);
  assert.deepEqual(ranOnce(t.requests), [`${FUTURE}T03:00:00+00:00`]);
  await t.daemon.stop(0);
});

Deno.test("paused and resumed mid-chain: the fires not reached are recorded skipped with why, and said", async () => {
  const t = await chainGoing(PAST);
  // `weft schedule pause hourly; weft schedule resume hourly` while 03:00 runs.
  await t.store.setPaused("hourly", true);
  await t.store.setPaused("hourly", false);
  const resumed = await t.store.get("hourly");
  assert.ok(resumed && !resumed.paused && resumed.resumedAt);
  t.enders[0]();
  await until(async () => !(await chainOnRecord(t.store)));
  await assertSkippedNotReached(t, PAST);
  assert.equal(await chainOnRecord(t.store), false, "cleared once every fire is handled");
  // A resume catches up nothing from before it: none of them runs.
  assert.deepEqual(ranOnce(t.requests), [`${PAST}T03:00:00+00:00`]);
  await t.daemon.stop(0);
  assert.equal(t.requests.length, 1);
});
