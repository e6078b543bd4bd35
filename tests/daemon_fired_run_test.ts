/**
 * A daemon killed after a fire's run was recorded but before the fire's record got the
 * run's id leaves the fire looking unstarted (`started`, no run id). The next start finds
 * the run in history by its trigger (src/store/fire_runs.ts) and gives the fire that run
 * and its outcome instead of running it a second time (src/schedule/daemon_fire.ts).
 * The moment is too short to hit with a kill, so the test makes the state it leaves: a
 * real daemon runs the fire, then the fire's record is put back as it was in that moment.
 */
import assert from "node:assert/strict";
import { scheduledFlow, startDaemon } from "./_daemon.ts";
import { historyJson } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { isUnstarted } from "../src/model/schedule.ts";

Deno.test("a fire whose run started before the daemon was killed is not run again by the next start", async () => {
  const { dir, home } = await scheduledFlow("fired-run-", "'true'", "*/2 * * * * *");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  let runId: string;
  try {
    const started = await first.waitFor(/run (\S+) started \(schedule j /);
    runId = started.match(/run (\S+) started/)![1];
    await first.waitFor(new RegExp(`run ${runId} ended`));
  } finally {
    assert.equal(await first.stop(), 0);
  }

  // The fire's record as the killed daemon would have left it: claimed, run id not yet written.
  let store = await openScheduleStore(home);
  const fire = (await store.listFires("j")).find((f) => f.runId === runId);
  assert.ok(fire, `the fire of run ${runId} is recorded`);
  await store.recordFire({ ...fire, outcome: "started", runId: null });
  assert.deepEqual((await store.get("j"))?.unstartedFires, [fire.time]);
  store.close();

  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await second.waitFor(
      new RegExp(`fire of \\S+ had started run ${runId} \\(success\\) .*not run again`),
    );
    // A later catch-up or live fire ran: the start went past the fire it did not repeat.
    await second.waitFor(/run \S+ started \((catch-up|schedule) j /);
  } finally {
    assert.equal(await second.stop(), 0);
  }

  store = await openScheduleStore(home, { readOnly: true });
  const after = (await store.listFires("j")).find((f) => f.time === fire.time);
  const schedule = await store.get("j");
  store.close();
  assert.deepEqual(
    { outcome: after?.outcome, runId: after?.runId },
    { outcome: "success", runId },
  );
  assert.ok(after && !isUnstarted(after));
  assert.equal(schedule?.unstartedFires, undefined);
  const runs = await historyJson<{ id: string; trigger?: { scheduledFor?: string } }>(home);
  const ranFor = runs.filter((r) => r.trigger?.scheduledFor === fire.time).map((r) => r.id);
  assert.deepEqual(ranFor, [runId], "the fire ran once");
});
