/** Channel configuration: templates (numbers included), global config and environment fallbacks, secrets. */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { parseGlobalNotifications, resolveChannels } from "../src/notify/config.ts";
import { WeftError } from "../src/model/errors.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { weft } from "./_run_cli.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const workflow = (notifications: Any, alerts: Any[] = []) => ({
  name: "wf",
  notifications,
  alerts,
});

Deno.test("every value may be a template, numbers and booleans too; secrets are collected", () => {
  const plan = resolveChannels({
    workflow: workflow({
      channels: ["email", "slack"],
      email: {
        smtp: {
          host: "${env.H}",
          port: "${env.P}",
          secure: "${env.S}",
          user: "u",
          password: "${env.PW}",
        },
        from: "weft@${env.DOMAIN}",
        to: ["ops@x.test"],
      },
      // A value adding path segments is written raw(...), as in an http task's url.
      slack: { webhook_url: "https://hooks.example/services/${raw(params.token)}" },
    }),
    env: { H: "mail.test", P: "2525", S: "true", PW: "pa55word", DOMAIN: "x.test" },
    params: { token: "T/B/abc123" },
  });
  assert.deepEqual(plan.channels.get("email"), {
    kind: "email",
    host: "mail.test",
    port: 2525,
    secure: true,
    user: "u",
    password: "pa55word",
    from: "weft@x.test",
    to: ["ops@x.test"],
    subject: undefined,
  });
  assert.equal(
    (plan.channels.get("slack") as Any).webhookUrl,
    "https://hooks.example/services/T/B/abc123",
  );
  // The webhook URL's path holds the token: masked on its own too (with the query, and alone).
  assert.deepEqual(plan.secrets.sort(), [
    "/services/T/B/abc123",
    "/services/T/B/abc123",
    "https://hooks.example/services/T/B/abc123",
    "pa55word",
  ]);
  assert.deepEqual(plan.when, { success: true, failure: true }, "default: every outcome");
});

Deno.test("workflow over global config over SMTP_* / SLACK_WEBHOOK_URL", () => {
  const plan = resolveChannels({
    workflow: workflow({
      channels: ["email", "slack"],
      on_failure: true,
      email: { to: "a@x.test, b@x.test" },
    }),
    global: { email: { smtp: { host: "global.test" }, from: "global@x.test" } },
    env: {
      SMTP_HOST: "env.test",
      SMTP_PORT: "465",
      SMTP_USER: "envuser",
      SMTP_PASSWORD: "envpass",
      SLACK_WEBHOOK_URL: "http://127.0.0.1:2/hook",
    },
    params: {},
  });
  const email = plan.channels.get("email") as Any;
  assert.equal(email.host, "global.test");
  assert.equal(email.port, 465);
  assert.equal(email.secure, true, "port 465 means implicit TLS");
  assert.equal(email.user, "envuser");
  assert.deepEqual(email.to, ["a@x.test", "b@x.test"]);
  assert.equal((plan.channels.get("slack") as Any).webhookUrl, "http://127.0.0.1:2/hook");
  assert.deepEqual(plan.when, { success: false, failure: true });
});

Deno.test("unusable channels carry their reason instead of throwing; alert channels are resolved too", () => {
  const plan = resolveChannels({
    workflow: workflow(
      {
        channels: ["slack", "pager"],
        email: { smtp: { host: "h", port: "${env.P}" }, from: "f@x", to: "t@x" },
      },
      [{ name: "a", condition: "true", channels: ["email"] }],
    ),
    env: { P: "70000" },
    params: {},
  });
  assert.match((plan.channels.get("slack") as Any).error, /SLACK_WEBHOOK_URL/);
  assert.match((plan.channels.get("pager") as Any).error, /unknown channel/);
  assert.match((plan.channels.get("email") as Any).error, /"70000" is not a port number/);
});

Deno.test("parseGlobalNotifications names the config file and the field", () => {
  assert.throws(
    () => parseGlobalNotifications({ slack: { webhook: "x" } }, "/h/config.json"),
    (e: unknown) =>
      e instanceof WeftError && /config\.json/.test(JSON.stringify(e.problems)) &&
      /notifications\.slack/.test(JSON.stringify(e.problems)),
  );
});

Deno.test("weft validate names an unknown channel in notifications and alerts", async () => {
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: bad
notifications: { channels: [slack, pager] }
alerts: [{ name: a, condition: "true", channels: [emial] }]
tasks: [{ id: t, command: "true" }]
`,
    );
    const result = await weft(["validate", `${dir}/flow.yml`]);
    assert.equal(result.code, 2);
    const text = result.stdout + result.stderr;
    assert.match(
      text,
      /flow\.yml:2:\d+: notifications\.channels\[1\]: "pager" is not one of slack, email, webhook/,
    );
    assert.match(text, /alerts\[0\]\.channels\[0\]: "emial" is not one of/);
    assert.match(text, /did you mean "email"\?/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("webhook headers are checked as an http task's: a line break makes the channel unusable", () => {
  const plan = resolveChannels({
    workflow: workflow({
      channels: ["webhook"],
      webhook: {
        url: "http://127.0.0.1:2/h",
        headers: { "X-Custom": "${params.h}", "X-Token": "${params.t}" },
      },
    }),
    env: {},
    params: { h: "a\r\nX-Evil: 1", t: " tok " },
  });
  const channel = plan.channels.get("webhook") as { error: string };
  assert.match(
    resolveQuoted(channel.error),
    /header "X-Custom": its value "a\\r\\nX-Evil: 1" contains a line break/,
  );
  assert.ok(plan.secrets.includes("tok"), "a credential header is masked even when refused");
  const fine = resolveChannels({
    workflow: workflow({
      channels: ["webhook"],
      webhook: { url: "http://127.0.0.1:2/h", headers: { "X-Custom": " ${params.h}\n" } },
    }),
    env: {},
    params: { h: "v" },
  });
  assert.deepEqual(fine.channels.get("webhook"), {
    kind: "webhook",
    url: "http://127.0.0.1:2/h",
    headers: { "X-Custom": "v" },
  });
});
