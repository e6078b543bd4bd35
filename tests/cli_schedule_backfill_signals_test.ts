/**
 * `weft schedule backfill` stopped by Ctrl-C or SIGTERM (src/cli/schedule_backfill.ts): it
 * stops as `weft run` does — no more fires start, the running runs' tasks get SIGTERM
 * (their process groups end), the runs are recorded `cancelled`, weft exits 130 — where
 * it used to die at once, its tasks left running and its runs read `interrupted` later.
 * Fires not started stay unrecorded, and a later backfill runs them and the cancelled ones.
 */
import assert from "node:assert/strict";
import { historyJson, processesInGroup, startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = new URL("./fixtures/backfill_signals/waits.yml", import.meta.url).pathname;

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`backfill stopped by ${signal}: runs cancelled, their tasks ended, exit 130`, async () => {
    const home = testTempDir("home-");
    const dir = testTempDir("pids-");
    const env = { WEFT_HOME: home };
    const schedule = ["--cron", "0 3 * * *", "--tz", "UTC", "--name", "nightly"];
    const added = await weft(["schedule", "add", FLOW, ...schedule, "-p", `dir=${dir}`], { env });
    assert.equal(added.code, 0, added.stderr);
    const window = ["--from", "2026-11-01", "--to", "2026-11-04"];
    const backfill = startWeft(
      ["schedule", "backfill", "nightly", ...window, "--max-parallel", "2"],
      env,
    );
    // Both first fires' tasks are running (their pids written) before the signal.
    const pids = await Promise.all(
      ["2026-11-01", "2026-11-02"].map(async (day) =>
        Number(await waitForFile(`${dir}/${day}.pid`))
      ),
    );
    backfill.child.kill(signal);
    const { code, stderr } = await backfill.finish();

    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping… \(Ctrl-C again to kill\)/);
    assert.match(stderr, /2026-11-01T03:00:00\+00:00 {2}run \S+ cancelled/);
    assert.match(
      stderr,
      /backfill nightly: 2 runs \(2 not successful\), 0 already ran, 2 not started; stopped/,
    );
    for (const pid of pids) assert.deepEqual(processesInGroup(pid), [], `task group ${pid} ended`);
    const runs = await historyJson<{ status: string; trigger: { type: string } }>(home);
    assert.deepEqual(runs.map((r) => [r.status, r.trigger.type]), [
      ["cancelled", "backfill"],
      ["cancelled", "backfill"],
    ]);
    // No fire after the stop started: the 3rd and 4th ran no task.
    assert.throws(() => Deno.statSync(`${dir}/2026-11-03.pid`), Deno.errors.NotFound);

    // The cancelled fires and those not started are all a later backfill's to run.
    const dry = await weft(["schedule", "backfill", "nightly", ...window, "--dry-run"], { env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /4 of 4 fires of nightly would run/);
  });
}
