/**
 * src/model/smtp_values.ts through `weft validate` and `weft run`: `smtp.secure`/`tls`
 * take a boolean, never a word silently read as false (`on`, `ssl`: plain SMTP where TLS
 * was asked for), and `port` a port number; written in the file they are refused at their
 * place, rendered from a value the channel refuses them when it would send.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { smtpBoolean, smtpPort } from "../src/model/smtp_values.ts";

const FIXTURES = new URL("./fixtures/smtp_values/", import.meta.url).pathname;

Deno.test("smtp values: booleans and ports spelt as the environment spells them", () => {
  assert.deepEqual(
    ["true", "TRUE", "1", "yes", "false", "0", "no", "on", "ssl", "enabled", ""].map(smtpBoolean),
    [true, true, true, true, false, false, false, undefined, undefined, undefined, undefined],
  );
  assert.deepEqual(["587", " 465 ", "0", "70000", "12x", "0x1F"].map(smtpPort), [
    587,
    465,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
});

Deno.test('cli validate: secure: on, tls: ssl and port: "12x" are refused at their place', async () => {
  const run = await weft(["validate", `${FIXTURES}words.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const found = [...run.stderr.matchAll(/words\.yml:(\d+):(\d+): (.*)\n {2}hint: (.*)/g)]
    .map((m) => [`${m[1]}:${m[2]}`, m[3], m[4]]);
  assert.deepEqual(found, [
    [
      "5:36",
      'notifications.email.smtp.port: "12x" is not a port number (1-65535)',
      "write the port as a number (587, or 465 for TLS from the start)",
    ],
    [
      "5:50",
      'notifications.email.smtp.secure: expected a boolean, got the text "on"',
      "`on` is text in YAML 1.2, which weft reads (YAML 1.1 took it for true): write true",
    ],
    [
      "5:59",
      'notifications.email.smtp.tls: expected a boolean, got the text "ssl"',
      "write true or false",
    ],
  ]);
});

Deno.test("cli run: a rendered secure that is no boolean fails the channel, naming the value", async () => {
  const checked = await weft(["validate", `${FIXTURES}rendered.yml`]);
  assert.equal(checked.code, 0, checked.stderr);
  const run = await weft(["run", "--env", "SEC=ssl", `${FIXTURES}rendered.yml`], {
    env: { WEFT_HOME: testTempDir("smtp-") },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /notification to email failed: SMTP secure "ssl" is not a boolean: write true or false/,
  );
});
