/**
 * The Slack and webhook channels through `weft run`, against an HTTP server on
 * 127.0.0.1 standing in for Slack's incoming webhook: the Block Kit payload, the
 * fallbacks (SLACK_WEBHOOK_URL, the global config), when a run notifies, and masking
 * of the webhook URL's token.
 */
import assert from "node:assert/strict";
import { startHookServer } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const TOKEN = "T0001/B0002/sEcReTtOkEn42";

type HookServer = ReturnType<typeof startHookServer>;

/** Runs `fn` with a stand-in hook server (closed afterwards, whatever happens) and a fresh folder. */
async function withHook(fn: (hook: HookServer, dir: string) => Promise<void>) {
  const hook = startHookServer();
  try {
    await fn(hook, testTempDir("slack-"));
  } finally {
    await hook.close();
  }
}

/** Workflow `deploy`, notifying Slack (`slack`: its settings as a flow map) on failure; then `rest`. */
const deployToSlack = (slack: string, rest: string) =>
  `name: deploy
notifications:
  channels: [slack]
  on_failure: true
  slack: ${slack}
${rest}`;

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("slack: a failed run posts workflow, status, duration, failed tasks with log lines, run id and the status command", async () => {
  await withHook(async (hook, dir) => {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      deployToSlack(
        `{ webhook_url: "\${env.HOOK}/services/${TOKEN}", channel: "#deployments" }`,
        `tasks:
  - id: build
    command: "echo compiling; echo 'error: <missing> & broken' >&2; echo url=$HOOK_URL; exit 2"
    environment: { HOOK_URL: "\${env.HOOK}/services/${TOKEN}" }
  - id: ship
    command: "true"
    depends_on: [build]
`,
      ),
    );
    const env = { HOOK: hook.url, WEFT_HOME: `${dir}/home` };
    const run = await weft(["run", `${dir}/flow.yml`, "--json"], { env });
    assert.equal(run.code, 1, "the run's own outcome");
    const report = JSON.parse(run.stdout);
    assert.equal(hook.requests.length, 1);
    const { path, body } = hook.requests[0] as { path: string; body: Any };
    assert.equal(path, `/services/${TOKEN}`);
    assert.equal(body.channel, "#deployments");
    assert.equal(body.blocks[0].type, "header");
    assert.match(body.blocks[0].text.text, /deploy failed in/);
    const fields = body.blocks[1].fields.map((f: Any) => f.text).join("\n");
    assert.match(fields, /\*Workflow\*\ndeploy/);
    assert.match(fields, /\*Status\*\nfailed/);
    assert.match(fields, /\*Duration\*\n\d/);
    assert.ok(fields.includes(report.id));
    const failed = body.blocks[2].text.text;
    assert.match(failed, /\*build\* failed: exited with code 2/);
    // The log's last lines, escaped for mrkdwn; the token printed by the task is masked.
    assert.ok(failed.includes("compiling"), failed);
    assert.ok(failed.includes("error: &lt;missing&gt; &amp; broken"), failed);
    assert.ok(failed.includes("url=***"), failed);
    assert.equal(body.blocks.at(-1).type, "context");
    assert.ok(body.blocks.at(-1).elements[0].text.includes(`weft status ${report.id}`));
    assert.match(body.text, /deploy failed/);
    // Nothing weft prints or stores holds the token.
    const status = await weft(["status", report.id], { env });
    assert.match(status.stdout, /notified {2}slack: sent/);
    assert.ok(!status.stdout.includes("sEcReTtOkEn42") && !run.stderr.includes("sEcReTtOkEn42"));
  });
});

Deno.test("slack: SLACK_WEBHOOK_URL and the global config fill in what the workflow leaves out", async () => {
  await withHook(async (hook, dir) => {
    const seedFlow = `{"name": "seedflow",
      "tasks": [{"id": "t", "type": "shell", "command": "true"}],
      "notifications": {"channels": ["slack", "webhook"], "on_completion": true, "on_failure": true}}`;
    await Deno.writeTextFile(`${dir}/flow.json`, seedFlow);
    const home = `${dir}/home`;
    await Deno.mkdir(home);
    await Deno.writeTextFile(
      `${home}/config.json`,
      JSON.stringify({
        notifications: { webhook: { url: `${hook.url}/generic`, headers: { "X-Team": "ops" } } },
      }),
    );
    const env = { SLACK_WEBHOOK_URL: `${hook.url}/from-env/${TOKEN}`, WEFT_HOME: home };
    const run = await weft(["run", `${dir}/flow.json`, "--json"], { env });
    assert.equal(run.code, 0, run.stderr);
    const byPath = new Map(hook.requests.map((r) => [r.path, r]));
    assert.match((byPath.get(`/from-env/${TOKEN}`)!.body as Any).text, /seedflow success/);
    const generic = byPath.get("/generic")!;
    assert.equal(generic.headers["x-team"], "ops");
    // The webhook gets exactly `weft run --json`'s report.
    assert.deepEqual(generic.body, JSON.parse(run.stdout));
  });
});

Deno.test("on_failure only: a successful run sends nothing; an unusable channel is recorded, not fatal", async () => {
  await withHook(async (hook, dir) => {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: quiet
notifications: { channels: [slack, email], on_failure: true, slack: { webhook_url: "${hook.url}/x" } }
tasks: [{ id: t, command: "\${env.CMD}" }]
`,
    );
    const env = { WEFT_HOME: `${dir}/home`, CMD: "true" };
    const ok = await weft(["run", `${dir}/flow.yml`], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(hook.requests.length, 0);
    const bad = await weft(["run", `${dir}/flow.yml`], { env: { ...env, CMD: "false" } });
    assert.equal(bad.code, 1);
    assert.equal(hook.requests.length, 1);
    assert.match(
      bad.stderr,
      /warning: notification to email failed: no SMTP server: set notifications\.email\.smtp\.host or SMTP_HOST/,
    );
    const status = JSON.parse((await weft(["status", "--json"], { env })).stdout);
    assert.deepEqual(
      status.notifications.map((n: Any) => [n.channel, n.ok]).sort(),
      [["email", false], ["slack", true]],
    );
  });
});

Deno.test("slack: a task's output or an alert's text cannot mention anyone (<!channel>, <@U…>) in the blocks or the fallback text", async () => {
  await withHook(async (hook, dir) => {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      deployToSlack(
        `{ webhook_url: "\${env.HOOK}/services/x" }`,
        `alerts:
  - name: failed
    condition: "execution.status === 'failed'"
    channels: [slack]
    template: "Workflow \${workflow.name} failed: \${error.message}"
tasks:
  - id: build
    command: "echo '<!channel> look <@U123> & <https://evil.example|click>'; exit 3"
`,
      ),
    );
    const env = { HOOK: hook.url, WEFT_HOME: `${dir}/home` };
    const run = await weft(["run", `${dir}/flow.yml`], { env });
    assert.equal(run.code, 1);
    assert.equal(hook.requests.length, 2, "the run's notice and the alert");
    for (const { body } of hook.requests as { body: Any }[]) {
      const all = JSON.stringify(body);
      assert.ok(!all.includes("<!") && !all.includes("<@") && !all.includes("<http"), all);
    }
    const notice = (hook.requests as { body: Any }[]).find((r) => r.body.text.includes("look"));
    assert.ok(notice, "the fallback text carries the log's last lines");
    assert.ok(
      notice.body.text.includes("&lt;!channel&gt; look &lt;@U123&gt; &amp;"),
      notice.body.text,
    );
  });
});
