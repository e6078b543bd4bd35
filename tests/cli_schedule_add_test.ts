/**
 * `weft schedule add` through the real CLI (src/cli/schedule_manage.ts): every schedule
 * trigger of a file (or the one --name names), zones spelled as tzdata spells them, the
 * zone of the caller's clock stored when none is given, and a resumed fire that keeps its
 * `${schedule.time}` and takes the resumed run's outcome (tester16 F4, F5, F6, F7).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIX = new URL("./fixtures/schedule_add/", import.meta.url).pathname;
const TWO = `${FIX}two.yml`;
const BACKUP = new URL("./fixtures/schedule/backup.yml", import.meta.url).pathname;

function home() {
  return { WEFT_HOME: testTempDir("sched-add-") };
}

async function listed(env: Record<string, string>) {
  const r = await weft(["schedule", "list", "--json"], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    name: string;
    cron: string;
    tz: string | null;
    zone: string;
    next: string[];
    last_fire: { time: string; outcome: string; run_id: string } | null;
  }[];
}

Deno.test("schedule add FILE adds every schedule trigger; --name picks one or is refused", async () => {
  const env = home();
  const picked = await weft(["schedule", "add", TWO, "--name", "afternoon"], { env });
  assert.equal(picked.code, 0, picked.stderr);
  assert.match(picked.stderr, /added schedule afternoon: 0 14 \* \* \*/);
  assert.deepEqual((await listed(env)).map((s) => [s.name, s.cron]), [["afternoon", "0 14 * * *"]]);

  for (
    const [name, hint] of [["evening", /name one of them \(nightly, afternoon\)/], [
      "nightly2",
      /did you mean "nightly"/,
    ]] as const
  ) {
    const r = await weft(["schedule", "add", TWO, "--name", name], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`--name "${name}": .*two\\.yml has 2 schedule triggers`));
    assert.match(r.stderr, hint);
  }
  // All or none: afternoon is taken, so nightly is not added either.
  const taken = await weft(["schedule", "add", TWO], { env });
  assert.equal(taken.code, 2);
  assert.match(taken.stderr, /a schedule named "afternoon" already exists/);
  assert.equal((await listed(env)).length, 1);

  const all = await weft(["schedule", "add", TWO, "--replace"], { env });
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(
    (await listed(env)).map((s) => [s.name, s.cron, s.tz]).sort(),
    [["afternoon", "0 14 * * *", "UTC"], ["nightly", "0 2 * * *", "Europe/Berlin"]],
  );

  // A file with one trigger: --name names the schedule made from it (as before).
  const env2 = home();
  const renamed = await weft(["schedule", "add", BACKUP, "--name", "other"], { env: env2 });
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.deepEqual((await listed(env2)).map((s) => [s.name, s.cron]), [["other", "30 2 * * *"]]);
});

Deno.test("a zone must be spelled as tzdata spells it: --tz, a trigger's timezone, validate", async () => {
  const env = home();
  const cases = [["america/new_york", "America/New_York"], ["us/eastern", "US/Eastern"], [
    "utc",
    "UTC",
  ]];
  for (const [typed, right] of cases) {
    const r = await weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *", "--tz", typed], {
      env,
    });
    assert.equal(r.code, 2, typed);
    assert.match(
      r.stderr,
      new RegExp(`--tz: unknown time zone "${typed}": zone names are case-sensitive`),
    );
    assert.match(r.stderr, new RegExp(`did you mean "${right}"\\?`));
  }
  for (const good of ["US/Eastern", "Etc/GMT-5", "Asia/Calcutta"]) {
    const r = await weft([
      "schedule",
      "add",
      BACKUP,
      "--cron",
      "0 2 * * *",
      "--tz",
      good,
      "--name",
      good.replace(/\W/g, ""),
    ], { env });
    assert.equal(r.code, 0, r.stderr);
  }
  const v = await weft(["validate", `${FIX}zone_case.yml`], { env });
  assert.equal(v.code, 2);
  assert.match(
    v.stderr,
    /zone_case\.yml:6:15: trigger\.config\.timezone: unknown time zone "europe\/berlin"/,
  );
  assert.match(v.stderr, /did you mean "Europe\/Berlin"\?/);
  const added = await weft(["schedule", "add", `${FIX}zone_case.yml`], { env });
  assert.equal(added.code, 2);
});

Deno.test("schedule add without --tz stores the caller's zone: list and export agree", async () => {
  const env = home();
  const r = await weft(["schedule", "add", BACKUP, "--cron", "0 5 * * *", "--name", "tokyo"], {
    env: { ...env, TZ: "Asia/Tokyo" },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /added schedule tokyo: 0 5 \* \* \* \(Asia\/Tokyo\)/);
  // Read from a shell in another zone: the stored zone, not that shell's.
  const [s] = await listed({ ...env, TZ: "UTC" });
  assert.equal(s.tz, "Asia/Tokyo");
  assert.equal(s.zone, "Asia/Tokyo");
  assert.match(s.next[0], /T05:00:00\+09:00$/);
  const cron = await weft(["schedule", "export", "--crontab"], { env: { ...env, TZ: "UTC" } });
  assert.match(cron.stdout, /^CRON_TZ=Asia\/Tokyo\n# tokyo\n0 5 \* \* \* /m);
  // A file trigger without `timezone` likewise (two.yml's afternoon).
  const fromFile = await weft(["schedule", "add", TWO, "--name", "afternoon"], {
    env: { ...env, TZ: "America/New_York" },
  });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  const after = (await listed(env)).find((x) => x.name === "afternoon")!;
  assert.equal(after.tz, "America/New_York");
});

Deno.test("--resume of a backfilled fire keeps ${schedule.time} and records the fire's new outcome", async () => {
  const env = { ...home(), OK_FLAG: join(testTempDir("flag-"), "ok") };
  const file = `${FIX}resume.yml`;
  const add = await weft(
    ["schedule", "add", file, "--cron", "0 2 * * *", "--tz", "Europe/Berlin"],
    { env },
  );
  assert.equal(add.code, 0, add.stderr);
  const backfill = () =>
    weft(["schedule", "backfill", "nightly", "--from", "2026-11-21", "--to", "2026-11-21"], {
      env,
    });
  assert.equal((await backfill()).code, 1);
  const fire = "2026-11-21T02:00:00+01:00";
  const lastRun = async () => JSON.parse((await weft(["history", "--json"], { env })).stdout)[0];
  const first = await lastRun();
  assert.equal((await listed(env))[0].last_fire!.outcome, "failed");

  // Resumed and failing again: the fire names the new run, still failed.
  const again = await weft(["run", file, "--resume", first.id], { env });
  assert.equal(again.code, 1);
  const second = await lastRun();
  assert.deepEqual(second.trigger, { type: "resume", scheduledFor: fire, schedule: "nightly" });
  assert.deepEqual((await listed(env))[0].last_fire, {
    time: fire,
    outcome: "failed",
    run_id: second.id,
  });

  // Resumed (a resume of a resume) and succeeding: the task run again reads the fire's time.
  await Deno.writeTextFile(env.OK_FLAG, "");
  const done = await weft(["run", file, "--resume", second.id, "-v"], { env });
  assert.equal(done.code, 0, done.stderr);
  assert.match(
    done.stdout + done.stderr,
    new RegExp(`upload ${fire.replace("+", "\\+")} nightly resume`),
  );
  const third = await lastRun();
  assert.deepEqual((await listed(env))[0].last_fire, {
    time: fire,
    outcome: "success",
    run_id: third.id,
  });
  const table = await weft(["history"], { env });
  assert.match(table.stdout, new RegExp(`resume for ${fire.replace("+", "\\+")}`));
  // The fire is done: a backfill of that day does not run it again.
  const later = await backfill();
  assert.equal(later.code, 0, later.stderr);
  assert.match(later.stderr, /0 runs .*1 already ran/);
});

Deno.test("schedule add without --tz reads TZ as date does: a zoneinfo path is its zone, a POSIX rule is refused with the fix", async () => {
  const home = testTempDir("home-");
  const add = (tz: string, name: string) =>
    weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *", "--name", name], {
      env: { WEFT_HOME: home, TZ: tz },
    });
  for (
    const [tz, name] of [["/usr/share/zoneinfo/Europe/Berlin", "path"], [":Europe/Berlin", "colon"]]
  ) {
    if (tz.startsWith("/") && !(await Deno.stat(tz).then(() => true, () => false))) continue;
    const r = await add(tz, name);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /\(Europe\/Berlin\)/, `TZ=${tz}`);
  }
  const posix = await add("CET-1CEST,M3.5.0,M10.5.0/3", "posix");
  assert.equal(posix.code, 2);
  assert.match(
    posix.stderr,
    /no --tz given, and TZ="CET-1CEST,M3\.5\.0,M10\.5\.0\/3" names no time zone/,
  );
  assert.match(posix.stderr, /--tz NAME/);
  assert.doesNotMatch(posix.stderr, /\n\s+at /, "no stack trace");
  const utc = await add("UTC0", "utc");
  assert.equal(utc.code, 0, utc.stderr);
  assert.match(utc.stderr + utc.stdout, /\(UTC\)/);
  // self-check warns of the same TZ, read the same way.
  const check = await weft(["self-check"], {
    env: { WEFT_HOME: home, TZ: "CET-1CEST,M3.5.0,M10.5.0/3" },
  });
  assert.match(
    check.stdout + check.stderr,
    /time zone UTC \(warning: TZ="CET-1CEST[^"]*" names no time zone/,
  );
});
