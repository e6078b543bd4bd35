/**
 * Schedule fires offered to the run slots (src/schedule/daemon_fire.ts through the daemon
 * of src/schedule/daemon.ts, on a manual clock): a catch-up of many fires under `allow`
 * with every run slot taken runs them one after another, each claimed when its turn
 * comes: none skipped, none held in memory waiting.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../src/schedule/clock.ts";
import { Daemon, type LaunchRequest } from "../src/schedule/daemon.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

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
  const requests: LaunchRequest[] = [];
  const enders: Array<() => void> = [];
  const lines: string[] = [];
  const daemon = new Daemon({
    dirs: [],
    cwd: "/",
    maxRuns: 1,
    clock,
    store,
    load: () => Promise.reject(new Error("no files in this test")),
    // Runs that end when the test ends them (or when cancelled).
    launch: (request) => {
      requests.push(request);
      const end = Promise.withResolvers<{ status: string }>();
      enders.push(() => end.resolve({ status: "success" }));
      return Promise.resolve({
        runId: `run-${requests.length}`,
        done: end.promise,
        cancel: () => end.resolve({ status: "cancelled" }),
      });
    },
    log: (l) => lines.push(l),
  });
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
