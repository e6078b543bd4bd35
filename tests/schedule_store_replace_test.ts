/**
 * A schedule's cron replaced (`weft schedule add --replace`) while no daemon ran
 * (src/store/schedule_store.ts replacing): the fires missed before the replace are the
 * old cron's — as the schedule was when each was due — and the new cron owes only fires
 * after the replace. Through the real CLI and a real `weft daemon` (tester fsched F2:
 * the new cron was counted from the last fire, so the old cron's fires were lost without
 * a record and the new one's, never due, ran in their place).
 */
import assert from "node:assert/strict";
import { scheduledFlow, startDaemon } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import type { Schedule } from "../src/model/schedule.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EVEN = "*/2 * * * * *";
const ODD = "1-59/2 * * * * *";

Deno.test("fires missed across a cron replaced while the daemon was down: each from the cron in force at its time", async () => {
  const { dir, home, add } = await scheduledFlow("replace-down-", "true", EVEN);
  const env = { WEFT_HOME: home };
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await first.waitFor(/run \S+ ended success/);
    assert.equal(await first.stop(), 0);
  } finally {
    await first.stop("SIGKILL");
  }
  await sleep(4500); // two or three even seconds owed
  const replaced = await add(ODD, "--replace");
  assert.equal(replaced.code, 0, replaced.stderr);
  const [entry] = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
  // What the old cron owes up to the replace is on record with that cron.
  assert.equal(entry.cron, ODD);
  assert.equal(entry.pending_catch_up?.cron, EVEN, JSON.stringify(entry));
  const replacedAt = Date.parse(entry.pending_catch_up.through);
  const lastBefore = Date.parse(entry.last_fire.time);
  await sleep(3500); // a few odd seconds owed by the new cron

  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await second.waitFor(/daemon started/);
    // Every catch-up ran once the chain is cleared.
    for (let i = 0; i < 100; i++) {
      const [now] = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
      if (now.pending_catch_up === null) break;
      await sleep(200);
    }
    assert.equal(await second.stop(), 0);
  } finally {
    await second.stop("SIGKILL");
  }
  const store = await openScheduleStore(home, { readOnly: true });
  let fires;
  try {
    fires = (await store.listFires("j")).filter((f) => Date.parse(f.time) > lastBefore);
  } finally {
    store.close();
  }
  const catchUps = fires.filter((f) => f.trigger === "catch-up").map((f) => Date.parse(f.time));
  const seconds = (t: number) => new Date(t).getUTCSeconds();
  const before = catchUps.filter((t) => t <= replacedAt);
  const after = catchUps.filter((t) => t > replacedAt);
  assert.ok(before.length >= 2, JSON.stringify(fires));
  assert.ok(after.length >= 1, JSON.stringify(fires));
  // Before the replace the old cron's (even seconds), after it the new one's (odd).
  assert.ok(before.every((t) => seconds(t) % 2 === 0), JSON.stringify(fires));
  assert.ok(after.every((t) => seconds(t) % 2 === 1), JSON.stringify(fires));
  // Each even second from the last fire to the replace ran once: none lost, none twice.
  const expected: number[] = [];
  for (let t = lastBefore + 2000; t <= replacedAt; t += 2000) expected.push(t);
  assert.deepEqual(before, expected);
  assert.equal(new Set(catchUps).size, catchUps.length);
  for (const f of fires.filter((f) => f.trigger === "catch-up")) {
    assert.equal(f.outcome, "success", JSON.stringify(f));
  }
});

/** A schedule `s` as the store keeps it, last fired at `last`. */
function stored(cron: string, last: string, over: Partial<Schedule> = {}): Schedule {
  return {
    name: "s",
    file: "/w/s.yml",
    cron,
    tz: "UTC",
    catchupMs: 3_600_000,
    overlap: "skip",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-01-01T00:00:00.000Z",
    lastFire: { time: last, outcome: "success", runId: "r" },
    ...over,
  };
}

Deno.test("a replace that keeps the cron and zone, or of a paused schedule, owes nothing of the old cron", async () => {
  const last = "2026-01-01T10:00:00+00:00";
  for (const over of [{}, { paused: true }]) {
    const store = new MemoryScheduleStore();
    await store.add(stored("0 * * * *", last, over));
    const same = over.paused ? "30 * * * *" : "0 * * * *";
    await store.add({ ...stored(same, last), params: { a: "1" } }, { replace: true });
    assert.equal((await store.get("s"))?.pendingCatchUp, undefined, JSON.stringify(over));
  }
});

Deno.test("a cron replaced twice before a start: each old cron owes only its own time, oldest first", async () => {
  const store = new MemoryScheduleStore();
  await store.add(stored("0 * * * *", "2026-01-01T10:00:00+00:00"));
  await store.add(stored("30 * * * *", "2026-01-01T10:00:00+00:00"), { replace: true });
  const first = (await store.get("s"))!.pendingCatchUp!;
  assert.equal(first.cron, "0 * * * *");
  assert.equal(first.after, "2026-01-01T10:00:00.000Z");
  // A replace in the same millisecond would owe nothing of the second cron (an empty span).
  await sleep(5);
  await store.add(stored("15 * * * *", "2026-01-01T10:00:00+00:00"), { replace: true });
  const chain = (await store.get("s"))!.pendingCatchUp!;
  assert.equal(chain.cron, "30 * * * *");
  // The second starts where the first ended: no time owed by both.
  assert.equal(chain.after, first.through);
  assert.deepEqual(chain.earlier, [first]);
});
