/**
 * Schedule fires offered to the run slots (src/schedule/daemon_fire.ts through the daemon
 * of src/schedule/daemon.ts, on a manual clock): a catch-up of many fires under `allow`
 * with every run slot taken runs them one after another, each claimed when its turn
 * comes: none skipped, none held in memory waiting. A catch-up fire that finds a run of
 * the on-time loop going waits for it instead of being skipped (daemon_slots_test.ts), and
 * one still waiting when the daemon stops is owed to the next start. An on-time fire that
 * comes due while a catch-up chain goes meets it going, between two of its runs too: it
 * is skipped (`skip`), or waits for the chain's end (`queue`, `cancel`, cancelling none of
 * its runs) — it slipped in between two catch-up runs when it came due there.
 */
import assert from "node:assert/strict";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import type { FireRecord } from "../src/model/schedule.ts";
import type { Schedule } from "../src/schedule/types.ts";
import type { ClaimOptions } from "../src/store/schedule_store.ts";

/** A store whose claim of the fire at `held` (ISO time) waits until `release()`. */
class HeldClaimStore extends MemoryScheduleStore {
  #gate = Promise.withResolvers<void>();
  /** Resolves once the held claim has been asked for. */
  asked = Promise.withResolvers<void>();
  constructor(readonly held: string) {
    super();
  }
  release(): void {
    this.#gate.resolve();
  }
  override async claimFire(fire: FireRecord, options?: ClaimOptions): Promise<boolean> {
    if (fire.time === this.held) {
      this.asked.resolve();
      await this.#gate.promise;
    }
    return super.claimFire(fire, options);
  }
}

/** A daemon on `clock` and `store` whose runs end when the test says (`enders[i]()`). */
function daemonOn(clock: ManualClock, store: MemoryScheduleStore) {
  return inProcessDaemon(clock, store);
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 10_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 1));
};

/** An hourly schedule under `overlap` owing 04:00 and 05:00 as catch-up at 05:30. */
function hourly(overlap: Schedule["overlap"], name = "hourly"): Schedule {
  return testSchedule({
    name,
    catchupMs: 2 * 3600_000,
    overlap,
    lastFire: { time: "2026-03-01T03:00:00+00:00", outcome: "success", runId: "old" },
  });
}

/**
 * `hourly` under `overlap`, whose 05:00 claim is held until the on-time 06:00 fire has
 * been offered: it comes due in the moment between two catch-up runs, made long. `seen`
 * tells when the 06:00 fire has been dealt with.
 */
async function onTimeBetweenCatchUps(
  overlap: Schedule["overlap"],
  seen: (t: { lines: string[]; store: HeldClaimStore }) => Promise<boolean>,
) {
  const clock = new ManualClock(new Date("2026-03-01T05:30:00Z"));
  const store = new HeldClaimStore("2026-03-01T05:00:00+00:00");
  await store.add(hourly(overlap));
  const t = { ...daemonOn(clock, store), clock, store };
  await t.daemon.start();
  await until(() => t.requests.length === 1);
  assert.equal(t.requests[0].trigger.scheduledFor, "2026-03-01T04:00:00+00:00");
  t.enders[0]();
  await store.asked.promise;
  await clock.set(new Date("2026-03-01T06:00:00Z"));
  for (let i = 0; i < 10_000 && !(await seen(t)); i++) await sleep(1);
  assert.ok(await seen(t), t.lines.join("\n"));
  assert.equal(t.requests.length, 1, "no run starts between the chain's runs");
  store.release();
  return t;
}

/** Each fire of `hourly` on record: [HH:MM, trigger, outcome]. */
async function firesOf(store: MemoryScheduleStore) {
  return (await store.listFires("hourly")).map((f) => [f.time.slice(11, 16), f.trigger, f.outcome]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fired = (time: string) => async (t: { store: MemoryScheduleStore }) =>
  (await t.store.listFires("hourly")).some((f) => f.time.startsWith(time));

Deno.test("a catch-up of 60 fires under allow with one slot: one after another, none skipped or held waiting", async () => {
  const clock = new ManualClock(new Date("2026-12-01T00:10:00.500Z"));
  const store = new MemoryScheduleStore();
  await store.add({
    name: "sec",
    file: "/nonexistent/flow.yml",
    cron: "* * * * * *",
    tz: "UTC",
    catchupMs: 60_000,
    overlap: "allow",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-12-01T00:09:00.000Z",
    lastFire: null,
  });
  // Runs that end when the test ends them (or when cancelled).
  const { daemon, requests, enders, lines } = inProcessDaemon(clock, store, { maxRuns: 1 });
  await daemon.start();
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 10_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 1));
  };
  // The catch-up fires are offered one at a time: nothing waits in memory meanwhile.
  for (let n = 1; n <= 3; n++) {
    await until(() => requests.length === n);
    assert.equal(requests.length, n);
    assert.equal(requests[n - 1].trigger.type, "catch-up");
    assert.equal(requests[n - 1].trigger.scheduledFor, `2026-12-01T00:09:0${n}+00:00`);
    const fires = await store.listFires("sec");
    assert.equal(fires.length, n, "a fire is claimed when its turn comes");
    enders[n - 1]();
  }
  await until(() => requests.length === 4);
  assert.equal(lines.filter((l) => /skipped/.test(l)).length, 0, lines.join("\n"));
  assert.equal((await store.listFires("sec")).filter((f) => f.outcome === "skipped").length, 0);
  await daemon.stop(0);
});

Deno.test("skip: an on-time fire due between two catch-up runs meets the chain going and is skipped", async () => {
  const t = await onTimeBetweenCatchUps("skip", fired("2026-03-01T06:00"));
  assert.ok(
    t.lines.some((l) =>
      /fire of 2026-03-01T06:00\S+ skipped: its catch-up fires are still running/.test(l)
    ),
    t.lines.join("\n"),
  );
  // The chain goes on: 05:00 runs next, and nothing else.
  await until(() => t.requests.length === 2);
  assert.equal(t.requests[1].trigger.type, "catch-up");
  assert.equal(t.requests[1].trigger.scheduledFor, "2026-03-01T05:00:00+00:00");
  t.enders[1]();
  await until(() => t.lines.filter((l) => /ended/.test(l)).length === 2);
  assert.equal(t.requests.length, 2);
  assert.deepEqual(await firesOf(t.store), [
    ["04:00", "catch-up", "success"],
    ["05:00", "catch-up", "success"],
    ["06:00", "schedule", "skipped"],
  ]);
  await t.daemon.stop(0);
});

Deno.test("queue: an on-time fire due between two catch-up runs waits for the chain's end, then runs", async () => {
  const t = await onTimeBetweenCatchUps(
    "queue",
    (t) => Promise.resolve(t.lines.some((l) => /06:00\S+ queued/.test(l))),
  );
  await until(() => t.requests.length === 2);
  assert.equal(t.requests[1].trigger.scheduledFor, "2026-03-01T05:00:00+00:00");
  t.enders[1]();
  await until(() => t.requests.length === 3);
  assert.equal(t.requests[2].trigger.type, "schedule");
  assert.equal(t.requests[2].trigger.scheduledFor, "2026-03-01T06:00:00+00:00");
  t.enders[2]();
  await until(() => t.lines.filter((l) => /ended/.test(l)).length === 3);
  assert.deepEqual(await firesOf(t.store), [
    ["04:00", "catch-up", "success"],
    ["05:00", "catch-up", "success"],
    ["06:00", "schedule", "success"],
  ]);
  await t.daemon.stop(0);
});

Deno.test("cancel: an on-time fire cancels no catch-up run; it runs once the chain is over", async () => {
  const clock = new ManualClock(new Date("2026-03-01T05:30:00Z"));
  const store = new MemoryScheduleStore();
  await store.add(hourly("cancel"));
  const t = daemonOn(clock, store);
  await t.daemon.start();
  await until(() => t.requests.length === 1);
  // Due while the 04:00 catch-up runs.
  await clock.set(new Date("2026-03-01T06:00:00Z"));
  const claimed = fired("2026-03-01T06:00");
  for (let i = 0; i < 10_000 && !(await claimed({ store })); i++) await sleep(1);
  for (let i = 0; i < 50; i++) await sleep(1); // a cancel comes at its offer, right after
  assert.deepEqual(t.cancelled, []);
  t.enders[0]();
  await until(() => t.requests.length === 2);
  assert.equal(t.requests[1].trigger.scheduledFor, "2026-03-01T05:00:00+00:00");
  t.enders[1]();
  await until(() => t.requests.length === 3);
  assert.equal(t.requests[2].trigger.scheduledFor, "2026-03-01T06:00:00+00:00");
  t.enders[2]();
  await until(() => t.lines.filter((l) => /ended/.test(l)).length === 3);
  assert.deepEqual(t.cancelled, []);
  await t.daemon.stop(0);
});

Deno.test("a catch-up fire still waiting for a run slot when the daemon stops is owed to the next start", async () => {
  const clock = new ManualClock(new Date("2026-03-01T04:30:00Z"));
  const store = new MemoryScheduleStore();
  // One fire owed each; with one run slot, one schedule's catch-up waits for the other's.
  await store.add(hourly("skip", "a"));
  await store.add(hourly("skip", "b"));
  const t = inProcessDaemon(clock, store, { maxRuns: 1 });
  await t.daemon.start();
  await until(() => t.requests.length === 1);
  for (let i = 0; i < 50; i++) await sleep(1);
  assert.equal(t.requests.length, 1, "one run slot");
  const waiting = t.requests[0].trigger.schedule === "a" ? "b" : "a";
  // Stopping cancels the running run; the waiting fire's turn comes with no run to start.
  await t.daemon.stop(0);
  assert.equal(t.requests.length, 1);
  assert.ok(
    t.lines.some((l) =>
      new RegExp(
        `schedule ${waiting}: catch-up fire of 2026-03-01T04:00\\S+ not run, the daemon is stopping`,
      )
        .test(l)
    ),
    t.lines.join("\n"),
  );
  const [fire] = await store.listFires(waiting);
  assert.equal(fire.outcome, "queued");
  assert.deepEqual((await store.get(waiting))?.unstartedFires, ["2026-03-01T04:00:00+00:00"]);
  // The next start runs it.
  const next = daemonOn(clock, store);
  await next.daemon.start();
  await until(() => next.requests.length === 1);
  assert.equal(next.requests[0].trigger.type, "catch-up");
  assert.equal(next.requests[0].trigger.schedule, waiting);
  assert.equal(next.requests[0].trigger.scheduledFor, "2026-03-01T04:00:00+00:00");
  next.enders[0]();
  await next.daemon.stop(0);
  assert.equal((await store.get(waiting))?.unstartedFires, undefined);
});
