/**
 * A simulated day (src/schedule/due.ts, cron.ts, clock.ts, the schedule store): 100
 * schedules in five zones over the 25-hour day Europe/Berlin falls back, driven by an
 * injected clock that jumps by uneven steps. Every fire an independent minute-by-minute
 * oracle expects is claimed exactly once: 0 missed, 0 duplicated.
 */
import assert from "node:assert/strict";
import { Cron } from "croner";
import type { Schedule } from "../src/model/schedule.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { compileCron } from "../src/schedule/cron.ts";
import { dueFires, nextWake } from "../src/schedule/due.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

const ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata", "Australia/Lord_Howe"];
const EXPRESSIONS = [
  "* * * * *",
  "*/5 * * * *",
  "*/15 * * * *",
  "0 * * * *",
  "30 2 * * *",
  "0,30 2 * * *",
  "*/10 2 * * *",
  "15 */3 * * *",
  "0 0 * * *",
  "45 1-4 * * *",
  "0 9 * * SUN",
  "5 4 25 10 *",
  "0 12 L * *",
  "7 2,14 * * *",
  "*/7 * * * *",
  "0 0 1 * *",
  "20 2 * * SAT-SUN",
  "@hourly",
  "*/2 * * * *",
  "*/3 1-3 * * *",
];

const START = new Date("2026-10-24T21:00:00Z");
const END = new Date("2026-10-25T23:30:00Z");

/** 100 schedules: each expression in each zone; every 11th paused. */
function schedules(): Schedule[] {
  const out: Schedule[] = [];
  for (const cron of EXPRESSIONS) {
    for (const tz of ZONES) {
      out.push({
        name: `s${String(out.length).padStart(3, "0")}`,
        file: "/flows/x.yml",
        cron,
        tz,
        catchupMs: 0,
        overlap: "allow",
        params: {},
        paused: out.length % 11 === 10,
        source: "cli",
        createdAt: START.toISOString(),
        lastFire: null,
      });
    }
  }
  return out;
}

/** Local wall time of `t` in `zone` as a UTC Date with the same fields (Intl directly). */
function localFields(t: number, zone: string): Date {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("sv-SE", {
      timeZone: zone,
      hourCycle: "h23",
      dateStyle: "short",
      timeStyle: "medium",
    });
    formats.set(zone, f);
  }
  return new Date(f.format(t).replace(" ", "T") + "Z");
}
const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The oracle: each real minute whose local time matches fires; a fixed-time job
 * (cronie) fires a repeated local time only the first time. The day has no DST gap
 * in these zones, so no gap rule is needed here (cron tests cover gaps).
 */
function expected(s: Schedule): number[] {
  if (s.paused) return [];
  const matcher = new Cron(s.cron, { paused: true, timezone: "UTC" });
  const fixed = compileCron(s).fixed;
  const seen = new Set<number>();
  const out: number[] = [];
  for (let t = START.getTime() + 60_000; t <= END.getTime(); t += 60_000) {
    const wall = localFields(t, s.tz!);
    if (!matcher.match(wall)) continue;
    if (fixed && seen.has(wall.getTime())) continue;
    seen.add(wall.getTime());
    out.push(t);
  }
  return out;
}

/** A small deterministic PRNG (mulberry32), so every run steps the same way. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Claims a due fire as the daemon does when it starts its run at `firedAt`; false if claimed before. */
function claim(
  store: MemoryScheduleStore,
  due: { schedule: Schedule; time: Date },
  firedAt: Date,
): Promise<boolean> {
  return store.claimFire({
    schedule: due.schedule.name,
    time: due.time.toISOString(),
    trigger: "schedule",
    outcome: "started",
    runId: null,
    firedAt: firedAt.toISOString(),
  });
}

Deno.test("a simulated day: 100 schedules, 10,000+ fires, 0 missed, 0 duplicated", async () => {
  const all = schedules();
  const store = new MemoryScheduleStore();
  for (const s of all) await store.add(s);
  const clock = new ManualClock(START);
  const rand = random(42);
  let duplicates = 0;
  let claimed = 0;

  // The scheduler: sleep until the next fire (or a bounded nap), claim what is due.
  const stop = new AbortController();
  const loop = (async () => {
    let since = clock.now();
    while (!stop.signal.aborted) {
      const wake = nextWake(all, since);
      const nap = wake ? Math.max(0, wake.getTime() - clock.now().getTime()) : 60_000;
      await clock.sleep(Math.min(nap, 90_000), stop.signal);
      const now = clock.now();
      for (const due of dueFires(all, since, now)) {
        const ok = await claim(store, due, now);
        if (ok) claimed++;
        else duplicates++;
      }
      since = now;
    }
  })();

  // The world: time jumps by uneven steps, sometimes far (a stalled host).
  while (clock.now() < END) {
    const step = rand() < 0.02 ? 20 * 60_000 : Math.floor(rand() * 400_000) + 1;
    await clock.set(new Date(Math.min(clock.now().getTime() + step, END.getTime())));
  }
  await clock.set(END);
  stop.abort();
  await loop;

  let total = 0;
  let missed = 0;
  for (const s of all) {
    const want = expected(s);
    total += want.length;
    const got = (await store.listFires(s.name)).map((f) => Date.parse(f.time));
    const gotSet = new Set(got);
    missed += want.filter((t) => !gotSet.has(t)).length;
    assert.deepEqual(got, want, `${s.name} ${s.cron} ${s.tz}`);
  }
  assert.ok(total >= 10_000, `only ${total} fires`);
  assert.equal(claimed, total);
  assert.equal(missed, 0);
  assert.equal(duplicates, 0);

  // Replaying the day with overlapping windows claims nothing twice.
  let again = 0;
  for (let t = START.getTime(); t < END.getTime(); t += 3_600_000) {
    const from = new Date(t - 600_000);
    for (const due of dueFires(all, from, new Date(Math.min(t + 3_600_000, END.getTime())))) {
      const ok = await claim(store, due, new Date(t));
      if (ok && due.time > START) again++;
    }
  }
  assert.equal(again, 0);
});
