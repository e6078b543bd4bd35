/**
 * A schedule added while the daemon runs (src/schedule/daemon_fires.ts setSchedules): the
 * daemon sees it at its next look at the store, up to a second later, and a fire that came
 * due between its creation and that look runs; it is not recorded missed, and nothing is
 * said of fires it owes when it owes none (tester vsched F2). One the daemon had before
 * (a schedule that stops and starts firing again) still owes what it missed.
 */
import assert from "node:assert/strict";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

/** Waits (polling, no fixed delay) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 4000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(done(), what);
}

Deno.test("a schedule added while the daemon runs fires from its creation, not missed", async () => {
  const clock = new ManualClock(new Date("2026-12-02T10:00:00.500Z"));
  const store = new MemoryScheduleStore();
  const t = inProcessDaemon(clock, store, { endAtOnce: true });
  await t.daemon.start();
  try {
    // `weft schedule add` at 10:00:00.600; the daemon's next look is at 10:00:01.400.
    await clock.set(new Date("2026-12-02T10:00:00.600Z"));
    await store.add(testSchedule({
      name: "s",
      id: "new-one",
      cron: "* * * * * *",
      createdAt: clock.now().toISOString(),
    }));
    await clock.set(new Date("2026-12-02T10:00:01.400Z"));
    await t.daemon.reload(); // what the store poll does, on the manual clock
    await until(() => t.requests.length === 1, `the fire of 10:00:01 ran: ${t.lines.join("\n")}`);
    assert.equal(t.requests[0].trigger.type, "schedule");
    assert.equal(t.requests[0].trigger.scheduledFor, "2026-12-02T10:00:01+00:00");
  } finally {
    await t.daemon.stop(0);
  }
  const fires = await store.listFires("s");
  assert.deepEqual(fires.map((f) => [f.time, f.outcome]), [
    ["2026-12-02T10:00:01+00:00", "success"],
  ]);
  assert.equal(t.lines.filter((l) => /missed|owes/.test(l)).length, 0, t.lines.join("\n"));
});
