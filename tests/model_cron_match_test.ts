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
