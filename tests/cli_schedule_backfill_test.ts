/**
 * `weft schedule backfill` (src/cli/schedule_backfill.ts): a date alone in `--to` is the
 * whole of that day, in the schedule's zone, as the README's own example means.
 */
import assert from "node:assert/strict";
import { startWeft, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const BACKUP = new URL("./fixtures/schedule/backup.yml", import.meta.url).pathname;

async function dryRun(tz: string, cron: string, from: string, to: string) {
  const env = { WEFT_HOME: testTempDir("home-") };
  const added = await weft(["schedule", "add", BACKUP, "--cron", cron, "--tz", tz], { env });
  assert.equal(added.code, 0, added.stderr);
  const r = await weft(
    ["schedule", "backfill", "backup", "--from", from, "--to", to, "--dry-run"],
    {
      env,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split("\n").map((l) => l.replace(/\s+would run$/, ""));
}

Deno.test("backfill: --to DATE includes that day's fires, in the schedule's zone", async () => {
  const week = await dryRun("Europe/Berlin", "0 2 * * *", "2026-11-01", "2026-11-07");
  assert.equal(week.length, 7);
  assert.equal(week[0], "2026-11-01T02:00:00+01:00");
  assert.equal(week[6], "2026-11-07T02:00:00+01:00");
  // The last minute of the day is in; the next day's midnight is not.
  const late = await dryRun("America/New_York", "59 23,0 * * *", "2026-11-06", "2026-11-07");
  assert.deepEqual(late, [
    "2026-11-06T00:59:00-05:00",
    "2026-11-06T23:59:00-05:00",
    "2026-11-07T00:59:00-05:00",
    "2026-11-07T23:59:00-05:00",
  ]);
  // A time given stays exact.
  const timed = await dryRun("UTC", "0 2 * * *", "2026-11-01", "2026-11-03T02:00");
  assert.deepEqual(timed, [
    "2026-11-01T02:00:00+00:00",
    "2026-11-02T02:00:00+00:00",
    "2026-11-03T02:00:00+00:00",
  ]);
  const before = await dryRun("UTC", "0 2 * * *", "2026-11-01", "2026-11-03T01:59");
  assert.equal(before.length, 2);

  // Today alone in --to: up to now, not "in the future".
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const upToNow = await dryRun("UTC", "0 0 * * *", yesterday, today);
  assert.deepEqual(upToNow, [`${yesterday}T00:00:00+00:00`, `${today}T00:00:00+00:00`]);
});

Deno.test("backfill: a fire whose backfill was killed is settled interrupted and run again", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const gate = `${testTempDir("gate-")}/open`;
  const flow = new URL("./fixtures/backfill/gated.yml", import.meta.url).pathname;
  const added = await weft(
    [
      "schedule",
      "add",
      flow,
      "--cron",
      "0 3 * * *",
      "--tz",
      "UTC",
      "--name",
      "nightly",
      "-p",
      `gate=${gate}`,
    ],
    { env },
  );
  assert.equal(added.code, 0, added.stderr);
  const window = ["--from", "2026-11-01", "--to", "2026-11-02"];
  const killed = startWeft(
    ["schedule", "backfill", "nightly", ...window, "--max-parallel", "1"],
    env,
  );
  await killed.stderrIncludes("2026-11-01T03:00:00+00:00  run ");
  killed.child.kill("SIGKILL");
  await killed.finish();

  // Before anything settles it, `schedule list` shows the fire's run's end (verify N6).
  const listed = await weft(["schedule", "list", "--json"], { env });
  assert.equal(listed.code, 0, listed.stderr);
  const [entry] = JSON.parse(listed.stdout);
  assert.deepEqual([entry.last_fire.time, entry.last_fire.outcome], [
    "2026-11-01T03:00:00+00:00",
    "interrupted",
  ]);
  const human = await weft(["schedule", "list"], { env });
  assert.match(human.stdout, /2026-11-01T03:00:00\+00:00 interrupted {2}run /);
  assert.doesNotMatch(human.stdout, /started/);

  const dry = await weft(["schedule", "backfill", "nightly", ...window, "--dry-run"], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^2026-11-01T03:00:00\+00:00 {2}would run$/m);
  assert.match(dry.stderr, /2 of 2 fires of nightly would run/);

  Deno.writeTextFileSync(gate, "");
  const again = await weft(["schedule", "backfill", "nightly", ...window], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /backfill nightly: 2 runs \(0 not successful\), 0 already ran/);
  const list = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
  assert.equal(list[0].last_fire.outcome, "success");
});

Deno.test("backfill: a fire another process runs after the plan is said and counted, not dropped", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const gate = `${testTempDir("gate-")}/open`;
  const flow = new URL("./fixtures/backfill/gated.yml", import.meta.url).pathname;
  const added = await weft(
    ["schedule", "add", flow, "--cron", "0 3 * * *", "--tz", "UTC", "--name", "nightly"]
      .concat(["-p", `gate=${gate}`]),
    { env },
  );
  assert.equal(added.code, 0, added.stderr);
  // The first backfill plans three fires and waits in the first one's run...
  const first = startWeft(
    ["schedule", "backfill", "nightly", "--from", "2026-11-01", "--to", "2026-11-03"]
      .concat(["--max-parallel", "1"]),
    env,
  );
  await first.stderrIncludes("2026-11-01T03:00:00+00:00  run ");
  // ...while another process (as a daemon catching up would) takes the second.
  const second = startWeft(
    ["schedule", "backfill", "nightly", "--from", "2026-11-02", "--to", "2026-11-02T03:00"],
    env,
  );
  await second.stderrIncludes("2026-11-02T03:00:00+00:00  run ");
  Deno.writeTextFileSync(gate, "");
  const [a, b] = await Promise.all([first.finish(), second.finish()]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(a.code, 0, a.stderr);
  assert.match(
    a.stderr,
    /^2026-11-02T03:00:00\+00:00 {2}run by another process meanwhile \(backfill, \w+, run \S+\); not run again$/m,
  );
  assert.match(
    a.stderr,
    /backfill nightly: 2 runs \(0 not successful\), 0 already ran, 1 run by another process meanwhile$/m,
  );
});
