/**
 * A workflow file's own schedule trigger, as the daemon keeps it (schedule/daemon_schedules.ts
 * syncSchedules, cli/schedule_known_secrets.ts): a trigger param holding a secret a run
 * knows at its start — a literal of the workflow's or a task's `environment`, a
 * `secrets:` variable of the daemon's environment — is kept aside in the private file
 * and shown masked, as for `weft schedule add`, while its fires run with the real value.
 */
import { textsUnder } from "./_file_texts.ts";
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const WF_LITERAL = "WfLiteralTok987";
const TASK_LITERAL = "TaskLitPw654";
const ENV_CRED = "EnvCredVal321";

/** A workflow firing every second whose trigger param `note` is `note`; writes it to `out`. */
function flow(dir: string, note: string, out: string): void {
  writeFlow(
    dir,
    "start.yml",
    `name: start
environment:
  API_TOKEN: ${WF_LITERAL}
secrets: [MY_CRED]
params:
  note: {default: ""}
trigger:
  type: schedule
  config:
    schedule: "* * * * * *"
    params:
      note: "${note}"
tasks:
  - id: use
    command: printf '%s' "\${params.note}" > "${out}"
    environment:
      DB_PASSWORD: ${TASK_LITERAL}
`,
  );
}

/** Starts a daemon on `dir` with `env`, waits for one fire to end, stops it: its lines and run id. */
async function oneFire(dir: string, home: string, env: Record<string, string>) {
  const daemon = startDaemon(["--dir", dir], { home, env });
  try {
    const ended = await daemon.waitFor(/run \S+ ended /);
    assert.match(ended, /ended success/, daemon.lines.join("\n"));
    assert.equal(await daemon.stop(), 0);
    return { lines: daemon.lines.join("\n"), runId: ended.match(/run (\S+) ended/)![1] };
  } finally {
    await daemon.stop();
  }
}

Deno.test("daemon: a trigger param holding a start-of-run secret is kept aside and masked", async () => {
  const dir = testTempDir("dsched-start-");
  const home = testTempDir("dsched-start-home-");
  const out = `${dir}/got.txt`;
  const note = `x ${WF_LITERAL} ${TASK_LITERAL} ${ENV_CRED} y`;
  flow(dir, note, out);
  const env = { MY_CRED: ENV_CRED };
  const fired = await oneFire(dir, home, env);
  // The fire ran with the real value.
  assert.equal(Deno.readTextFileSync(out), note);

  const cli = { env: { WEFT_HOME: home, ...env } };
  const json = await weft(["schedule", "list", "--json"], cli);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout)[0].params, { note: "x *** *** *** y" });
  const table = await weft(["schedule", "list"], cli);
  const status = await weft(["status", fired.runId, "--json"], cli);
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout).params, { note: "x *** *** *** y" });
  const secretsDir = `${home}/schedule-secrets`;
  const stored = textsUnder(home, secretsDir);
  for (const value of [WF_LITERAL, TASK_LITERAL, ENV_CRED]) {
    for (const text of [fired.lines, json.stdout, table.stdout, status.stdout]) {
      assert.ok(!text.includes(value), `${value} shown`);
    }
    assert.ok(!stored.includes(value), `WEFT_HOME holds ${value} outside the private file`);
  }
  assert.ok(textsUnder(secretsDir, "").includes(note));
});

Deno.test("daemon: what is a secret is the daemon's environment's; a plain param stays in clear", async () => {
  const dir = testTempDir("dsched-start-");
  const home = testTempDir("dsched-start-home-");
  const out = `${dir}/got.txt`;
  // MY_CRED is not set for this daemon: its would-be value is plain text here.
  flow(dir, `x ${ENV_CRED} ${TASK_LITERAL} y`, out);
  await oneFire(dir, home, {});
  assert.equal(Deno.readTextFileSync(out), `x ${ENV_CRED} ${TASK_LITERAL} y`);
  const json = await weft(["schedule", "list", "--json"], { env: { WEFT_HOME: home } });
  assert.deepEqual(JSON.parse(json.stdout)[0].params, { note: `x ${ENV_CRED} *** y` });

  // The same file with a plain note: stored in clear, no private file kept.
  const plainDir = testTempDir("dsched-plain-");
  const plainHome = testTempDir("dsched-plain-home-");
  flow(plainDir, "plain words", `${plainDir}/got.txt`);
  await oneFire(plainDir, plainHome, {});
  const plain = await weft(["schedule", "list", "--json"], { env: { WEFT_HOME: plainHome } });
  assert.deepEqual(JSON.parse(plain.stdout)[0].params, { note: "plain words" });
  assert.throws(() => Deno.statSync(`${plainHome}/schedule-secrets`), Deno.errors.NotFound);
});
