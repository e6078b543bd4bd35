/**
 * Mail header text built from values reaches the reader as written (notify/email.ts
 * literalHeaderText, notify/fields.ts renderAddressField), through the real `weft run`
 * and a real SMTP server whose parser (mailparser) decodes RFC 2047 encoded-words as
 * mail readers do: a subject holding `=?` is sent encoded; an address value holding one
 * is refused.
 */
import assert from "node:assert/strict";
import { encodeWord } from "nodemailer/lib/mime-funcs/index.js";
import { literalHeaderText } from "../src/notify/email.ts";
import { startSmtp } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/notify_header/mail.yml", import.meta.url).pathname;
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("literalHeaderText: text holding =? is encoded whole; other text is left to nodemailer", () => {
  assert.equal(literalHeaderText("deploy ok", encodeWord), "deploy ok");
  assert.equal(literalHeaderText("déploiement", encodeWord), "déploiement");
  const encoded = literalHeaderText("a =?utf-8?B?eA==?=", encodeWord);
  assert.ok(typeof encoded !== "string" && encoded.prepared);
  assert.match(encoded.value, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
  assert.equal(atob(encoded.value.slice(10, -2)), "a =?utf-8?B?eA==?=");
});

Deno.test(
  "cli mail header: a subject value shaped like an encoded-word reads as written",
  opts,
  async () => {
    const smtp = await startSmtp();
    try {
      const home = testTempDir("home-");
      const env = { WEFT_HOME: home, SMTP_PORT: String(smtp.port) };
      const subjects = [
        "ok =?utf-8?B?W1VSR0VOVF0gcGF5IGludm9pY2U=?=",
        "=?utf-8?Q?=5BURGENT=5D?=",
        "x=?iso-8859-1?q?caf=E9?=y",
        "half =? open",
        "é =?utf-8?B?eA==?= " + "long ".repeat(20).trim(),
        "plain",
      ];
      for (const subj of subjects) {
        const run = await weft(["run", FIXTURE, "-p", `subj=${subj}`], { env });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(smtp.mails.at(-1)?.subject, `deploy ${subj}`);
      }
      assert.equal(smtp.mails.length, subjects.length);
    } finally {
      await smtp.close();
    }
  },
);

Deno.test(
  "cli mail header: an address value holding =? is refused naming the field; nothing is mailed",
  opts,
  async () => {
    const smtp = await startSmtp();
    try {
      const home = testTempDir("home-");
      const env = { WEFT_HOME: home, SMTP_PORT: String(smtp.port) };
      const run = await weft(["run", FIXTURE, "-p", "who==?utf-8?B?Q0VP?="], { env });
      assert.equal(smtp.mails.length, 0);
      const status = JSON.parse((await weft(["status", "--json"], { env })).stdout);
      const [sent] = status.notifications as { ok: boolean; error: string }[];
      assert.equal(sent?.ok, false, run.stderr);
      assert.match(
        sent.error,
        /notifications\.email\.from: value "=\?utf-8\?B\?Q0VP\?=" holds "=\?"/,
      );
      // A plain value still goes.
      const plain = await weft(["run", FIXTURE, "-p", "who=WeftBot"], { env });
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(smtp.mails.at(-1)?.from, '"WeftBot" <weft@example.test>');
    } finally {
      await smtp.close();
    }
  },
);
