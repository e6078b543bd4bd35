/**
 * Notification secrets through the real `weft run` (notify/fields.ts webhookUrlSecrets):
 * a webhook URL's path holds its token, so the path and the token are masked on their
 * own too, not only the whole URL.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_forms/", import.meta.url).pathname;

Deno.test("cli notify secrets: a Slack webhook URL's path and token are masked, as curl -v prints them", async () => {
  const server = startRecordingServer((req) => new URL(req.url).pathname);
  try {
    const home = testTempDir("home-");
    const path = "/services/T0AB/B0CD/xoxbSecretPart77";
    const run = await weft(["run", `${FIXTURES}hook_path.yml`, "-v"], {
      env: { WEFT_HOME: home, SLACK_WEBHOOK_URL: `http://127.0.0.1:${server.port}${path}` },
    });
    assert.equal(run.code, 0, run.stderr);
    // The notification went out to the real URL.
    assert.deepEqual(server.seen, [path]);
    const text = run.stdout + run.stderr;
    assert.match(text, /\[post\] > POST \*\*\* HTTP\/1\.1\n/);
    assert.match(text, /\[post\] token: \*\*\*\n/);
    for (const part of ["xoxbSecretPart77", "T0AB/B0CD"]) {
      assert.ok(!text.includes(part), `weft printed ${part}`);
      const holding = [...walk(home)].filter((file) =>
        new TextDecoder("latin1").decode(Deno.readFileSync(file)).includes(part)
      );
      assert.deepEqual(holding, [], `WEFT_HOME holds ${part}`);
    }
  } finally {
    await server.close();
  }
});

function* walk(folder: string): Generator<string> {
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

Deno.test("cli notify secrets: --dry-run masks every channel secret the run masks (workflow, global config, environment)", async () => {
  const home = testTempDir("home-");
  Deno.writeTextFileSync(
    `${home}/config.json`,
    JSON.stringify({
      notifications: {
        slack: { webhook_url: "http://127.0.0.1:2/services/T0/B0/SlackGlobalABCDEF12" },
      },
    }),
  );
  const secrets = [
    "SmtpLit6655",
    "SlackGlobalABCDEF12",
    "HookTokLit2211",
    "XAuthLit3131",
    "WhPathLit0987654321ab",
    "EnvHookTok4242",
  ];
  for (const json of [false, true]) {
    const args = ["run", `${FIXTURES}dry_notify.yml`, "--dry-run", ...(json ? ["--json"] : [])];
    const dry = await weft(args, { env: { WEFT_HOME: home } });
    assert.equal(dry.code, 0, dry.stderr);
    const text = dry.stdout + dry.stderr;
    assert.match(text, /a \*\*\* b \*\*\* c \*\*\* d \*\*\* e \*\*\* g \*\*\*/);
    for (const secret of secrets) assert.ok(!text.includes(secret), `--dry-run printed ${secret}`);
  }
  // The run masks the same line the same way (its notifications fail: port 1).
  const run = await weft(["run", `${FIXTURES}dry_notify.yml`, "-v"], { env: { WEFT_HOME: home } });
  assert.match(
    run.stdout + run.stderr,
    /\[sh\] a \*\*\* b \*\*\* c \*\*\* d \*\*\* e \*\*\* g \*\*\*/,
  );
});
