/**
 * A `${...}` value in a notification setting is data, never syntax (src/notify/fields.ts):
 * webhook and Slack URLs are built as an http task's `url` (percent-encoded per part,
 * host and port checked), a mail address gets no extra recipient or header, a subject no
 * header. Through `weft run` against a real HTTP server and a real SMTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import {
  renderAddressField,
  renderHeaderField,
  renderUrlField,
  webhookUrlSecrets,
} from "../src/notify/fields.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { startSmtp } from "./fixtures/notify/servers.ts";
import { authorizationOf, startRecordingServer } from "./_loopback_server.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** An HTTP server on 127.0.0.1 that keeps each request's target (path and query as sent). */
function startTargetServer() {
  return startRecordingServer((req) => {
    const url = new URL(req.url);
    return url.pathname + url.search;
  });
}

async function runFlow(yaml: string, params: string[], env: Record<string, string> = {}) {
  const dir = testTempDir("notify-fields-");
  await Deno.writeTextFile(`${dir}/flow.yml`, yaml);
  const args = ["run", `${dir}/flow.yml`, ...params.flatMap((p) => ["-p", p])];
  return await weft(args, { env: { WEFT_HOME: `${dir}/home`, ...env } });
}

Deno.test("webhook url: a param stays in its path segment and query value", opts, async () => {
  const server = startTargetServer();
  try {
    const flow = `name: hooknotify
params: { user: alice, port: "${server.port}" }
notifications:
  channels: [webhook]
  webhook: { url: "http://127.0.0.1:\${params.port}/audit/\${params.user}?src=weft&u=\${params.user}" }
tasks: [{ id: a, command: "true" }]
`;
    const run = await runFlow(flow, ["user=../../admin/delete?confirm=yes#"]);
    assert.equal(run.code, 0, run.stderr);
    const v = "..%2F..%2Fadmin%2Fdelete%3Fconfirm%3Dyes%23";
    assert.deepEqual(server.seen, [`/audit/${v}?src=weft&u=${v}`]);
    const plain = await runFlow(flow, ["user=bob smith"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(server.seen[1], "/audit/bob%20smith?src=weft&u=bob%20smith");
  } finally {
    await server.close();
  }
});

Deno.test(
  "webhook and slack urls: a value cannot pick the port or add a path; nothing is sent",
  opts,
  async () => {
    const server = startTargetServer();
    try {
      const port = server.port;
      for (
        const settings of [
          `webhook: { url: "http://127.0.0.1:\${params.v}/hook" }`,
          `slack: { webhook_url: "http://127.0.0.1:\${params.v}/hook" }`,
        ]
      ) {
        const channel = settings.startsWith("slack") ? "slack" : "webhook";
        const run = await runFlow(
          `name: h3\nparams: { v: "1" }\nnotifications:\n  channels: [${channel}]\n  ${settings}\n` +
            `tasks: [{ id: a, command: "true" }]\n`,
          [`v=${port}/steal?`],
        );
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stderr, /cannot be used as the port of the URL/);
        assert.match(run.stderr, new RegExp(`notification to ${channel} failed`));
      }
      // The value in a path segment after a fixed port is encoded: /services/<one segment>.
      const slack = await runFlow(
        `name: s\nparams: { v: x }\nnotifications:\n  channels: [slack]\n` +
          `  slack: { webhook_url: "http://127.0.0.1:${port}/services/\${params.v}" }\n` +
          `tasks: [{ id: a, command: "true" }]\n`,
        [`v=${port}/steal?`],
      );
      assert.equal(slack.code, 0, slack.stderr);
      assert.deepEqual(server.seen, [`/services/${port}%2Fsteal%3F`]);
    } finally {
      await server.close();
    }
  },
);

/** The message `fn` throws, its quoted data resolved (model/data_text.ts: cut once masked). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error);
    return resolveQuoted(error.message);
  }
  throw new Error("expected a refusal");
}

Deno.test("renderUrlField: the http task's rules (raw, base, host, dot segments)", () => {
  const scope = (root: string, path: string[]) =>
    root === "params"
      ? ({ a: "x/y", base: "http://h:1/p", host: "h/evil", dot: ".." } as Record<
        string,
        string
      >)[path[0]] ?? null
      : null;
  const f = "notifications.webhook.url";
  assert.equal(renderUrlField("http://h/${params.a}", scope, f), "http://h/x%2Fy");
  assert.equal(renderUrlField("http://h/${raw(params.a)}", scope, f), "http://h/x/y");
  assert.equal(renderUrlField("${params.base}/${params.a}", scope, f), "http://h:1/p/x%2Fy");
  assert.match(
    refusal(() => renderUrlField("http://${params.host}/x", scope, f)),
    /^notifications\.webhook\.url: value "h\/evil" cannot be used as the host of the URL in \$\{params\.host\}/,
  );
  assert.throws(() => renderUrlField("http://h/${params.dot}/x", scope, f), /path segment/);
  assert.throws(() => renderUrlField("ftp://h/${params.a}", scope, f), /http:\/\/ or https:\/\//);
});

Deno.test("renderAddressField / renderHeaderField: values stay inside one address, one header", () => {
  const values: Record<string, string> = {
    ok: "ops",
    comma: "a@x.test, evil@y.test",
    semi: "a@x.test;evil@y.test",
    crlf: "a@x.test\r\nBcc: evil@y.test",
    space: "evil@y.test a",
    angle: "<evil@y.test>",
    group: "g: evil@y.test",
  };
  const scope = (_root: string, path: string[]) => values[path[0]] ?? null;
  const f = "notifications.email.to[0]";
  assert.equal(renderAddressField("${params.ok}@x.test", scope, f), "ops@x.test");
  assert.equal(renderAddressField("a@x.test, b@x.test", scope, f), "a@x.test, b@x.test");
  for (const name of ["comma", "semi", "crlf", "space", "angle", "group"]) {
    assert.match(
      refusal(() => renderAddressField(`\${params.${name}}@x.test`, scope, f)),
      /^notifications\.email\.to\[0\]: value .* holds .*, which would change the mail's addresses/,
      name,
    );
  }
  const s = "notifications.email.subject";
  assert.equal(
    renderHeaderField("deploy ${params.comma}", scope, s),
    "deploy a@x.test, evil@y.test",
  );
  assert.throws(() => renderHeaderField("x ${params.crlf}", scope, s), /a line break/);
});

Deno.test(
  "email: a param cannot add a recipient or a header; a plain one is delivered",
  opts,
  async () => {
    const smtp = await startSmtp();
    try {
      const flow = `name: mailer
params: { who: ops, sender: weft, what: deploy }
notifications:
  channels: [email]
  email:
    smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false }
    from: "\${params.sender}@example.test"
    to: ["\${params.who}@example.test"]
    subject: "[weft] \${params.what}"
tasks: [{ id: a, command: "true" }]
`;
      const attacks = [
        ["who=a@example.test, evil@attacker.test", /email\.to\[0\]: value .* holds ","/],
        [
          "who=a@example.test\r\nBcc: evil@attacker.test",
          /email\.to\[0\]: value .* holds a line break/,
        ],
        [
          "sender=x@example.test\r\nBcc: e3@attacker.test",
          /email\.from: value .* holds a line break/,
        ],
        ["what=x\r\nBcc: e4@attacker.test", /email\.subject: value .* holds a line break/],
      ] as const;
      for (const [param, reason] of attacks) {
        const run = await runFlow(flow, [param]);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stderr, /notification to email failed/);
        assert.match(run.stderr, reason);
      }
      assert.equal(smtp.mails.length, 0, "nothing was sent");
      const ok = await runFlow(flow, ["who=dev"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(smtp.mails.length, 1, ok.stderr);
      assert.deepEqual(smtp.mails[0].envelope, {
        from: "weft@example.test",
        to: ["dev@example.test"],
      });
      assert.equal(smtp.mails[0].subject, "[weft] deploy");
    } finally {
      await smtp.close();
    }
  },
);

/** An HTTP server on 127.0.0.1 that counts requests and keeps their Authorization header. */
const startCountingServer = () => startRecordingServer(authorizationOf);

Deno.test(
  "webhook url: a value with ':' in the user name is refused as in an http task; nothing is sent",
  opts,
  async () => {
    const server = startCountingServer();
    try {
      const flow = `name: userhook
params: { user: u }
notifications:
  channels: [webhook]
  webhook: { url: "http://\${params.user}@127.0.0.1:${server.port}/h" }
tasks: [{ id: a, command: "true" }]
`;
      const ok = await runFlow(flow, ["user=admin"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(server.seen, [`Basic ${btoa("admin:")}`]);
      const bad = await runFlow(flow, ["user=admin:guess"]);
      assert.equal(bad.code, 0, bad.stderr); // a notification never changes the run's outcome
      assert.match(
        bad.stderr,
        /notification to webhook failed: notifications\.webhook\.url: the URL's user name "admin:guess" contains ':'.* in \$\{params\.user\} \(RFC 7617/,
      );
      assert.doesNotMatch(bad.stderr, /after \d+ tries/, "a refusal is not retried");
      assert.equal(server.seen.length, 1, "the refused notification was never sent");
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "webhook headers: a value with a line break is refused at once, naming the header; nothing is sent",
  opts,
  async () => {
    const server = startCountingServer();
    try {
      const flow = `name: headhook
params: { h: ok, tok: "secret-token-1234" }
notifications:
  channels: [webhook]
  webhook:
    url: "http://127.0.0.1:${server.port}/h"
    headers: { X-Custom: "\${params.h}", Authorization: "Bearer \${params.tok}" }
tasks: [{ id: a, command: "true" }]
`;
      const ok = await runFlow(flow, ["h=fine"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(server.seen.length, 1);
      const bad = await runFlow(flow, ["h=a\r\nX-Evil: 1"]);
      assert.equal(bad.code, 0, bad.stderr);
      const line = bad.stderr.split("\n").find((l) => l.includes("notification to webhook"));
      assert.ok(line, bad.stderr);
      // One line: the value's CR LF is quoted escaped, and the refusal is not retried.
      assert.match(
        line,
        /failed: header "X-Custom": its value "a\\r\\nX-Evil: 1" contains a line break \(CR or LF\), which could start another header; refused; recorded on run/,
      );
      assert.doesNotMatch(bad.stderr, /after \d+ tries|Invalid header value/);
      // A credential header's value is never repeated, masked or not.
      const cred = await runFlow(flow, ["tok=abc\ndef"]);
      assert.match(cred.stderr, /header "Authorization": its value contains a line break/);
      assert.doesNotMatch(cred.stderr, /abc/);
      assert.equal(server.seen.length, 1, "the refused notifications were never sent");
    } finally {
      await server.close();
    }
  },
);

Deno.test("webhookUrlSecrets: the URL, its path (with the query) and a token-long last segment", () => {
  assert.deepEqual(
    webhookUrlSecrets("https://hooks.slack.com/services/T0AB/B0CD/xoxbSecretPart77"),
    [
      "https://hooks.slack.com/services/T0AB/B0CD/xoxbSecretPart77",
      "/services/T0AB/B0CD/xoxbSecretPart77",
      "/services/T0AB/B0CD/xoxbSecretPart77",
      "xoxbSecretPart77",
    ],
  );
  // A short last segment is a word, not a token: only the path is (and the value of a
  // query parameter named like a credential, as in any URL).
  assert.deepEqual(webhookUrlSecrets("https://x.example/api/events?key=k123"), [
    "https://x.example/api/events?key=k123",
    "k123",
    "/api/events?key=k123",
    "/api/events",
  ]);
  assert.deepEqual(webhookUrlSecrets("https://x.example/?key=k123"), [
    "https://x.example/?key=k123",
    "k123",
    "/?key=k123",
  ]);
  assert.deepEqual(webhookUrlSecrets("not a url"), ["not a url"]);
  // A password in the user info, encoded and decoded, and the Basic credential fetch sends.
  const found = webhookUrlSecrets("http://hook:Pw%40123%3A@127.0.0.1:1/h");
  for (const value of ["Pw%40123%3A", "Pw@123:", btoa("hook:Pw@123:"), "hook:Pw@123:"]) {
    assert.ok(found.includes(value), `${value} in ${JSON.stringify(found)}`);
  }
});
