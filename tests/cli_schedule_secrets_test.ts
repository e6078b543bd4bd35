/**
 * A schedule's secret params through the real CLI (src/schedule/secret_params.ts,
 * src/store/schedule_secrets.ts): `schedule list`, `list --json` and both exports never
 * show them; weft.kv never holds them; the private file that does (0600) lets a fire
 * run with the real values, and goes with the schedule.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIX = new URL("./fixtures/schedule_secrets/", import.meta.url).pathname;
const DEPLOY = `${FIX}deploy.yml`;
const TOKEN = "tok_XYZ_123";
const DBPW = "hunter2hunter2";

/** Every file under `dir` but those under `except`, with its bytes as text. */
function filesUnder(dir: string, except?: string): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (path === except) continue;
    if (entry.isDirectory) found.push(...filesUnder(path, except));
    else if (entry.isFile) {
      found.push({ path, text: new TextDecoder().decode(Deno.readFileSync(path)) });
    }
  }
  return found;
}

async function addSchedule(env: Record<string, string>, out: string) {
  const added = await weft([
    "schedule",
    "add",
    DEPLOY,
    "--cron",
    "0 2 * * *",
    "--tz",
    "UTC",
    "-p",
    `api_token=${TOKEN}`,
    "-p",
    `dbpw=${DBPW}`,
    "-p",
    `region=eu-${TOKEN}`,
    "-p",
    `out=${out}`,
  ], { env });
  assert.equal(added.code, 0, added.stderr);
  assert.ok(!added.stderr.includes(TOKEN) && !added.stderr.includes(DBPW), added.stderr);
}

Deno.test("schedule list, list --json and export never print a secret param; weft.kv never holds one", async () => {
  const home = testTempDir("sched-secret-home-");
  const env = { WEFT_HOME: home };
  const out = `${testTempDir("sched-secret-out-")}/got.txt`;
  await addSchedule(env, out);

  const json = await weft(["schedule", "list", "--json"], { env });
  assert.equal(json.code, 0, json.stderr);
  const [entry] = JSON.parse(json.stdout);
  // By name (api_token), by `secrets:` (dbpw), and a secret inside another param (region).
  assert.deepEqual(entry.params, { api_token: "***", dbpw: "***", region: "eu-***", out });
  const table = await weft(["schedule", "list"], { env });
  assert.equal(table.code, 0, table.stderr);
  const cron = await weft(["schedule", "export", "--crontab"], { env });
  assert.equal(cron.code, 0, cron.stderr);
  assert.match(cron.stdout, / -p api_token="\$WEFT_PARAM_API_TOKEN" -p dbpw="\$WEFT_PARAM_DBPW" /);
  assert.match(cron.stdout, / -p region="\$WEFT_PARAM_REGION" /);
  assert.match(cron.stderr, /secret param api_token is read from \$WEFT_PARAM_API_TOKEN/);
  const units = testTempDir("sched-secret-units-");
  const systemd = await weft(["schedule", "export", "--systemd", units], { env });
  assert.equal(systemd.code, 0, systemd.stderr);
  const service = Deno.readTextFileSync(`${units}/weft-deploy.service`);
  assert.match(service, /^EnvironmentFile=.*\/weft-deploy\.env$/m);
  assert.match(service, /"api_token=\$\{WEFT_PARAM_API_TOKEN\}"/);
  const envFile = `${units}/weft-deploy.env`;
  assert.equal(Deno.statSync(envFile).mode! & 0o777, 0o600);
  assert.equal(
    Deno.readTextFileSync(envFile),
    `WEFT_PARAM_API_TOKEN="${TOKEN}"\nWEFT_PARAM_DBPW="${DBPW}"\nWEFT_PARAM_REGION="eu-${TOKEN}"\n`,
  );
  for (const shown of [json, table, cron, systemd]) {
    for (const secret of [TOKEN, DBPW]) {
      assert.ok(!shown.stdout.includes(secret) && !shown.stderr.includes(secret), secret);
    }
  }
  assert.ok(!service.includes(TOKEN) && !service.includes(DBPW));

  // Stored: only in the private file, never in weft.kv (or anything else in WEFT_HOME).
  const secretsDir = `${home}/schedule-secrets`;
  for (const { path, text } of filesUnder(home, secretsDir)) {
    assert.ok(!text.includes(TOKEN) && !text.includes(DBPW), `${path} holds a secret`);
  }
  const [kept] = filesUnder(secretsDir);
  assert.ok(kept.text.includes(TOKEN) && kept.text.includes(DBPW));
  assert.equal(Deno.statSync(kept.path).mode! & 0o777, 0o600);
  assert.equal(Deno.statSync(secretsDir).mode! & 0o777, 0o700);
});

Deno.test("a fire of a schedule runs with its secret params' real values; remove drops them", async () => {
  const home = testTempDir("sched-secret-home-");
  const env = { WEFT_HOME: home };
  const out = `${testTempDir("sched-secret-out-")}/got.txt`;
  await addSchedule(env, out);
  const backfill = await weft(
    ["schedule", "backfill", "deploy", "--from", "2026-11-01T00:00", "--to", "2026-11-01T12:00"],
    { env },
  );
  assert.equal(backfill.code, 0, backfill.stderr);
  assert.equal(Deno.readTextFileSync(out), `${TOKEN} ${DBPW} eu-${TOKEN}`);
  assert.ok(!backfill.stderr.includes(TOKEN) && !backfill.stdout.includes(TOKEN));
  for (const { path, text } of filesUnder(home, `${home}/schedule-secrets`)) {
    assert.ok(!text.includes(TOKEN) && !text.includes(DBPW), `${path} holds a secret`);
  }

  // Replaced without secrets: the private file goes; removed: nothing is left.
  const replaced = await weft(
    ["schedule", "add", DEPLOY, "--cron", "0 2 * * *", "--replace", "-p", "region=us"],
    { env },
  );
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.deepEqual(filesUnder(`${home}/schedule-secrets`), []);
  // A taken name is refused before anything is written.
  const taken = await weft(
    ["schedule", "add", DEPLOY, "--cron", "0 3 * * *", "-p", `api_token=${TOKEN}`],
    { env },
  );
  assert.equal(taken.code, 2);
  assert.deepEqual(filesUnder(`${home}/schedule-secrets`), []);
  const removed = await weft(["schedule", "remove", "deploy"], { env });
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(filesUnder(`${home}/schedule-secrets`), []);
});

Deno.test("schedule add refuses a linked schedule-secrets folder: nothing written where it points (verifier N8)", async () => {
  const home = testTempDir("sched-secret-link-");
  const target = testTempDir("sched-secret-target-");
  Deno.symlinkSync(target, `${home}/schedule-secrets`);
  const env = { WEFT_HOME: home };
  const args = ["schedule", "add", DEPLOY, "--cron", "0 2 * * *", "-p", `api_token=${TOKEN}`];
  const added = await weft(args, { env });
  assert.equal(added.code, 2, added.stderr);
  assert.match(added.stderr, /schedule-secrets: is a symbolic link; weft does not follow links/);
  assert.match(added.stderr, /left as it was/);
  assert.deepEqual([...Deno.readDirSync(target)], []);
  const list = await weft(["schedule", "list", "--json"], { env });
  assert.deepEqual(JSON.parse(list.stdout), [], "no schedule recorded");
  // A schedule without secret params writes nothing there: it is added as before.
  const plain = await weft(["schedule", "add", DEPLOY, "--cron", "0 3 * * *", "--name", "plain"], {
    env,
  });
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual([...Deno.readDirSync(target)], []);
});
