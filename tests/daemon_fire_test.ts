/**
 * Schedule fires offered to the run slots (src/schedule/daemon_fire.ts through the daemon
 * of src/schedule/daemon.ts, on a manual clock): a catch-up of many fires under `allow`
 * with every run slot taken keeps a bounded wait, and each fire left out is logged and
 * recorded skipped, never held in memory without end.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../src/schedule/clock.ts";
import { Daemon, type LaunchRequest } from "../src/schedule/daemon.ts";
import { MAX_WAITING_PER_TARGET } from "../src/schedule/daemon_slots.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

Deno.test("a catch-up of 60 fires under allow with one slot: one runs, 16 wait, the 43 others are logged and recorded skipped", async () => {
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
  const lines: string[] = [];
  const daemon = new Daemon({
    dirs: [],
    cwd: "/",
    maxRuns: 1,
    clock,
    store,
    load: () => Promise.reject(new Error("no files in this test")),
    // Runs that end only when cancelled: the one slot stays taken.
    launch: (request) => {
      requests.push(request);
      const end = Promise.withResolvers<{ status: string }>();
      return Promise.resolve({
        runId: `run-${requests.length}`,
        done: end.promise,
        cancel: () => end.resolve({ status: "cancelled" }),
      });
    },
    log: (l) => lines.push(l),
  });
  await daemon.start();
  const skippedLine =
    /schedule sec: fire of .* skipped: 16 fires already wait for a free run slot \(--max-runs 1\)/;
  for (let i = 0; i < 10_000 && lines.filter((l) => skippedLine.test(l)).length < 43; i++) {
    await new Promise((r) => setTimeout(r, 1));
  }
  const fires = await store.listFires("sec");
  assert.equal(fires.length, 60, "00:09:01 to 00:10:00");
  assert.equal(
    fires.filter((f) => f.outcome === "skipped").length,
    60 - 1 - MAX_WAITING_PER_TARGET,
  );
  assert.equal(lines.filter((l) => skippedLine.test(l)).length, 60 - 1 - MAX_WAITING_PER_TARGET);
  assert.equal(requests.length, 1);
  // The oldest fires are the ones kept: the first runs, the next 16 wait.
  assert.equal(fires[0].outcome, "started");
  assert.ok(fires.slice(1, 1 + MAX_WAITING_PER_TARGET).every((f) => f.outcome !== "skipped"));
  await daemon.stop(0);
});
