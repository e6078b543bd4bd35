/**
 * A file's schedule that starts firing in a running daemon (src/schedule/daemon_owed.ts):
 * its file did not validate when the daemon started, and SIGHUP loads it fixed. The fires
 * it owes since its last fire (while no daemon ran, and while its file could not load)
 * are caught up within `catchup`, as on any start, and the log says so — none is lost
 * without a trace (tester tdaemon F5). A start's catch-up chain stays on record until
 * every fire of it has its outcome, and no longer, though the daemon's stop came meanwhile.
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 10_000 && !ok(); i++) await sleep(1);
};

const FLOW = `name: d
trigger:
  type: schedule
  config:
    schedule: "*/2 * * * * *"
    timezone: UTC
    catchup: 1h
tasks:
  - id: t
    command: "true"
`;

Deno.test("a file schedule loaded fixed by SIGHUP catches up the fires it owes since its last fire", async () => {
  const dir = testTempDir("owed-");
  const home = testTempDir("home-");
  Deno.mkdirSync(`${dir}/flows`);
  const file = writeFlow(`${dir}/flows`, "d.yml", FLOW);
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await first.waitFor(/run \S+ ended success/);
    assert.equal(await first.stop(), 0);
  } finally {
    await first.stop("SIGKILL");
  }
  // An editing mistake while no daemon runs.
  Deno.writeTextFileSync(file, FLOW + "  - id: [broken\n");
  await sleep(3000); // fires owed while no daemon runs
  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await second.waitFor(/d\.yml does not validate, not loaded/);
    await second.waitFor(/daemon started/);
    await sleep(2500); // fires owed while its file cannot load
    Deno.writeTextFileSync(file, FLOW);
    const from = second.lines.length;
    second.child.kill("SIGHUP");
    await second.waitFor(
      /schedule d: fires from now on; the fires it owes since its last fire \(\S+\) run as catch-ups/,
      { from },
    );
    await second.waitFor(/run \S+ started \(catch-up d /, { from });
    await second.waitFor(/run \S+ started \(schedule d /, { from });
    assert.equal(await second.stop(), 0);
  } finally {
    await second.stop("SIGKILL");
  }
  const store = await openScheduleStore(home, { readOnly: true });
  let times: number[];
  try {
    times = (await store.listFires("d")).map((f) => Date.parse(f.time));
  } finally {
    store.close();
  }
  // Every fire from the first daemon's to the last one is on record: none left out.
  for (let i = 1; i < times.length; i++) {
    assert.equal(
      times[i] - times[i - 1],
      2000,
      `a gap after ${new Date(times[i - 1]).toISOString()}`,
    );
  }
  assert.ok(times.length >= 3, `${times.length} fires`);
});

/** An hourly schedule owing catch-up fires from 04:00 at `now`, run in this process. */
async function owingFromFour(now: string) {
  const clock = new ManualClock(new Date(now));
  const store = new MemoryScheduleStore();
  await store.add(testSchedule({
    catchupMs: 3 * 3600_000,
    lastFire: { time: "2026-03-01T03:00:00+00:00", outcome: "success", runId: "old" },
  }));
  const t = inProcessDaemon(clock, store);
  await t.daemon.start();
  await until(() => t.requests.length === 1);
  assert.equal(t.requests[0].trigger.type, "catch-up");
  assert.ok((await store.get("hourly"))?.pendingCatchUp, "the chain is on record as it runs");
  return { ...t, store };
}

Deno.test("oweFires: a chain whose every fire ran is cleared though the stop began right after", async () => {
  const t = await owingFromFour("2026-03-01T04:30:00Z");
  // The stop begins before the chain's handling has seen the run's end.
  t.enders[0]();
  await t.daemon.stop(1000);
  const fires = await t.store.listFires("hourly");
  assert.deepEqual(fires.map((f) => [f.time, f.outcome]), [[
    "2026-03-01T04:00:00+00:00",
    "success",
  ]]);
  assert.equal((await t.store.get("hourly"))?.pendingCatchUp, null);
});

Deno.test("oweFires: a chain with a fire the stop left owed stays on record for the next start", async () => {
  const t = await owingFromFour("2026-03-01T05:30:00Z");
  // The 04:00 run is cancelled by the stop; the 05:00 fire's turn comes after it began.
  await t.daemon.stop(0);
  const fires = await t.store.listFires("hourly");
  assert.deepEqual(fires.map((f) => [f.time.slice(11, 16), f.outcome]), [
    ["04:00", "cancelled"],
    ["05:00", "queued"],
  ]);
  assert.ok((await t.store.get("hourly"))?.pendingCatchUp);
  assert.ok(
    t.lines.some((l) => /catch-up fire of \S+05:00\S* not run, the daemon is stopping/.test(l)),
  );
});
