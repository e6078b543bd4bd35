/**
 * One rule for schedule names (model/schedule.ts scheduleNameProblem) wherever a schedule
 * gets its name — `weft validate` and the daemon for a file's schedule trigger, `weft
 * schedule add` — and names shown on one line wherever printed: the daemon's log and
 * `weft schedule list` (tester tdaemon F4: a line break in a name forged log lines).
 */
import assert from "node:assert/strict";
import { testSchedule } from "./_daemon_in_process.ts";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";

const FIXTURES = new URL("./fixtures/schedule_names/", import.meta.url).pathname;

Deno.test("validate, schedule add and the daemon refuse the same schedule names, at file:line:column", async () => {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home };
  const named = `${FIXTURES}workflow_name.yml`;
  const checked = await weft(["validate", named], { env });
  assert.equal(checked.code, 2, checked.stdout + checked.stderr);
  const said = checked.stdout + checked.stderr;
  assert.match(said, /workflow_name\.yml:1:7: name: schedule name .* holds a control character/);
  assert.match(said, /named after the workflow/);
  assert.match(said, /set the trigger's config\.name/);
  const own = await weft(["validate", `${FIXTURES}config_name.yml`], { env });
  assert.equal(own.code, 2);
  assert.match(own.stdout + own.stderr, /config_name\.yml:8:13: triggers\[1\]\.config\.name: /);
  const added = await weft(["schedule", "add", named], { env });
  assert.equal(added.code, 2);
  assert.match(added.stderr, /holds a control character/);

  const daemon = startDaemon(["--dir", FIXTURES], { home });
  try {
    await daemon.waitFor(/workflow_name\.yml does not validate, not loaded/);
    await daemon.waitFor(/config_name\.yml does not validate, not loaded/);
    await daemon.waitFor(/loaded 0 workflow\(s\), 0 active schedule\(s\)/);
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
  assert.ok(!daemon.lines.some((l) => l.startsWith("FAKE")), daemon.lines.join("\n"));
});

Deno.test("a stored schedule name holding a line break is shown on one line by the daemon's log and schedule list", async () => {
  const dir = testTempDir("names-");
  const home = testTempDir("home-");
  Deno.mkdirSync(`${dir}/empty`);
  const file = writeFlow(dir, "j.yml", `name: j\ntasks:\n  - id: t\n    command: "true"\n`);
  // As a weft before the rule stored it (its daemon accepted such a file's trigger).
  const name = "n\nFAKE 2026-12-02T00:00:00.000Z daemon stopped";
  const store = await openScheduleStore(home);
  try {
    await store.add(
      testSchedule({ name, file, cron: "*/2 * * * * *", createdAt: new Date().toISOString() }),
    );
  } finally {
    store.close();
  }
  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  try {
    const line = await daemon.waitFor(/run \S+ started \(schedule n\\nFAKE /);
    assert.match(line, /daemon stopped \S+\) /, "the event's own line goes on");
    await daemon.waitFor(/run \S+ ended success/);
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
  assert.ok(!daemon.lines.some((l) => l.startsWith("FAKE")), daemon.lines.join("\n"));
  const listed = await weft(["schedule", "list"], { env: { WEFT_HOME: home } });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^n\\nFAKE 2026-12-02T00:00:00\.000Z daemon stopped$/m);
  assert.ok(!listed.stdout.split("\n").some((l) => l.startsWith("FAKE")), listed.stdout);
});
