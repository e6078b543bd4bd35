/**
 * The schedule store (store/schedule_store.ts, kv_schedules.ts): the same contract in
 * memory and on Deno KV; fires claimed once even by two handles racing on one file.
 */
import assert from "node:assert/strict";
import { type FireRecord, type Schedule, scheduleInstance } from "../src/model/schedule.ts";
import { WeftError } from "../src/model/errors.ts";
import { MemoryScheduleStore, type ScheduleStore } from "../src/store/schedule_store.ts";
import { KvScheduleStore, openScheduleStore } from "../src/store/kv_schedules.ts";
import { testTempDir } from "./_tmp.ts";
import { weft } from "./_run_cli.ts";

function schedule(name: string, extra: Partial<Schedule> = {}): Schedule {
  return {
    name,
    file: "/flows/backup.yml",
    cron: "0 2 * * *",
    tz: "Europe/Berlin",
    catchupMs: 0,
    overlap: "skip",
    params: { target: "/srv" },
    paused: false,
    source: "cli",
    createdAt: "2026-11-01T00:00:00.000Z",
    lastFire: null,
    ...extra,
  };
}

function fire(name: string, time: string, extra: Partial<FireRecord> = {}): FireRecord {
  return {
    schedule: name,
    time,
    trigger: "schedule",
    outcome: "started",
    runId: null,
    firedAt: "2026-11-30T01:00:00.000Z",
    ...extra,
  };
}

async function contract(store: ScheduleStore) {
  await store.add(schedule("nightly"));
  await store.add(schedule("alpha", { tz: null }));
  await assert.rejects(() => store.add(schedule("nightly")), WeftError);
  assert.deepEqual((await store.list()).map((s) => s.name), ["alpha", "nightly"]);
  assert.equal((await store.get("nightly"))?.params.target, "/srv");
  assert.equal(await store.get("nope"), null);

  assert.equal(await store.setPaused("nightly", true), true);
  assert.equal((await store.get("nightly"))?.paused, true);
  assert.equal(await store.setPaused("nope", true), false);
  // Replacing keeps the paused state and the last fire.
  await store.add(schedule("nightly", { cron: "0 3 * * *" }), { replace: true });
  const replaced = await store.get("nightly");
  assert.equal(replaced?.cron, "0 3 * * *");
  assert.equal(replaced?.paused, true);

  const f1 = fire("nightly", "2026-11-29T02:00:00+01:00");
  assert.equal(await store.claimFire(f1), true);
  assert.equal(await store.claimFire({ ...f1, trigger: "backfill" }), false, "claimed once");
  // The same instant written with another offset is the same fire.
  assert.equal(await store.claimFire({ ...f1, time: "2026-11-29T01:00:00Z" }), false);
  await store.recordFire({ ...f1, outcome: "success", runId: "r1" });
  assert.deepEqual((await store.get("nightly"))?.lastFire, {
    time: "2026-11-29T02:00:00+01:00",
    outcome: "success",
    runId: "r1",
  });
  // An older fire does not become the last one.
  const older = fire("nightly", "2026-11-28T02:00:00+01:00", { outcome: "missed" });
  assert.equal(await store.claimFire(older), true);
  assert.equal((await store.get("nightly"))?.lastFire?.runId, "r1");
  // A missed fire may be taken over (a backfill runs it); a run one may not.
  assert.equal(
    await store.claimFire({ ...older, trigger: "backfill" }, { over: ["missed"] }),
    true,
  );
  assert.equal(await store.claimFire({ ...f1, trigger: "backfill" }, { over: ["missed"] }), false);

  const all = await store.listFires("nightly");
  assert.deepEqual(all.map((f) => f.time), [
    "2026-11-28T02:00:00+01:00",
    "2026-11-29T02:00:00+01:00",
  ]);
  const window = await store.listFires("nightly", {
    from: new Date("2026-11-29T01:00:00Z"),
    to: new Date("2026-11-30T00:00:00Z"),
  });
  assert.deepEqual(window.map((f) => f.outcome), ["success"]);

  assert.equal(await store.remove("nightly"), true);
  assert.equal(await store.remove("nightly"), false);
  assert.deepEqual(await store.listFires("nightly"), [], "fires go with their schedule");
  assert.deepEqual((await store.list()).map((s) => s.name), ["alpha"]);
}

Deno.test("MemoryScheduleStore keeps the contract", async () => {
  await contract(new MemoryScheduleStore());
});

Deno.test("KvScheduleStore keeps the contract, in the history store's file", async () => {
  const home = testTempDir("sched-");
  const store = await openScheduleStore(home);
  try {
    await contract(store);
  } finally {
    store.close();
  }
  const info = await Deno.stat(`${home}/weft.kv`);
  assert.equal((info.mode ?? 0) & 0o077, 0, "private file");
});

Deno.test("two handles racing for the same fires: each fire is claimed exactly once", async () => {
  const home = testTempDir("sched-race-");
  const a = await openScheduleStore(home);
  const b = new KvScheduleStore(await Deno.openKv(`${home}/weft.kv`), `${home}/schedule-secrets`);
  try {
    await a.add(schedule("race", { cron: "* * * * *", tz: "UTC" }));
    const times = Array.from(
      { length: 40 },
      (_, i) => new Date(Date.UTC(2026, 10, 30, 0, i)).toISOString(),
    );
    const results = await Promise.all(
      times.flatMap((t) => [a.claimFire(fire("race", t)), b.claimFire(fire("race", t))]),
    );
    for (let i = 0; i < times.length; i++) {
      assert.equal(Number(results[2 * i]) + Number(results[2 * i + 1]), 1, times[i]);
    }
    assert.equal((await b.listFires("race")).length, 40);
    assert.equal((await a.get("race"))?.lastFire?.time, times[39]);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("openScheduleStore read-only on an empty home creates nothing", async () => {
  const home = testTempDir("sched-ro-");
  const store = await openScheduleStore(`${home}/none`, { readOnly: true });
  assert.deepEqual(await store.list(), []);
  store.close();
  await assert.rejects(() => Deno.stat(`${home}/none`), Deno.errors.NotFound);
});

/** Fires recorded but not started are listed on their schedule until their run starts. */
async function unstartedContract(store: ScheduleStore) {
  await store.add(schedule("q", { tz: "UTC" }));
  const a = fire("q", "2026-11-29T02:00:00+00:00");
  const b = fire("q", "2026-11-29T03:00:00+00:00", { outcome: "queued" });
  assert.equal(await store.claimFire(a), true);
  assert.equal(await store.claimFire(b), true);
  assert.deepEqual((await store.get("q"))?.unstartedFires, [a.time, b.time]);
  await store.recordFire({ ...a, runId: "r1" });
  assert.deepEqual((await store.get("q"))?.unstartedFires, [b.time], "started: off the list");
  // Replacing the schedule (a SIGHUP of a file schedule) keeps the list.
  await store.add(schedule("q", { tz: "UTC", cron: "0 * * * *" }), { replace: true });
  assert.deepEqual((await store.get("q"))?.unstartedFires, [b.time]);
  // A daemon's start takes such a fire over; nothing else may.
  assert.equal(await store.claimFire({ ...b, trigger: "catch-up" }), false);
  assert.equal(await store.claimFire({ ...a, outcome: "missed" }, { unstarted: true }), false);
  assert.equal(await store.claimFire({ ...b, outcome: "missed" }, { unstarted: true }), true);
  assert.equal((await store.get("q"))?.unstartedFires, undefined, "none left: no field");
  // A backfill's own fires are never the daemon's.
  const c = fire("q", "2026-11-29T04:00:00+00:00", { trigger: "backfill" });
  assert.equal(await store.claimFire(c), true);
  assert.equal((await store.get("q"))?.unstartedFires, undefined);
}

Deno.test("both stores list a schedule's fires that never started, until they do", async () => {
  await unstartedContract(new MemoryScheduleStore());
  const store = await openScheduleStore(testTempDir("sched-"));
  try {
    await unstartedContract(store);
  } finally {
    store.close();
  }
});

Deno.test("a schedule stored with a wrong-case zone is read, listed and exported as tzdata spells it", async () => {
  const home = testTempDir();
  // Stored as weft stored `--tz america/new_york` before such names were refused on input.
  const store = await openScheduleStore(home);
  try {
    await store.add(schedule("ny", { tz: "america/new_york", params: {} }));
    assert.equal((await store.get("ny"))?.tz, "America/New_York");
    assert.deepEqual((await store.list()).map((s) => s.tz), ["America/New_York"]);
  } finally {
    store.close();
  }
  const memory = new MemoryScheduleStore();
  await memory.add(schedule("ny", { tz: "utc" }));
  assert.equal((await memory.get("ny"))?.tz, "UTC", "the same in memory");

  const env = { env: { WEFT_HOME: home } };
  const listed = await weft(["schedule", "list", "--json"], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(JSON.parse(listed.stdout)[0].tz, "America/New_York");
  // cron reads CRON_TZ=america/new_york as UTC, systemd refuses it: exported as spelled.
  const crontab = await weft(["schedule", "export", "--crontab"], env);
  assert.equal(crontab.code, 0, crontab.stderr);
  assert.match(crontab.stdout, /^CRON_TZ=America\/New_York$/m);
  assert.doesNotMatch(crontab.stdout, /america\/new_york/);
  const units = `${home}/units`;
  const systemd = await weft(["schedule", "export", "--systemd", units], env);
  assert.equal(systemd.code, 0, systemd.stderr);
  const timer = await Deno.readTextFile(`${units}/weft-ny.timer`);
  assert.match(timer, /^OnCalendar=\*-\*-\* 02:00:00 America\/New_York$/m);
});

/** A schedule's fires are its own: one removed and added again gets none of the old one's. */
async function instanceContract(store: ScheduleStore) {
  await store.add(schedule("s", { tz: "UTC" }));
  const first = (await store.get("s"))!;
  assert.ok(first.id, "an added schedule gets its own id");
  const old = fire("s", "2026-11-29T02:00:00+00:00", { scheduleId: scheduleInstance(first) });
  assert.equal(await store.claimFire(old), true);
  // A replace is the same schedule: its fires stay its own.
  await store.add(schedule("s", { tz: "UTC", cron: "0 * * * *" }), { replace: true });
  assert.equal((await store.get("s"))?.id, first.id);
  assert.equal(await store.recordFire({ ...old, runId: "r1" }), true);
  await store.remove("s");
  assert.equal(await store.recordFire({ ...old, outcome: "success" }), false, "removed");
  await store.add(schedule("s", { tz: "UTC", createdAt: "2026-11-30T00:00:00.000Z" }));
  const second = (await store.get("s"))!;
  assert.notEqual(second.id, first.id);
  assert.equal(await store.recordFire({ ...old, outcome: "success", runId: "r1" }), false);
  assert.equal(await store.claimFire({ ...old, time: "2026-11-29T03:00:00+00:00" }), false);
  assert.equal(second.lastFire, null);
  assert.equal((await store.get("s"))?.lastFire, null, "no last fire of the old one");
  assert.deepEqual(await store.listFires("s"), []);
  const own = { ...old, scheduleId: scheduleInstance(second) };
  assert.equal(await store.claimFire(own), true, "the time is free for the new one");
}

Deno.test("both stores keep a removed schedule's fires out of a new one of the same name", async () => {
  await instanceContract(new MemoryScheduleStore());
  const store = await openScheduleStore(testTempDir("sched-"));
  try {
    await instanceContract(store);
  } finally {
    store.close();
  }
});
