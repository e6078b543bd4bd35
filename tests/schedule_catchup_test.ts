/**
 * Catch-up windows (src/schedule/catchup.ts), due fires across schedules (due.ts),
 * paused schedules, workflow triggers as schedules (from_trigger.ts), and the
 * injected clock (clock.ts).
 */
import assert from "node:assert/strict";
import type { Schedule } from "../src/model/schedule.ts";
import { classifyMissed } from "../src/schedule/catchup.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { dueFires, nextWake } from "../src/schedule/due.ts";
import { schedulesFromWorkflow } from "../src/schedule/from_trigger.ts";
import { parseWorkflowSource } from "../src/parse/mod.ts";

function schedule(extra: Partial<Schedule> = {}): Schedule {
  return {
    name: "nightly",
    file: "/flows/backup.yml",
    cron: "0 2 * * *",
    tz: "Europe/Berlin",
    catchupMs: 6 * 3_600_000,
    overlap: "skip",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-11-01T00:00:00.000Z",
    lastFire: null,
    ...extra,
  };
}

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

Deno.test("catch-up: fires within the window run, older ones are missed", () => {
  // Down from Nov 27 12:00 UTC to Nov 30 05:00 UTC; 02:00 Berlin is 01:00 UTC.
  const result = classifyMissed(
    schedule(),
    new Date("2026-11-27T12:00:00Z"),
    new Date("2026-11-30T05:00:00Z"),
  );
  assert.deepEqual(iso(result.catchUp), ["2026-11-30T01:00:00.000Z"]);
  assert.deepEqual(iso(result.missed), ["2026-11-28T01:00:00.000Z", "2026-11-29T01:00:00.000Z"]);
});

Deno.test("catch-up: the window's edge runs, a millisecond older is missed, 0 means none", () => {
  const now = new Date("2026-11-30T07:00:00Z"); // exactly 6 h after 01:00 UTC
  assert.deepEqual(iso(classifyMissed(schedule(), new Date("2026-11-29T12:00:00Z"), now).catchUp), [
    "2026-11-30T01:00:00.000Z",
  ]);
  const later = new Date(now.getTime() + 1);
  const past = classifyMissed(schedule(), new Date("2026-11-29T12:00:00Z"), later);
  assert.deepEqual(past.catchUp, []);
  assert.deepEqual(iso(past.missed), ["2026-11-30T01:00:00.000Z"]);
  const off = classifyMissed(schedule({ catchupMs: 0 }), new Date("2026-11-29T12:00:00Z"), now);
  assert.deepEqual(off.catchUp, []);
  assert.equal(off.missed.length, 1);
});

Deno.test("catch-up of a */5 schedule: the last hour runs, the rest is missed", () => {
  const s = schedule({ cron: "*/5 * * * *", tz: "UTC", catchupMs: 3_600_000 });
  const r = classifyMissed(s, new Date("2026-11-30T00:00:00Z"), new Date("2026-11-30T03:00:00Z"));
  assert.equal(r.catchUp.length, 13, "03:00 back to 02:00, both ends in");
  assert.equal(r.missed.length, 23);
  assert.equal(r.catchUp[0].toISOString(), "2026-11-30T02:00:00.000Z");
});

Deno.test("a paused schedule owes nothing and is not due; resumed it is", () => {
  const paused = schedule({ paused: true });
  const since = new Date("2026-11-27T12:00:00Z");
  const now = new Date("2026-11-30T05:00:00Z");
  assert.deepEqual(classifyMissed(paused, since, now), { catchUp: [], missed: [] });
  assert.deepEqual(dueFires([paused], since, now), []);
  assert.equal(nextWake([paused], now), null);
  const active = { ...paused, paused: false };
  assert.equal(dueFires([active], since, now).length, 3);
  assert.equal(nextWake([active], now)?.toISOString(), "2026-12-01T01:00:00.000Z");
});

Deno.test("due fires across schedules come by time, then name; windows are (since, now]", () => {
  const a = schedule({ name: "b-every-30", cron: "*/30 * * * *", tz: "UTC" });
  const b = schedule({ name: "a-hourly", cron: "0 * * * *", tz: "UTC" });
  const due = dueFires([a, b], new Date("2026-11-30T10:00:00Z"), new Date("2026-11-30T11:00:00Z"));
  assert.deepEqual(due.map((d) => `${d.time.toISOString().slice(11, 16)} ${d.schedule.name}`), [
    "10:30 b-every-30",
    "11:00 a-hourly",
    "11:00 b-every-30",
  ]);
});

Deno.test("a workflow's schedule trigger becomes a Schedule with the same settings", () => {
  const source = JSON.stringify({
    name: "backup",
    trigger: {
      type: "manual|schedule",
      config: {
        schedule: "0 2 * * *",
        timezone: "Europe/Berlin",
        catchup: "6h",
        overlap: "queue",
        params: { keep: 7 },
      },
    },
    tasks: [{ id: "dump", type: "shell", command: "true" }],
  });
  const { workflow } = parseWorkflowSource(source, "/flows/backup.json");
  const now = new Date("2026-11-30T00:00:00Z");
  assert.deepEqual(schedulesFromWorkflow("/flows/backup.json", workflow!, now), [{
    name: "backup",
    file: "/flows/backup.json",
    cron: "0 2 * * *",
    tz: "Europe/Berlin",
    catchupMs: 6 * 3_600_000,
    overlap: "queue",
    params: { keep: "7" },
    paused: false,
    source: "file",
    createdAt: now.toISOString(),
    lastFire: null,
  }]);
});

Deno.test("ManualClock wakes sleepers in order as time moves, and never goes back", async () => {
  const clock = new ManualClock(new Date("2026-11-30T00:00:00Z"));
  const woke: string[] = [];
  const sleep = (ms: number, name: string) =>
    clock.sleep(ms).then(() => woke.push(`${name}@${clock.now().toISOString().slice(11, 19)}`));
  const all = Promise.all([sleep(3000, "c"), sleep(1000, "a"), sleep(2000, "b")]);
  await clock.advance(1500);
  assert.deepEqual(woke, ["a@00:00:01"]);
  await clock.advance(5000);
  await all;
  assert.deepEqual(woke, ["a@00:00:01", "b@00:00:02", "c@00:00:03"]);
  assert.equal(clock.now().toISOString(), "2026-11-30T00:00:06.500Z");
  await clock.set(new Date("2026-11-29T00:00:00Z"));
  assert.equal(clock.now().toISOString(), "2026-11-30T00:00:06.500Z");
  const stop = new AbortController();
  const pending = clock.sleep(60_000, stop.signal);
  assert.equal(clock.sleepers, 1);
  stop.abort();
  await pending;
  assert.equal(clock.sleepers, 0);
});
