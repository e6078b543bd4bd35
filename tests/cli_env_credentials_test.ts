/**
 * The environment variables weft reads as credentials (model/env_credentials.ts) are
 * secrets of every run whenever they are set, whatever the workflow does with them:
 * `SLACK_WEBHOOK_URL` (its URL, path and token) and `DATABASE_URL` (its password) are
 * masked though the workflow has no Slack channel and no database task; and a URL's
 * user-info password is masked in any variable (`GIT_REMOTE`). Through the real
 * `weft run`, with a real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { testTempDir } from "./_tmp.ts";
import { textsUnder } from "./_file_texts.ts";

const FIXTURES = new URL("./fixtures/env_credentials/", import.meta.url).pathname;
const HOOK_PATH = "/services/T1/B1/ABCDEFGHIJKLMNOPQRSTUVWX";
const DB_PASSWORD = "s3cretpw";
const GIT_PASSWORD = "gitTok3nValue77";

Deno.test("cli env credentials: SLACK_WEBHOOK_URL, DATABASE_URL and a URL's password are masked everywhere", async () => {
  const server = startRecordingServer((req) => `${req.method} ${new URL(req.url).pathname}`);
  try {
    const home = testTempDir("home-");
    const env = {
      WEFT_HOME: home,
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${server.port}${HOOK_PATH}`,
      DATABASE_URL: `postgres://app:${DB_PASSWORD}@127.0.0.1:15432/app`,
      GIT_REMOTE: `https://bot:${GIT_PASSWORD}@127.0.0.1/team/repo.git`,
      PLAIN_URL: "https://someone@127.0.0.1/plain/path",
      GREETING: "ordinaryvalue",
    };
    const run = await weft(["run", `${FIXTURES}env.yml`, "-v"], { env });
    assert.equal(run.code, 0, run.stderr);
    // The request went to the real URL, token and all.
    assert.deepEqual(server.seen, [`POST ${HOOK_PATH}`]);
    const shown = run.stdout + run.stderr;
    // weft's own line of the http task, and the task's lines.
    assert.match(shown, /\[post\] POST \*\*\* → 200/);
    assert.match(shown, /\[show\] db=postgres:\/\/app:\*\*\*@127\.0\.0\.1:15432\/app\n/);
    assert.match(shown, /\[show\] git=https:\/\/bot:\*\*\*@127\.0\.0\.1\/team\/repo\.git\n/);
    assert.match(shown, /\[show\] b64=\S*\*\*\*\S*\n/);
    assert.match(shown, /\[show\] hook=\*\*\*\n/);
    // Ordinary values are left alone: a URL without a password, a word, the user names.
    assert.match(
      shown,
      /\[show\] plain=https:\/\/someone@127\.0\.0\.1\/plain\/path word=ordinaryvalue\n/,
    );
    const runId = /run (\S+) started/.exec(shown)?.[1];
    assert.ok(runId, shown);

    const logs = (await weft(["logs", runId, "show"], { env })).stdout +
      (await weft(["logs", runId, "post"], { env })).stdout;
    assert.match(logs, /db=postgres:\/\/app:\*\*\*@127\.0\.0\.1:15432\/app/);
    assert.match(logs, /word=ordinaryvalue/);
    const status = await weft(["status", runId, "--json"], { env });
    assert.equal(status.code, 0, status.stderr);
    const record = JSON.parse(status.stdout);
    assert.equal(record.status, "success");

    const b64 = btoa(env.DATABASE_URL);
    // Every file weft left there, its space reserves' random bytes apart.
    const stored = textsUnder(home);
    for (const secret of [HOOK_PATH, "ABCDEFGHIJKLMNOPQRSTUVWX", DB_PASSWORD, GIT_PASSWORD]) {
      for (const [where, text] of [["run", shown], ["logs", logs], ["status", status.stdout]]) {
        assert.ok(!text.includes(secret), `${where} shows ${secret}`);
        assert.ok(!text.includes(b64), `${where} shows DATABASE_URL in base64`);
      }
      assert.ok(!stored.includes(secret), `WEFT_HOME holds ${secret}`);
    }
  } finally {
    await server.close();
  }
});
