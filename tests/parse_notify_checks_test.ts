/**
 * `weft validate` checks the `${...}` in notification settings (src/parse/notify_checks.ts)
 * like every other templated field: syntax, unknown names and undeclared parameters, at
 * file:line:col with a did-you-mean, with the names notifications are rendered with
 * (env, params, workflow.name).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { blankBetweenAddresses } from "../src/parse/notify_checks.ts";
import { testTempDir } from "./_tmp.ts";

async function validate(yaml: string) {
  const dir = testTempDir("notify-checks-");
  await Deno.writeTextFile(`${dir}/flow.yml`, yaml);
  const result = await weft(["validate", `${dir}/flow.yml`]);
  return { code: result.code, out: result.stdout + result.stderr };
}

Deno.test("validate: bad syntax and unknown names in notifications, with positions and hints", async () => {
  const { code, out } = await validate(`name: n
params: { user: alice }
notifications:
  channels: [webhook, email, slack]
  webhook:
    url: "http://127.0.0.1:2/\${params.usr}/\${tasks.a.status}"
    headers: { X-Home: "\${enf.HOME}", X-Run: "\${workflow.file}" }
  slack: { webhook_url: "http://127.0.0.1:2/\${a = b}" }
  email:
    to: [ops@example.test, "\${params.nope}@example.test"]
    subject: "\${params}"
tasks: [{ id: a, command: "true" }]
`);
  assert.equal(code, 2, out);
  const lines = [
    /flow\.yml:6:30: notifications\.webhook\.url: undeclared parameter "usr" in \$\{params\.usr\}\n {2}hint: did you mean "user"\?/,
    /flow\.yml:6:44: notifications\.webhook\.url: unknown name "tasks" in \$\{tasks\.a\.status\}\n {2}hint: notification settings are rendered before the run starts: they can use env\.NAME, params\.NAME and workflow\.name/,
    /flow\.yml:7:25: notifications\.webhook\.headers\.X-Home: unknown name "enf" in \$\{enf\.HOME\}\n {2}hint: did you mean "env"\?/,
    /flow\.yml:7:47: notifications\.webhook\.headers\.X-Run: workflow\.file is not available to notifications in \$\{workflow\.file\}/,
    /flow\.yml:8:49: notifications\.slack\.webhook_url: unexpected '='\n {2}hint: did you mean '=='\?/,
    /flow\.yml:10:29: notifications\.email\.to\[1\]: undeclared parameter "nope"/,
    /flow\.yml:11:15: notifications\.email\.subject: params needs a parameter name/,
  ];
  for (const line of lines) assert.match(out, line);
  assert.match(out, /7 problems/);
});

Deno.test("validate: the names notifications can use are accepted", async () => {
  const { code, out } = await validate(`name: n
params: { user: alice }
notifications:
  channels: [webhook, email]
  webhook:
    url: "\${env.HOOK}/audit/\${params.user}?wf=\${workflow.name}&x=\${raw(params.user)}"
    headers: { Authorization: "Bearer \${env.TOKEN}" }
  email:
    smtp: { host: "\${env.SMTP_H}", port: "\${env.SMTP_PORT}" }
    to: ["\${params.user}@example.test"]
    subject: "$\${literal} \${workflow.name}"
tasks: [{ id: a, command: "true" }]
`);
  assert.equal(code, 0, out);
});

Deno.test("validate: what the literal text of a notification URL or header decides", async () => {
  const { code, out } = await validate(`name: n
params: { user: alice }
notifications:
  channels: [webhook, slack]
  webhook:
    url: "http://a%3Ab:pw@127.0.0.1:2/h"
    headers: { X-A: "a\\nb", X-B: " fine\\n", X-C: "\${params.user}" }
  slack: { webhook_url: "ftp://hooks.example/x" }
tasks: [{ id: a, command: "true" }]
`);
  assert.equal(code, 2, out);
  assert.match(
    out,
    /flow\.yml:6:11: notifications\.webhook\.url: the URL's user name "a:b" contains ':'.*\n.*RFC 7617/,
  );
  assert.match(out, /flow\.yml:7:23: notifications\.webhook\.headers\.X-A: a header value cannot/);
  assert.match(
    out,
    /flow\.yml:8:26: notifications\.slack\.webhook_url: unsupported URL scheme ftp:/,
  );
  assert.match(out, /3 problems/);
  const fine = await validate(`name: n
params: { user: alice, url: "http://h/x" }
notifications:
  channels: [webhook]
  webhook: { url: "\${params.url}", headers: { X-A: "\${params.user}" } }
tasks: [{ id: a, command: "true" }]
`);
  assert.equal(fine.code, 0, fine.out);
});

Deno.test("blankBetweenAddresses: a blank between two literal addresses, not in values or names", () => {
  assert.equal(blankBetweenAddresses("ops@x.test dev@x.test"), 10);
  assert.equal(blankBetweenAddresses("a@x.test, b@x.test c@x.test"), 18);
  assert.equal(blankBetweenAddresses("a@x.test, b@x.test"), undefined);
  assert.equal(blankBetweenAddresses('"Ops Team" <ops@x.test>'), undefined);
  assert.equal(blankBetweenAddresses("${env.TO} ${env.CC}"), undefined);
  assert.equal(blankBetweenAddresses("ops@x.test"), undefined);
});

Deno.test("cli validate: notifications.email.to with addresses separated by a blank is placed", async () => {
  const dir = testTempDir();
  const file = `${dir}/mail.yml`;
  await Deno.writeTextFile(
    file,
    [
      "name: mail",
      "notifications:",
      "  channels: [email]",
      "  email:",
      "    from: weft@example.test",
      '    to: "ops@example.test dev@example.test"',
      "tasks:",
      "  - id: a",
      '    command: "true"',
    ].join("\n") + "\n",
  );
  const run = await weft(["validate", file]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /mail\.yml:6:26: notifications\.email\.to: addresses separated by a blank/,
  );
  assert.match(run.stderr, /hint: separate them with commas, or list them/);
  await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace(" dev@", ", dev@"));
  assert.equal((await weft(["validate", file])).code, 0);
});

Deno.test("validate: one bad ${...} in a notification setting does not hide the others", async () => {
  const { code, out } = await validate(`name: n
params: { user: alice }
notifications:
  channels: [webhook]
  webhook: { url: "http://127.0.0.1:2/\${workflow.nme}/\${x:-y}/\${parms.user}" }
tasks: [{ id: a, command: "true" }]
`);
  assert.equal(code, 2, out);
  assert.match(out, /flow\.yml:5:39: notifications\.webhook\.url: workflow\.nme is not available/);
  assert.match(out, /flow\.yml:5:58: notifications\.webhook\.url: unexpected character ':'/);
  assert.match(
    out,
    /flow\.yml:5:63: notifications\.webhook\.url: unknown name "parms" in \$\{parms\.user\}\n {2}hint: did you mean "params"\?/,
  );
  assert.match(out, /3 problems/);
});
