/**
 * src/model/cron_match.ts: a cron expression that matches no time (30 February) is
 * refused the same way by `weft validate`, the daemon's load of its folders and
 * `weft schedule add`, all through cronNeverFires.
 */
import assert from "node:assert/strict";
import { cronNeverFires } from "../src/model/cron_match.ts";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/cron_match/", import.meta.url).pathname;
const NEVER = /cron expression "0 0 30 2 \*" never fires/;

Deno.test("cronNeverFires: impossible days never fire; rare ones, OR'ed weekdays and nicknames do", () => {
  for (const cron of ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 0 31 4 *"]) {
    assert.match(cronNeverFires(cron)?.message ?? "", /never fires/, cron);
  }
  // 29 February comes every 4 years; a restricted day-of-week is OR'ed with the day
  // (Vixie cron), so 30 February or any Monday fires; nicknames always fire.
  for (const cron of ["0 0 29 2 *", "0 0 30 2 1", "0 0 L 2 *", "@daily", "*/5 * * * * *"]) {
    assert.equal(cronNeverFires(cron), undefined, cron);
  }
  assert.match(cronNeverFires("0 0 30 2 *")!.hint, /30 February/);
});

Deno.test("cli validate: a schedule that never fires is an error at its line, with schedule add's words", async () => {
  const file = `${FIXTURES}never.yml`;
  const validate = await weft(["validate", file]);
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  assert.match(validate.stderr, /never\.yml:5:\d+: .*cron expression "0 0 30 2 \*" never fires/);
  assert.match(validate.stderr, /30 February/);
  const add = await weft(["schedule", "add", file]);
  assert.equal(add.code, 2);
  assert.match(add.stderr, NEVER);
  const flag = await weft(["schedule", "add", `${FIXTURES}plain.yml`, "--cron", "0 0 31 4 *"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /cron expression "0 0 31 4 \*" never fires/);
});

Deno.test("daemon: a workflow whose schedule never fires is reported and not loaded", async () => {
  const dir = testTempDir("never-");
  writeFlow(dir, "never.yml", Deno.readTextFileSync(`${FIXTURES}never.yml`));
  const daemon = startDaemon(["--dir", dir]);
  try {
    const line = await daemon.waitFor(/never\.yml does not validate/);
    assert.match(line, /not loaded/);
    assert.match(line, NEVER);
  } finally {
    await daemon.stop();
  }
});

Deno.test("cli: validate and schedule add give one message for one cron mistake, and accept the same", async () => {
  const dir = testTempDir("cron-words-");
  const file = `${dir}/w.yml`;
  const home = testTempDir("home-");
  const cases: [string, RegExp | null][] = [
    [
      "@reboot",
      /cron nickname "@reboot" is not supported[^]*hint: to run at boot[^]*@reboot weft run FILE/,
    ],
    [
      "0 2 * * MON-",
      /invalid cron expression "0 2 \* \* MON-": a range \(a-b\) is missing its end/,
    ],
    ["  ", /the cron expression is empty[^]*hint: fields: \[second\] minute[^]*@daily/],
    ["@fortnightly", /unknown cron nickname "@fortnightly"[^]*hint:[^]*@hourly/],
    ["0 0 * * 8", /day-of-week value "8" is out of range/],
    [" @daily", null],
    ["0 2 * * MON-FRI", null],
  ];
  for (const [cron, expected] of cases) {
    Deno.writeTextFileSync(
      file,
      `name: c\ntrigger: {type: schedule, config: {schedule: ${JSON.stringify(cron)}}}\n` +
        `tasks:\n  - id: a\n    command: "true"\n`,
    );
    const validate = await weft(["validate", file]);
    const add = await weft([
      "schedule",
      "add",
      `${FIXTURES}plain.yml`,
      "--cron",
      cron,
      "--name",
      `s${cases.findIndex((c) => c[0] === cron)}`,
    ], {
      env: { WEFT_HOME: home },
    });
    if (expected === null) {
      assert.equal(validate.code, 0, `${cron}: ${validate.stderr}`);
      assert.equal(add.code, 0, `${cron}: ${add.stderr}`);
      continue;
    }
    assert.equal(validate.code, 2, cron);
    assert.equal(add.code, 2, cron);
    assert.match(validate.stderr, /w\.yml:2:\d+: trigger\.config\.schedule: /);
    assert.match(validate.stderr, expected);
    assert.match(add.stderr, expected);
    // croner's own words do not reach the user.
    assert.doesNotMatch(validate.stderr + add.stderr, /environment|illegal|Syntax error|NaN/);
  }
});
