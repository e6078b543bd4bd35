/**
 * `weft schedule add` knows the secrets a run knows at its start (cli/schedule_known_secrets.ts,
 * engine/preview.ts previewSecrets): a param holding a literal of the workflow's or a
 * task's `environment`, a `secrets:` variable or a secret of weft's own environment is
 * kept aside in the private file, listed masked, exported as a variable, never in
 * weft.kv, and a fire still runs with the real value.
 */
import { textsUnder } from "./_file_texts.ts";
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const START = new URL("./fixtures/schedule_secrets/start.yml", import.meta.url).pathname;
const VALUES = ["WfLiteralTok987", "TaskLitPw654", "EnvCredVal321", "ProcEnvTok1234"];

Deno.test("schedule add keeps aside a param holding a start-of-run secret, as a run masks it", async () => {
  const home = testTempDir("sched-start-home-");
  const out = `${testTempDir("sched-start-out-")}/got.txt`;
  const env = { WEFT_HOME: home, MY_CRED: "EnvCredVal321", DEPLOY_TOKEN: "ProcEnvTok1234" };
  const note = `x ${VALUES.join(" ")}`;
  const added = await weft(
    ["schedule", "add", START, "--cron", "0 3 * * *", "-p", `note=${note}`, "-p", `out=${out}`],
    { env },
  );
  assert.equal(added.code, 0, added.stderr);

  const json = await weft(["schedule", "list", "--json"], { env });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout)[0].params, { note: "x *** *** *** ***", out });
  const cron = await weft(["schedule", "export", "--crontab"], { env });
  assert.equal(cron.code, 0, cron.stderr);
  assert.match(cron.stdout, / -p note="\$WEFT_PARAM_NOTE" -p out=/);
  const table = await weft(["schedule", "list"], { env });
  assert.equal(table.code, 0, table.stderr);
  const secretsDir = `${home}/schedule-secrets`;
  for (const text of [added, json, cron, table].flatMap((r) => [r.stdout, r.stderr])) {
    for (const value of VALUES) assert.ok(!text.includes(value), value);
  }
  const stored = textsUnder(home, secretsDir);
  for (const value of VALUES) assert.ok(!stored.includes(value), `WEFT_HOME holds ${value}`);
  assert.ok(textsUnder(secretsDir, "").includes(note));

  // A fire gets the real value back from the private file.
  const backfill = await weft(
    ["schedule", "backfill", "start", "--from", "2026-11-01T00:00", "--to", "2026-11-01T12:00"],
    { env },
  );
  assert.equal(backfill.code, 0, backfill.stderr);
  assert.equal(Deno.readTextFileSync(out), note);
  for (const value of VALUES) {
    assert.ok(!(backfill.stdout + backfill.stderr).includes(value), value);
  }
});

Deno.test("schedule add stores in clear a param holding no secret", async () => {
  const home = testTempDir("sched-start-home-");
  const env = { WEFT_HOME: home };
  const added = await weft(
    ["schedule", "add", START, "--cron", "0 3 * * *", "-p", "note=plain words"],
    { env },
  );
  assert.equal(added.code, 0, added.stderr);
  const json = await weft(["schedule", "list", "--json"], { env });
  assert.deepEqual(JSON.parse(json.stdout)[0].params, { note: "plain words" });
  const cron = await weft(["schedule", "export", "--crontab"], { env });
  assert.match(cron.stdout, / -p 'note=plain words' /);
});
