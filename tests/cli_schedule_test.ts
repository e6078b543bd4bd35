/**
 * `weft schedule` through the real CLI (src/cli/schedule*.ts): add (and the seed's
 * bare form), list with next fires, pause/resume/remove, clear errors (exit 2),
 * backfill with `${schedule.time}` and no repeats, the history trigger column, and the
 * crontab and systemd exports.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { nextFires } from "../src/schedule/cron.ts";
import { formatZoned } from "../src/schedule/zone.ts";

const FIX = new URL("./fixtures/schedule/", import.meta.url).pathname;
const BACKUP = `${FIX}backup.yml`;

function home() {
  return { WEFT_HOME: testTempDir("sched-home-") };
}

Deno.test("schedule add, the seed's form, list with next fires, pause, resume, remove", async () => {
  const env = home();
  const added = await weft(
    ["schedule", "add", BACKUP, "--cron", "0 2 * * *", "--tz", "Europe/Berlin", "--catchup", "6h"],
    { env },
  );
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stderr, /added schedule backup: 0 2 \* \* \* \(Europe\/Berlin\)/);
  // `weft schedule --cron EXPR FILE` means add.
  const seed = await weft(
    ["schedule", "--cron", "*/5 * * * *", BACKUP, "--name", "five", "-p", "target=/var"],
    { env },
  );
  assert.equal(seed.code, 0, seed.stderr);
  const again = await weft(["schedule", "add", BACKUP, "--cron", "0 3 * * *"], { env });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /a schedule named "backup" already exists/);

  const before = new Date();
  const listed = await weft(["schedule", "list", "--json"], { env });
  assert.equal(listed.code, 0, listed.stderr);
  const [backup, five] = JSON.parse(listed.stdout);
  assert.equal(backup.name, "backup");
  assert.equal(backup.file, BACKUP);
  assert.equal(backup.catchup_ms, 6 * 3_600_000);
  assert.equal(backup.next.length, 3);
  for (const t of backup.next) assert.match(t, /^\d{4}-\d\d-\d\dT02:00:00\+0[12]:00$/);
  const expected = nextFires({ cron: "0 2 * * *", tz: "Europe/Berlin" }, before, 3)
    .map((t) => formatZoned(t, "Europe/Berlin"));
  assert.deepEqual(backup.next, expected);
  assert.deepEqual(five.params, { target: "/var" });
  assert.equal(five.last_fire, null);

  const table = await weft(["schedule", "list"], { env });
  assert.match(
    table.stdout,
    /^backup\n {2}file {2}.*backup\.yml\n {2}cron {2}0 2 \* \* \* {2}\(Europe\/Berlin; catch-up 6h00m, overlap skip\)\n/,
  );
  assert.match(table.stdout, /last {2}never fired/);

  assert.equal((await weft(["schedule", "pause", "five"], { env })).code, 0);
  const paused = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout)[1];
  assert.equal(paused.paused, true);
  assert.deepEqual(paused.next, []);
  assert.equal((await weft(["schedule", "resume", "five"], { env })).code, 0);
  assert.equal((await weft(["schedule", "remove", "five"], { env })).code, 0);
  const gone = await weft(["schedule", "remove", "fiv"], { env });
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /no schedule named "fiv"/);
  assert.match(gone.stderr, /did you mean "backup"\?|the schedules are backup/);
});

Deno.test("schedule add without --cron takes the file's schedule trigger", async () => {
  const env = home();
  const r = await weft(["schedule", "add", BACKUP], { env });
  assert.equal(r.code, 0, r.stderr);
  const [s] = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
  assert.equal(s.cron, "30 2 * * *");
  assert.equal(s.tz, "America/New_York");
  assert.equal(s.catchup_ms, 2 * 3_600_000);
  assert.equal(s.overlap, "queue");
});

Deno.test("schedule add names what is wrong and exits 2", async () => {
  const env = home();
  const cases: Array<[string[], RegExp]> = [
    [["--cron", "0 61 * * *"], /--cron: invalid cron expression "0 61 \* \* \*": hour value "61"/],
    [["--cron", "0 2 * *"], /--cron: cron expression "0 2 \* \*" has 4 fields/],
    [["--cron", "0 2 * * *", "--tz", "Europe/Berln"], /--tz: unknown time zone "Europe\/Berln"/],
    [["--cron", "0 2 * * *", "--catchup", "soon"], /--catchup "soon": not a duration/],
    [["--cron", "0 2 * * *", "--overlap", "wait"], /'--overlap' argument 'wait' is invalid/],
    [["--cron", "0 2 * * *", "-p", "nope=1"], /nope/],
    [["--cron", "0 0 30 2 *"], /cron expression "0 0 30 2 \*" never fires/],
    [["--cron", "@daily", "--name", "a\nb"], /schedule name "a\\nb" is empty or holds a control/],
    [["--cron", "@daily", "--name", " "], /schedule name " " is empty/],
  ];
  for (const [flags, message] of cases) {
    const r = await weft(["schedule", "add", BACKUP, ...flags], { env });
    assert.equal(r.code, 2, flags.join(" "));
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  }
  const typo = await weft(["schedule", "lst"], { env });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown command 'lst' for 'weft schedule'\n\(Did you mean list\?\)/);
  const missing = await weft(["schedule", "add", `${FIX}none.yml`, "--cron", "@daily"], { env });
  assert.equal(missing.code, 2);
  const broken = await weft(["schedule", "add", `${FIX}broken.yml`, "--cron", "@daily"], { env });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /broken\.yml:5:\d+: .*schedule has no field "tme"/);
  const none = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
  assert.deepEqual(none, []);
});

Deno.test("backfill runs each fire once with its logical time; history shows the trigger", async () => {
  const env = home();
  await weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *", "--tz", "Europe/Berlin"], { env });
  // Backfills of `backup` from 2026-03-28 to `to`.
  const backfill = (to: string, ...flags: string[]) =>
    weft(["schedule", "backfill", "backup", "--from", "2026-03-28", "--to", to, ...flags], { env });
  const dry = await backfill("2026-03-30T12:00", "--dry-run");
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(
    dry.stdout,
    "2026-03-28T02:00:00+01:00  would run\n" +
      "2026-03-29T03:00:00+02:00  would run\n" + // 02:00 does not exist that night
      "2026-03-30T02:00:00+02:00  would run\n",
  );
  const first = await backfill("2026-03-29T12:00");
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /backfill backup: 2 runs \(0 not successful\), 0 already ran/);
  const second = await backfill("2026-03-30T12:00", "--max-parallel", "2");
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /backfill backup: 1 run \(0 not successful\), 2 already ran/);

  const runs = JSON.parse((await weft(["history", "--json"], { env })).stdout);
  assert.equal(runs.length, 3);
  const triggers = runs.map((r: { trigger: { scheduledFor: string } }) => r.trigger.scheduledFor)
    .sort();
  assert.deepEqual(triggers, [
    "2026-03-28T02:00:00+01:00",
    "2026-03-29T03:00:00+02:00",
    "2026-03-30T02:00:00+02:00",
  ]);
  assert.deepEqual(runs[0].trigger, {
    type: "backfill",
    scheduledFor: runs[0].trigger.scheduledFor,
    schedule: "backup",
  });
  const logs = await weft(["logs", runs[0].id], { env });
  assert.match(
    logs.stdout + logs.stderr,
    new RegExp(
      `day=${runs[0].trigger.scheduledFor.replace("+", "\\+")} name=backup via=backfill to=/srv`,
    ),
  );
  const table = await weft(["history"], { env });
  assert.match(table.stdout, /TRIGGER\n/);
  assert.match(table.stdout, /backfill for 2026-03-30T02:00:00\+02:00/);
  const list = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
  assert.equal(list[0].last_fire.time, "2026-03-30T02:00:00+02:00");
  assert.equal(list[0].last_fire.outcome, "success");

  const future = await weft(
    ["schedule", "backfill", "backup", "--from", "2026-01-01", "--to", "2999-01-01"],
    { env },
  );
  assert.equal(future.code, 2);
  assert.match(future.stderr, /in the future/);
});

Deno.test("a manual run reads ${schedule.time} as its start and ${trigger.type} as manual", async () => {
  const env = home();
  // The shape of a fire's time (whole seconds, the zone's offset), in the host's zone (t16 F14).
  const offsets = { "Asia/Tokyo": "\\+09:00", "UTC": "\\+00:00", "America/St_Johns": "-0[23]:30" };
  for (const [tz, offset] of Object.entries(offsets)) {
    const r = await weft(["run", BACKUP], { env: { ...env, TZ: tz } });
    assert.equal(r.code, 0, r.stderr);
    const logs = await weft(["logs"], { env });
    assert.match(
      logs.stdout + logs.stderr,
      new RegExp(`day=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d${offset} name= via=manual to=/srv`),
    );
  }
});

Deno.test("export --crontab and --systemd: absolute paths, zones, refusals", async () => {
  const env = home();
  await weft([
    "schedule",
    "add",
    BACKUP,
    "--cron",
    "0 2 * * *",
    "--tz",
    "Europe/Berlin",
    "--catchup",
    "1h",
  ], { env });
  await weft([
    "schedule",
    "add",
    BACKUP,
    "--cron",
    "*/5 * * * *",
    "--name",
    "often",
    "-p",
    "target=a b%c",
  ], { env: { ...env, TZ: "Asia/Tokyo" } });
  const cron = await weft(["schedule", "export", "--crontab", "--weft", "/usr/local/bin/weft"], {
    env,
  });
  assert.equal(cron.code, 0, cron.stderr);
  const lines = cron.stdout.split("\n");
  const often = lines.findIndex((l) => l.startsWith("*/5 * * * * "));
  const zone = lines.indexOf("CRON_TZ=Europe/Berlin");
  assert.ok(often >= 0 && zone >= 0, cron.stdout);
  // Added without --tz: the zone of the clock it was added on is stored and exported (t16 F7).
  assert.equal(
    lines.slice(0, often).findLast((l) => l.startsWith("CRON_TZ=")),
    "CRON_TZ=Asia/Tokyo",
  );
  assert.equal(
    lines[often],
    `*/5 * * * * /usr/local/bin/weft run ${BACKUP} -p 'target=a b\\%c' --home ${env.WEFT_HOME}`,
  );
  assert.match(
    lines[zone + 2],
    new RegExp(`^0 2 \\* \\* \\* /usr/local/bin/weft run ${BACKUP} --home `),
  );

  const dir = testTempDir("units-");
  const sd = await weft(["schedule", "export", "--systemd", dir, "--weft", "/usr/local/bin/weft"], {
    env,
  });
  assert.equal(sd.code, 0, sd.stderr);
  const timer = await Deno.readTextFile(`${dir}/weft-backup.timer`);
  assert.match(timer, /^OnCalendar=\*-\*-\* 02:00:00 Europe\/Berlin$/m);
  assert.match(timer, /^Persistent=true$/m);
  const service = await Deno.readTextFile(`${dir}/weft-often.service`);
  assert.match(
    service,
    /^ExecStart="\/usr\/local\/bin\/weft" "run" ".*backup\.yml" "-p" "target=a b%%c"/m,
  );
  assert.doesNotMatch(await Deno.readTextFile(`${dir}/weft-often.timer`), /Persistent/);
  assert.equal((await Deno.stat(`${dir}/weft-often.timer`)).mode! & 0o077, 0);
  const file = `${testTempDir("units-")}/a-file`;
  await Deno.writeTextFile(file, "kept");
  const onFile = await weft(["schedule", "export", "--systemd", file], { env });
  assert.equal(onFile.code, 2);
  assert.match(onFile.stderr, /cannot write systemd units to .*a-file: it is a file, not a folder/);
  assert.equal(await Deno.readTextFile(file), "kept");

  await weft(["schedule", "add", BACKUP, "--cron", "0 0 L * *", "--name", "month-end"], { env });
  const refused = await weft(["schedule", "export", "--systemd", testTempDir("units-")], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /"0 0 L \* \*" cannot be a systemd timer: it uses L/);
  // One schedule cron cannot take keeps none of the others out: exit 1, said on stderr.
  const refusedCron = await weft(["schedule", "export", "--crontab"], { env });
  assert.equal(refusedCron.code, 1);
  assert.match(refusedCron.stderr, /schedule month-end .* not exported to crontab/);
  assert.match(refusedCron.stdout, /^# month-end: not exported: schedule month-end /m);
  // The comment says it as weft does: quotes as written, the hint on a comment line of
  // its own, never a literal `\"` or `\n` (verifier N4).
  const comment = refusedCron.stdout.split("\n");
  const at = comment.findIndex((l) => l.startsWith("# month-end: not exported"));
  assert.equal(
    comment[at],
    '# month-end: not exported: schedule month-end ("0 0 L * *") has "L", which cron does not know: not exported to crontab',
  );
  assert.equal(comment[at + 1], "# hint: run it with weft daemon instead");
  assert.doesNotMatch(refusedCron.stdout, /\\["n]/);
  assert.match(refusedCron.stdout, /^\*\/5 \* \* \* \* .* run /m);
  assert.match(refusedCron.stdout, /^0 2 \* \* \* .* run /m);
});

Deno.test("schedule add refuses a bare UTC offset as --tz (cron and systemd read IANA names only)", async () => {
  const env = home();
  for (const tz of ["+05:00", "-0500"]) {
    const r = await weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *", "--tz", tz], { env });
    assert.equal(r.code, 2, tz);
    assert.match(r.stderr, new RegExp(`--tz: unknown time zone "\\${tz}"`));
    assert.match(r.stderr, /use an IANA name/);
  }
  const file = `${env.WEFT_HOME}-flow.yml`;
  await Deno.writeTextFile(
    file,
    'name: z\ntrigger: { type: schedule, config: { schedule: "0 2 * * *", timezone: "+05:00" } }\n' +
      'tasks: [{ id: a, command: "true" }]\n',
  );
  const check = await weft(["validate", file], { env });
  assert.equal(check.code, 2);
  assert.match(check.stderr, /unknown time zone "\+05:00"/);
});

Deno.test("schedule remove, pause, resume and backfill of an unknown name create no WEFT_HOME", async () => {
  const env = { WEFT_HOME: `${testTempDir("sched-nohome-")}/home` };
  for (
    const args of [
      ["remove", "x"],
      ["pause", "x"],
      ["resume", "x"],
      ["backfill", "x", "--from", "2026-01-01", "--to", "2026-01-02"],
    ]
  ) {
    const r = await weft(["schedule", ...args], { env });
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, /no schedule named "x"/);
    assert.equal(await Deno.stat(env.WEFT_HOME).then(() => true, () => false), false, args[0]);
  }
});

Deno.test("schedule list and remove on a damaged weft.kv: one line naming it, exit 2, no trace, file untouched", async () => {
  const env = home();
  await Deno.mkdir(env.WEFT_HOME, { recursive: true, mode: 0o700 });
  const junk = new Uint8Array(8192).fill(0x5a);
  await Deno.writeFile(`${env.WEFT_HOME}/weft.kv`, junk, { mode: 0o600 });
  for (const args of [["schedule", "list"], ["schedule", "remove", "x"]]) {
    const r = await weft(args, { env });
    // A history folder that cannot be opened is exit 2 in every verb (store/open.ts homeFault).
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, /^\S+\/weft\.kv: cannot \S.*damaged\n {2}hint: /, args.join(" "));
    assert.ok(!r.stderr.includes("    at "), r.stderr);
  }
  assert.deepEqual(await Deno.readFile(`${env.WEFT_HOME}/weft.kv`), junk);
});
