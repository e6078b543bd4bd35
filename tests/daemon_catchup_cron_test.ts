/**
 * A real `weft daemon` killed (kill -9) in the middle of a catch-up chain, then the cron
 * replaced (`weft schedule add --replace`) before the next start: the chain's fires are
 * the old cron's, so the next start runs (or records) each of them once with that cron,
 * and the new cron owes only fires after the chain and the killed daemon's last fire —
 * none older than fires already run, none of the old ones left without a record. The
 * pending chain shows in `schedule list --json` (src/schedule/daemon_catchup.ts;
 * verifier V4 F4).
 */
import assert from "node:assert/strict";
import { inProcessDaemon } from "./_daemon_in_process.ts";
import { scheduledFlow, startDaemon } from "./_daemon.ts";
import { historyJson, weft } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { isUnstarted, type PendingCatchUp, type Schedule } from "../src/model/schedule.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { FireLoop } from "../src/schedule/daemon_fires.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pendingChain(home: string): Promise<PendingCatchUp | null> {
  const listed = await weft(["schedule", "list", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(listed.code, 0, listed.stderr);
  const [entry] = JSON.parse(listed.stdout) as { pending_catch_up: PendingCatchUp | null }[];
  assert.ok(entry && "pending_catch_up" in entry, listed.stdout);
  return entry.pending_catch_up;
}

/** Waits until schedule j's catch-up chain is off record (every fire of it handled). */
async function chainCleared(home: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const store = await openScheduleStore(home, { readOnly: true });
    const chain = (await store.get("j"))?.pendingCatchUp ?? null;
    store.close();
    if (chain === null) return;
    assert.ok(Date.now() < until, `the chain is still pending: ${JSON.stringify(chain)}`);
    await sleep(250);
  }
}

Deno.test("daemon killed mid catch-up chain, cron replaced before the restart: the chain's fires are the old cron's", async () => {
  // Each run outlasts a fire interval: the chain is still going when the live loop fires.
  const { dir, home, add } = await scheduledFlow("catchup-cron-", "sleep 1", "*/2 * * * * *");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  await first.waitFor(/daemon started/);
  assert.equal(await first.stop(), 0);
  await sleep(9000); // four or five fires owed
  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await second.waitFor(/run \S+ started \(catch-up/);
    await second.waitFor(/fire of \S+ skipped: its catch-up fires are still running/);
  } finally {
    await second.stop("SIGKILL");
  }

  const chain = await pendingChain(home);
  assert.ok(chain, "the killed daemon's chain is shown pending");
  assert.equal(chain.cron, "*/2 * * * * *");
  const replaced = await add("*/3 * * * * *", "--replace");
  assert.equal(replaced.code, 0, replaced.stderr);
  let store = await openScheduleStore(home, { readOnly: true });
  const before = await store.listFires("j");
  store.close();
  const newestBefore = Math.max(...before.map((f) => Date.parse(f.time)));
  // The chain keeps the cron that owed it; what that cron owed after it, up to the replace
  // (the killed daemon's last fire on), is owed with it too (schedule_store.ts replacing).
  const pending = await pendingChain(home);
  assert.deepEqual({ ...pending?.earlier?.[0], tz: undefined }, { ...chain, tz: undefined });
  assert.equal(pending?.cron, "*/2 * * * * *");
  assert.equal(Date.parse(pending!.after), Math.max(newestBefore, Date.parse(chain.through)));

  const third = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    // Live fires start runs again: skipped while a catch-up runs, one may start in the
    // moment between two (the next catch-up then waits for it: daemon_fire.ts), so the
    // chain is waited for on its own, until its record is cleared.
    await third.waitFor(/started \(schedule j /, { timeoutMs: 60_000 });
    await chainCleared(home, 60_000);
    assert.equal(await third.stop(), 0);
  } finally {
    await third.stop("SIGKILL");
  }

  store = await openScheduleStore(home, { readOnly: true });
  const fires = await store.listFires("j");
  store.close();
  const times = new Set(fires.map((f) => Date.parse(f.time)));
  // Every fire the old cron owed in the chain has a record: run, skipped or missed.
  const after = Date.parse(chain.after);
  const through = Date.parse(chain.through);
  for (let t = Math.floor(after / 2000) * 2000 + 2000; t <= through; t += 2000) {
    assert.ok(times.has(t), `old-cron fire ${new Date(t).toISOString()} has a record`);
  }
  // The new cron's fires (not the old one's) come after everything the killed daemon did.
  const edge = Math.max(through, newestBefore);
  for (const f of fires) {
    const t = Date.parse(f.time);
    if (t % 2000 !== 0) assert.ok(t > edge, `new-cron fire ${f.time} is after ${edge}`);
  }
  assert.deepEqual(fires.filter((f) => isUnstarted(f)), []);
  assert.equal(await pendingChain(home), null, "the chain is done");
  // Each catch-up fire ran, in time order, none twice.
  const runs = await historyJson<
    { startedAt: string; trigger?: { type: string; scheduledFor?: string } }
  >(home);
  const ranFor = runs.map((r) => r.trigger?.scheduledFor).filter((t) => t !== undefined);
  assert.equal(new Set(ranFor).size, ranFor.length, `a fire ran twice: ${ranFor.join(" ")}`);
  for (const fire of fires.filter((f) => f.trigger === "catch-up")) {
    assert.ok(ranFor.includes(fire.time), `catch-up fire ${fire.time} ran`);
  }
  // The catch-ups of both daemons ran in the order of their fires: none older than one run.
  const catchUps = runs
    .filter((r) => r.trigger?.type === "catch-up")
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .map((r) => Date.parse(r.trigger!.scheduledFor!));
  assert.ok(catchUps.length >= 4, JSON.stringify(runs));
  for (let i = 1; i < catchUps.length; i++) {
    assert.ok(catchUps[i] > catchUps[i - 1], `catch-ups out of order: ${catchUps.join(" ")}`);
  }
});

/** A schedule whose cron was replaced twice, each time after a daemon was killed mid-chain. */
function twiceReplaced(): Schedule {
  return {
    name: "j",
    file: "/nonexistent/flow.yml",
    cron: "15 * * * *",
    tz: "UTC",
    catchupMs: 2 * 3600_000,
    overlap: "skip",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-03-01T00:00:00.000Z",
    // The second killed daemon's live loop recorded a fire of its cron after its chain.
    lastFire: { time: "2026-03-01T09:10:00+00:00", outcome: "skipped", runId: null },
    pendingCatchUp: {
      after: "2026-03-01T07:45:00.000Z",
      through: "2026-03-01T09:00:00.000Z",
      cron: "30 * * * *",
      tz: "UTC",
      earlier: [{
        after: "2026-03-01T06:00:00.000Z",
        through: "2026-03-01T07:45:00.000Z",
        cron: "0 * * * *",
        tz: "UTC",
      }],
    },
  };
}

Deno.test("catch-up plan: chains of replaced crons are worked out with their own cron, kept until handled", () => {
  const loop = new FireLoop(new ManualClock(new Date("2026-03-01T10:00:00Z")));
  loop.setSchedules([twiceReplaced()]);
  const { fires, chainMissed, chains, missed } = loop.catchUp();
  // 07:00 (first cron) is past the 2 h window: missed; 08:30 (second cron) runs; the
  // current cron owes 09:15 only (after the chains and the last fire).
  assert.deepEqual(
    fires.map((f) => [f.time.toISOString().slice(11, 16), f.schedule.cron, !!f.replacedCron]),
    [["08:30", "30 * * * *", true], ["09:15", "15 * * * *", false]],
  );
  assert.deepEqual(missed, []);
  assert.deepEqual(
    chainMissed.map((m) => [m.schedule.cron, m.after.toISOString(), m.through.toISOString()]),
    [
      ["0 * * * *", "2026-03-01T06:00:00.000Z", "2026-03-01T07:45:00.000Z"],
      ["30 * * * *", "2026-03-01T07:45:00.000Z", "2026-03-01T07:59:59.999Z"],
    ],
  );
  assert.equal(chains.length, 1);
  assert.deepEqual(chains[0].span, {
    after: "2026-03-01T09:10:00.000Z",
    through: "2026-03-01T10:00:00.000Z",
    cron: "15 * * * *",
    tz: "UTC",
    earlier: [
      twiceReplaced().pendingCatchUp!.earlier![0],
      {
        after: "2026-03-01T07:45:00.000Z",
        through: "2026-03-01T09:00:00.000Z",
        cron: "30 * * * *",
        tz: "UTC",
      },
    ],
  });
});

Deno.test("daemon start: a replaced cron's chain is run and recorded once, then cleared", async () => {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const store = new MemoryScheduleStore();
  await store.add(twiceReplaced());
  // 08:30 was run by the killed daemon: it must not run again.
  await store.claimFire({
    schedule: "j",
    time: "2026-03-01T08:30:00+00:00",
    trigger: "catch-up",
    outcome: "interrupted",
    runId: "killed",
    firedAt: "2026-03-01T09:00:01.000Z",
  });
  const { daemon, requests } = inProcessDaemon(clock, store, { endAtOnce: true });
  await daemon.start();
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
  await daemon.stop(0);
  assert.deepEqual(
    requests.map((r) => `${r.trigger.type} ${r.trigger.scheduledFor}`),
    ["catch-up 2026-03-01T09:15:00+00:00"],
  );
  const fires = await store.listFires("j");
  assert.deepEqual(fires.map((f) => [f.time.slice(11, 16), f.trigger, f.outcome]), [
    ["07:00", "schedule", "missed"],
    ["08:30", "catch-up", "interrupted"],
    ["09:15", "catch-up", "success"],
  ]);
  assert.equal((await store.get("j"))?.pendingCatchUp ?? null, null);
});
