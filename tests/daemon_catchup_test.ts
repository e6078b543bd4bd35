/**
 * A real `weft daemon` killed (kill -9) in the middle of a catch-up chain, after its live
 * loop recorded a newer fire: the next start still accounts for every fire owed — each
 * one run (or recorded) once, none run twice, none left out — as the chain was on record
 * before it ran (Schedule.pendingCatchUp, src/schedule/daemon_catchup.ts; verifier V2 F7).
 */
import assert from "node:assert/strict";
import { scheduledFlow, startDaemon } from "./_daemon.ts";
import { historyJson } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { isUnstarted } from "../src/model/schedule.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("daemon killed mid catch-up chain: the next start runs each fire it had not reached, once", async () => {
  // Each run outlasts a fire interval: the chain is still going when the live loop fires.
  const { dir, home } = await scheduledFlow("catchup-kill-", "sleep 1", "*/2 * * * * *");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  await first.waitFor(/daemon started/);
  assert.equal(await first.stop(), 0);
  await sleep(9000); // four or five fires owed
  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await second.waitFor(/run \S+ started \(catch-up/);
    // The live loop records a newer fire (skipped: the chain's run is still going), which
    // moves the schedule's last fire past the chain's fires not reached yet.
    await second.waitFor(/fire of \S+ skipped: its catch-up fires are still running/);
  } finally {
    await second.stop("SIGKILL");
  }
  const third = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    // A live fire starts a run once its catch-up chain is over (until then it is skipped).
    await third.waitFor(/started \(schedule j /, { timeoutMs: 60_000 });
    assert.equal(await third.stop(), 0);
  } finally {
    await third.stop("SIGKILL");
  }
  // The fires the killed daemon had not reached are the third's catch-ups.
  assert.ok(third.count(/started \(catch-up/) >= 1, third.lines.join("\n"));

  const store = await openScheduleStore(home, { readOnly: true });
  const fires = await store.listFires("j");
  const schedule = await store.get("j");
  store.close();
  // Every fire from the first one to the last has a record: none was left out, and none
  // still says it waits.
  const times = fires.map((f) => Date.parse(f.time));
  for (let i = 1; i < times.length; i++) {
    assert.equal(
      times[i] - times[i - 1],
      2000,
      `no record between ${fires[i - 1].time} and ${fires[i].time}`,
    );
  }
  assert.deepEqual(fires.filter((f) => isUnstarted(f)), []);
  assert.equal(schedule?.pendingCatchUp ?? null, null, "the chain is done");
  // Each catch-up fire ran; none ran twice.
  const runs = await historyJson<{ trigger?: { type: string; scheduledFor?: string } }>(home);
  const ranFor = runs.map((r) => r.trigger?.scheduledFor).filter((t) => t !== undefined);
  assert.equal(new Set(ranFor).size, ranFor.length, `a fire ran twice: ${ranFor.join(" ")}`);
  for (const fire of fires.filter((f) => f.trigger === "catch-up")) {
    assert.ok(ranFor.includes(fire.time), `catch-up fire ${fire.time} ran`);
  }
  assert.ok(fires.filter((f) => f.trigger === "catch-up").length >= 4, JSON.stringify(fires));
});
