/**
 * The email channel against a real SMTP server on 127.0.0.1 (npm smtp-server): with and
 * without AUTH (PLAIN and LOGIN), STARTTLS and implicit TLS with a self-signed
 * certificate made by openssl, and through `weft run` with `${env.SMTP_PORT}` as port.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { sendEmail } from "../src/notify/email.ts";
import type { EmailChannel } from "../src/notify/channels.ts";
import type { RunMessage } from "../src/notify/message.ts";
import { selfSignedCert, startSmtp } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";

const message: RunMessage = {
  workflow: "deploy",
  runId: "20261201T000000.000Z-abc",
  status: "failed",
  durationMs: 4200,
  failed: [{ id: "build", name: "Build", status: "failed", detail: "exit 2", tail: ["a <b>"] }],
  statusCommand: "weft status 20261201T000000.000Z-abc",
};

function channel(port: number, extra: Partial<EmailChannel> = {}): EmailChannel {
  return {
    kind: "email",
    host: "127.0.0.1",
    port,
    secure: false,
    from: "weft@example.test",
    to: ["ops@example.test"],
    ...extra,
  };
}

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("email without AUTH: subject, plain text and HTML body", opts, async () => {
  const smtp = await startSmtp();
  try {
    await sendEmail(channel(smtp.port), message);
    assert.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0];
    assert.equal(mail.subject, "[weft] deploy failed");
    assert.equal(mail.auth, null);
    assert.match(mail.text, /build failed: exit 2/);
    assert.match(mail.text, /weft status 20261201T000000\.000Z-abc/);
    assert.match(mail.html, /<pre>a &lt;b&gt;<\/pre>/);
    assert.equal(mail.to, "ops@example.test");
  } finally {
    await smtp.close();
  }
});

for (const method of ["PLAIN", "LOGIN"]) {
  Deno.test(`email with AUTH ${method}`, opts, async () => {
    const smtp = await startSmtp({
      auth: { user: "weft", password: "s3cret-pw", methods: [method] },
    });
    try {
      await sendEmail(channel(smtp.port, { user: "weft", password: "s3cret-pw" }), message);
      assert.deepEqual(smtp.mails[0].auth, { method, user: "weft", password: "s3cret-pw" });
      await assert.rejects(
        sendEmail(channel(smtp.port, { user: "weft", password: "wrong" }), message),
        /Invalid username or password|auth/i,
      );
    } finally {
      await smtp.close();
    }
  });
}

Deno.test("email over STARTTLS and implicit TLS with a self-signed certificate", opts, async () => {
  const dir = testTempDir();
  const tls = await selfSignedCert(dir);
  const env = { NODE_EXTRA_CA_CERTS: tls.caFile };
  const starttls = await startSmtp({ tls, auth: { user: "u", password: "pw-pw-pw" } });
  const implicit = await startSmtp({ tls, secure: true });
  try {
    await sendEmail(channel(starttls.port, { user: "u", password: "pw-pw-pw" }), message, env);
    assert.equal(starttls.mails[0].secure, true, "upgraded with STARTTLS");
    await sendEmail(channel(implicit.port, { secure: true }), message, env);
    assert.equal(implicit.mails[0].secure, true);
    // Without trusting the certificate, the mail is refused, not sent in the clear.
    await assert.rejects(sendEmail(channel(implicit.port, { secure: true }), message), /cert/i);
    // A CA file that is a FIFO is refused naming it, unopened; not skipped (the mail would
    // then fail on its certificate without a word about the file).
    const fifo = `${dir}/ca.pem`;
    assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
    await assert.rejects(
      sendEmail(channel(implicit.port, { secure: true }), message, { NODE_EXTRA_CA_CERTS: fifo }),
      /NODE_EXTRA_CA_CERTS\) "[^"]*ca\.pem" is a named pipe \(FIFO\), not a file/,
    );
  } finally {
    await starttls.close();
    await implicit.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  "weft run mails the outcome; port from ${env.SMTP_PORT}; the password is masked",
  opts,
  async () => {
    const smtp = await startSmtp({ auth: { user: "weft", password: "hunter2-pw" } });
    const dir = testTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/flow.yml`,
        `name: mailer
notifications:
  channels: [email]
  on_completion: true
  email:
    smtp: { host: 127.0.0.1, port: "\${env.SMTP_PORT}", secure: false, user: weft, password: "\${env.MAIL_PW}" }
    from: weft@example.test
    to: [ops@example.test, dev@example.test]
tasks:
  - id: hello
    command: echo "pw is $MAIL_PW"
`,
      );
      const home = `${dir}/home`;
      const env = { SMTP_PORT: String(smtp.port), MAIL_PW: "hunter2-pw", WEFT_HOME: home };
      const run = await weft(["run", `${dir}/flow.yml`, "--json"], { env });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(smtp.mails.length, 1);
      assert.equal(smtp.mails[0].subject, "[weft] mailer success");
      assert.equal(smtp.mails[0].to, "ops@example.test, dev@example.test");
      const status = await weft(["status", "--json"], { env });
      const report = JSON.parse(status.stdout);
      assert.deepEqual(
        report.notifications.map((n: { channel: string; ok: boolean }) => [n.channel, n.ok]),
        [["email", true]],
      );
      const logs = await weft(["logs", report.id, "hello"], { env });
      assert.match(logs.stdout, /pw is \*\*\*/);
    } finally {
      await smtp.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "SMTP_TO is an RFC 5322 address-list: commas (and quoted names) reach each; blanks are refused",
  opts,
  async () => {
    const smtp = await startSmtp();
    const dir = testTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/flow.yml`,
        `name: mailer
notifications:
  channels: [email]
  on_completion: true
tasks:
  - id: hello
    command: "true"
`,
      );
      const env = (to: string) => ({
        SMTP_HOST: "127.0.0.1",
        SMTP_PORT: String(smtp.port),
        SMTP_FROM: "weft@example.test",
        SMTP_TO: to,
        WEFT_HOME: `${dir}/home`,
      });
      const good: [string, string[]][] = [
        ["a@example.test, b@example.test", ["a@example.test", "b@example.test"]],
        ['"Doe, Jane" <j@example.test>,b@example.test', ["j@example.test", "b@example.test"]],
        ["a@example.test", ["a@example.test"]],
      ];
      for (const [to, rcpt] of good) {
        const run = await weft(["run", `${dir}/flow.yml`], { env: env(to) });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(smtp.mails.at(-1)!.envelope.to, rcpt, to);
      }
      assert.equal(smtp.mails.at(-2)!.to, '"Doe, Jane" <j@example.test>, b@example.test');
      const sent = smtp.mails.length;
      const notified = async (e: Record<string, string>) =>
        JSON.parse((await weft(["status", "--json"], { env: e })).stdout)
          .notifications as { ok: boolean; error: string }[];
      const blanks = [
        "a@example.test b@example.test",
        "a@example.test, b@example.test c@example.test",
      ];
      for (const to of blanks) {
        await weft(["run", `${dir}/flow.yml`], { env: env(to) });
        const [n] = await notified(env(to));
        assert.equal(n.ok, false, to);
        // Settings that cannot work are not tried again (retry.ts NotRetried).
        assert.equal((n as { attempts?: number }).attempts, 1, to);
        assert.match(
          n.error,
          /SMTP_TO .* lists addresses separated by blanks: separate them with commas/,
        );
      }
      await weft(["run", `${dir}/flow.yml`], { env: env("ops") });
      assert.match((await notified(env("ops")))[0].error, /"ops" is not a mail address/);
      assert.equal(smtp.mails.length, sent, "nothing mailed to a mangled list");
    } finally {
      await smtp.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
