/**
 * Schedule fires offered to the run slots (src/schedule/daemon_fire.ts through the daemon
 * of src/schedule/daemon.ts, on a manual clock): a catch-up of many fires under `allow`
 * with every run slot taken runs them one after another, each claimed when its turn
 * comes: none skipped, none held in memory waiting. A catch-up fire that finds a run of
 * the on-time loop going (it came due between two catch-up fires) waits for it instead of
 * being skipped, and one still waiting when the daemon stops is owed to the next start.
 */
import assert from "node:assert/strict";
import { inProcessDaemon } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import type { FireRecord } from "../src/model/schedule.ts";
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

/**
 * An hourly `skip` schedule owing 04:00 and 05:00 as catch-up at 05:30, whose 05:00 claim
 * is held until the on-time 06:00 fire has started its run: the second catch-up fire then
 * meets a run going that is not a catch-up (the moment between two of them, made long).
 */
async function catchUpMeetsOnTimeRun() {
  const clock = new ManualClock(new Date("2026-03-01T05:30:00Z"));
  const store = new HeldClaimStore("2026-03-01T05:00:00+00:00");
  await store.add({
    name: "hourly",
    file: "/nonexistent/flow.yml",
    cron: "0 * * * *",
    tz: "UTC",
    catchupMs: 2 * 3600_000,
    overlap: "skip",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-01-01T00:00:00.000Z",
    lastFire: { time: "2026-03-01T03:00:00+00:00", outcome: "success", runId: "old" },
  });
  const t = { ...daemonOn(clock, store), clock, store };
  await t.daemon.start();
  await until(() => t.requests.length === 1);
  assert.equal(t.requests[0].trigger.scheduledFor, "2026-03-01T04:00:00+00:00");
  t.enders[0]();
  await store.asked.promise;
  await clock.set(new Date("2026-03-01T06:00:00Z"));
  await until(() => t.requests.length === 2);
  assert.equal(t.requests[1].trigger.type, "schedule");
  assert.equal(t.requests[1].trigger.scheduledFor, "2026-03-01T06:00:00+00:00");
  store.release();
  await until(() => t.lines.some((l) => /05:00\S* (queued|skipped)/.test(l)));
  return t;
}

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

Deno.test("a catch-up fire that meets a run of the on-time loop waits for it, not skipped", async () => {
  const t = await catchUpMeetsOnTimeRun();
  assert.equal(t.lines.filter((l) => /skipped/.test(l)).length, 0, t.lines.join("\n"));
  assert.equal(t.requests.length, 2, "it waits for the 06:00 run");
  t.enders[1]();
  await until(() => t.requests.length === 3);
  assert.equal(t.requests[2].trigger.type, "catch-up");
  assert.equal(t.requests[2].trigger.scheduledFor, "2026-03-01T05:00:00+00:00");
  t.enders[2]();
  await until(() => t.lines.filter((l) => /ended/.test(l)).length === 3);
  const fires = await t.store.listFires("hourly");
  assert.deepEqual(fires.map((f) => [f.time.slice(11, 16), f.trigger, f.outcome]), [
    ["04:00", "catch-up", "success"],
    ["05:00", "catch-up", "success"],
    ["06:00", "schedule", "success"],
  ]);
  await t.daemon.stop(0);
});

Deno.test("a catch-up fire still waiting when the daemon stops is owed to the next start", async () => {
  const t = await catchUpMeetsOnTimeRun();
  // Stopping cancels the 06:00 run; the 05:00 fire's turn comes with no run to start.
  await t.daemon.stop(0);
  assert.equal(t.requests.length, 2);
  assert.ok(
    t.lines.some((l) =>
      /catch-up fire of 2026-03-01T05:00\S+ not run, the daemon is stopping/.test(l)
    ),
    t.lines.join("\n"),
  );
  const [fire] = await t.store.listFires("hourly", {
    from: new Date("2026-03-01T05:00:00Z"),
    to: new Date("2026-03-01T05:00:01Z"),
  });
  assert.equal(fire.outcome, "queued");
  assert.deepEqual((await t.store.get("hourly"))?.unstartedFires, ["2026-03-01T05:00:00+00:00"]);
  // The next start runs it.
  const next = daemonOn(t.clock, t.store);
  await next.daemon.start();
  await until(() => next.requests.length === 1);
  assert.equal(next.requests[0].trigger.type, "catch-up");
  assert.equal(next.requests[0].trigger.scheduledFor, "2026-03-01T05:00:00+00:00");
  next.enders[0]();
  await next.daemon.stop(0);
  assert.equal((await t.store.get("hourly"))?.unstartedFires, undefined);
});
