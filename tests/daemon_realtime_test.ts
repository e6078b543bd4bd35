/**
 * The one real-time test of the scheduler: the real daemon fires a seconds-field
 * schedule at least three times in ten seconds, each run reading its logical fire time
 * and schedule name, each fire recorded once.
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("daemon: a seconds-field schedule fires at least three times in ten seconds", async () => {
  const dir = testTempDir("realtime-");
  writeFlow(
    dir,
    "every.yml",
    `name: every
trigger:
  type: schedule
  config:
    schedule: "* * * * * *"
    timezone: Europe/Berlin
    name: each-second
tasks:
  - id: say
    type: shell
    command: echo "for \${schedule.time} of \${schedule.name}"
`,
  );
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/daemon started/);
    const started = Date.now();
    while (daemon.count(/ended success/) < 3) {
      const left = 10_000 - (Date.now() - started);
      assert.ok(left > 0, `fewer than 3 fires in 10 s:\n${daemon.lines.join("\n")}`);
      await daemon.waitFor(/ended success/, { from: daemon.lines.length, timeoutMs: left });
    }
    assert.equal(await daemon.stop(), 0);
    const runs = daemon.lines.filter((l) => /started \(schedule each-second /.test(l));
    assert.ok(runs.length >= 3, daemon.lines.join("\n"));
    const times = runs.map((l) => l.match(/each-second (\S+)\)/)![1]);
    assert.equal(new Set(times).size, times.length, "no fire twice");
    for (const t of times) assert.match(t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    const id = runs[0].match(/run (\S+) started/)![1];
    const logs = await weft(["logs", id], { env: { WEFT_HOME: daemon.home } });
    assert.match(logs.stdout, new RegExp(`for ${times[0].replace("+", "\\+")} of each-second`));
  } finally {
    await daemon.stop("SIGKILL");
  }
});
