/**
 * A schedule whose secret params' values cannot be read back (their private file under
 * WEFT_HOME/schedule-secrets is missing, damaged, another schedule's or lacks a value;
 * src/store/schedule_secrets.ts withScheduleSecrets) through the real CLI and daemon:
 * no fire runs the workflow with `***` for them (backfill refuses, the daemon records the
 * fire failed and keeps firing the others), one line says which schedule, which file and
 * what to do; list and export keep working and say so. And the file's modes under umask 000.
 */
import assert from "node:assert/strict";
import { startDaemon } from "./_daemon.ts";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DEPLOY = new URL("./fixtures/schedule_secrets/deploy.yml", import.meta.url).pathname;
const TOKEN = "tok_XYZ_123";
const DBPW = "hunter2hunter2";
const WINDOW = ["--from", "2026-11-01T00:00", "--to", "2026-11-01T12:00"];

function addArgs(name: string, cron: string, out: string, secrets = true): string[] {
  return [
    "schedule",
    "add",
    DEPLOY,
    "--name",
    name,
    "--cron",
    cron,
    "--tz",
    "UTC",
    ...(secrets ? ["-p", `api_token=${TOKEN}`, "-p", `dbpw=${DBPW}`] : []),
    "-p",
    `region=eu-${secrets ? TOKEN : "west"}`,
    "-p",
    `out=${out}`,
  ];
}

/** The secret files in `home` (paths). */
function secretFiles(home: string): string[] {
  try {
    return [...Deno.readDirSync(`${home}/schedule-secrets`)].map((e) =>
      `${home}/schedule-secrets/${e.name}`
    );
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

async function setUp(): Promise<{ env: Record<string, string>; home: string; out: string }> {
  const home = testTempDir("sched-unread-home-");
  const env = { WEFT_HOME: home };
  const out = `${testTempDir("sched-unread-out-")}/got.txt`;
  const added = await weft(addArgs("deploy", "0 2 * * *", out), { env });
  assert.equal(added.code, 0, added.stderr);
  assert.equal(secretFiles(home).length, 1);
  return { env, home, out };
}

const DAMAGES: Array<{ what: string; damage: (file: string) => void; says: RegExp }> = [
  { what: "missing", damage: (f) => Deno.removeSync(f), says: /is missing/ },
  { what: "not JSON", damage: (f) => Deno.writeTextFileSync(f, '{"name": "dep'), says: /damaged/ },
  {
    what: "another schedule's",
    damage: (f) =>
      Deno.writeTextFileSync(f, JSON.stringify({ name: "other", params: { api_token: "x" } })),
    says: /values of another schedule/,
  },
  {
    what: "lacking a value",
    damage: (f) =>
      Deno.writeTextFileSync(f, JSON.stringify({ name: "deploy", params: { api_token: "x" } })),
    says: /lacks the value of dbpw/,
  },
  {
    // region is no secret param but holds the token, so it is stored masked: without its
    // value the task would get "eu-***".
    what: "lacking a param kept aside for holding a secret",
    damage: (f) =>
      Deno.writeTextFileSync(
        f,
        JSON.stringify({ name: "deploy", params: { api_token: TOKEN, dbpw: DBPW } }),
      ),
    says: /lacks the value of region(;|$)/,
  },
  {
    what: "a folder",
    damage: (f) => {
      Deno.removeSync(f);
      Deno.mkdirSync(f);
    },
    says: /cannot be read \(is a folder/,
  },
];

for (const { what, damage, says } of DAMAGES) {
  Deno.test(`a backfill of a schedule whose secrets file is ${what} runs nothing and says what to do`, async () => {
    const { env, home, out } = await setUp();
    const [file] = secretFiles(home);
    damage(file);
    const backfill = await weft(["schedule", "backfill", "deploy", ...WINDOW], { env });
    assert.equal(backfill.code, 2, backfill.stderr);
    const [line, hint] = backfill.stderr.trim().split("\n");
    assert.match(line, /^schedule deploy: the values of its secret params cannot be read: /);
    assert.ok(line.includes(file), line);
    assert.match(line, says);
    assert.match(hint, /weft schedule add --replace \S+deploy\.yml --name deploy /);
    assert.match(hint, /-p api_token=\.\.\. -p dbpw=\.\.\. -p region=\.\.\./);
    assert.equal(backfill.stdout, "");
    assert.ok(!(await Deno.stat(out).then(() => true, () => false)), "the workflow ran");
    assert.doesNotMatch(backfill.stderr, /run \S+ started/);

    // Listing still works, says so, and nothing was claimed.
    const json = await weft(["schedule", "list", "--json"], { env });
    assert.equal(json.code, 0, json.stderr);
    const [entry] = JSON.parse(json.stdout);
    assert.deepEqual(entry.params.api_token, "***");
    assert.match(entry.secrets_unreadable, says);
    assert.equal(entry.last_fire, null);
    const table = await weft(["schedule", "list"], { env });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /secret params unreadable: .*; its fires fail until/);
    for (const shown of [backfill, json, table]) {
      assert.ok(!shown.stdout.includes(TOKEN) && !shown.stderr.includes(TOKEN));
    }
  });
}

Deno.test("exports keep working without the secrets file, writing no *** values; add --replace mends it", async () => {
  const { env, home, out } = await setUp();
  Deno.removeSync(secretFiles(home)[0]);
  const dry = await weft(["schedule", "backfill", "deploy", "--dry-run", ...WINDOW], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /warning: schedule deploy: the values of its secret params/);
  const cron = await weft(["schedule", "export", "--crontab"], { env });
  assert.equal(cron.code, 0, cron.stderr);
  assert.match(cron.stdout, / -p api_token="\$WEFT_PARAM_API_TOKEN" /);
  assert.match(cron.stderr, /warning: schedule deploy: .*is missing.*weft schedule add --replace/);
  const units = testTempDir("sched-unread-units-");
  const systemd = await weft(["schedule", "export", "--systemd", units], { env });
  assert.equal(systemd.code, 0, systemd.stderr);
  assert.match(systemd.stderr, /its weft-deploy\.env is not written/);
  assert.deepEqual([...Deno.readDirSync(units)].map((e) => e.name).sort(), [
    "weft-deploy.service",
    "weft-deploy.timer",
  ]);

  const mended = await weft([...addArgs("deploy", "0 2 * * *", out), "--replace"], { env });
  assert.equal(mended.code, 0, mended.stderr);
  const backfill = await weft(["schedule", "backfill", "deploy", ...WINDOW], { env });
  assert.equal(backfill.code, 0, backfill.stderr);
  assert.equal(Deno.readTextFileSync(out), `${TOKEN} ${DBPW} eu-${TOKEN}`);
  const json = await weft(["schedule", "list", "--json"], { env });
  assert.equal(JSON.parse(json.stdout)[0].secrets_unreadable, undefined);
});

Deno.test("daemon: a fire without its secret values is recorded failed, the other schedules fire", async () => {
  const home = testTempDir("sched-unread-home-");
  const env = { WEFT_HOME: home };
  const outs = testTempDir("sched-unread-out-");
  for (const [name, secrets] of [["broken", true], ["fine", false]] as const) {
    const added = await weft(addArgs(name, "* * * * * *", `${outs}/${name}.txt`, secrets), {
      env,
    });
    assert.equal(added.code, 0, added.stderr);
  }
  const [file] = secretFiles(home);
  Deno.removeSync(file);
  const daemon = startDaemon(["--dir", testTempDir("sched-unread-dir-")], { home });
  try {
    const warned = await daemon.waitFor(/schedule broken: .*its fires fail until then/);
    assert.ok(warned.includes(file), warned);
    const failed = await daemon.waitFor(/schedule broken: .*; fire of \S+ recorded failed$/);
    assert.match(failed, /hint: give them again: weft schedule add --replace /);
    await daemon.waitFor(/ended success/);
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
  assert.ok(!daemon.lines.some((l) => /started \(schedule broken /.test(l)), "broken ran");
  assert.ok(Deno.readTextFileSync(`${outs}/fine.txt`).includes("eu-west"));
  assert.ok(!(await Deno.stat(`${outs}/broken.txt`).then(() => true, () => false)));
  const json = await weft(["schedule", "list", "--json"], { env });
  const broken = JSON.parse(json.stdout).find((s: { name: string }) => s.name === "broken");
  assert.equal(broken.last_fire.outcome, "failed");
  assert.equal(broken.last_fire.run_id, null);
});

Deno.test("the secrets file is 0600 in a 0700 folder under umask 000; replaced without secrets or removed, it goes", async () => {
  const home = testTempDir("sched-unread-home-");
  const out = `${testTempDir("sched-unread-out-")}/got.txt`;
  const underUmask000 = async (args: string[]) => {
    const child = await new Deno.Command("sh", {
      args: ["-c", 'umask 000 && exec "$@"', "sh", Deno.execPath(), ...weftArgs(args)],
      env: weftEnv({ WEFT_HOME: home }),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
  };
  await underUmask000(addArgs("deploy", "0 2 * * *", out));
  const [file] = secretFiles(home);
  assert.equal(Deno.statSync(file).mode! & 0o777, 0o600);
  assert.equal(Deno.statSync(`${home}/schedule-secrets`).mode! & 0o777, 0o700);
  // A folder left open by something else is made private again on the next write.
  Deno.chmodSync(`${home}/schedule-secrets`, 0o755);
  await underUmask000([...addArgs("deploy", "0 3 * * *", out), "--replace"]);
  assert.equal(Deno.statSync(`${home}/schedule-secrets`).mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(secretFiles(home)[0]).mode! & 0o777, 0o600);
  await underUmask000([...addArgs("deploy", "0 3 * * *", out, false), "--replace"]);
  assert.deepEqual(secretFiles(home), []);
  await underUmask000(addArgs("other", "0 3 * * *", out));
  assert.equal(secretFiles(home).length, 1);
  await underUmask000(["schedule", "remove", "other"]);
  assert.deepEqual(secretFiles(home), []);
});
