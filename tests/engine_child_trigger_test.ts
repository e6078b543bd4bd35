/**
 * A sub-workflow's child run stands for its caller's trigger (src/engine/child.ts): on
 * a backfill it reads the fire's `${trigger.type}`, `${schedule.time}` and
 * `${schedule.name}`, and history shows it so; a manual caller's child is manual.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/child_trigger/", import.meta.url).pathname;

Deno.test("child run: a backfilled caller's child reads the caller's fire time and trigger", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const added = await weft(
    [
      "schedule",
      "add",
      `${DIR}parent.yml`,
      "--cron",
      "0 3 * * *",
      "--tz",
      "UTC",
      "--name",
      "nightly",
    ],
    { env },
  );
  assert.equal(added.code, 0, added.stderr);
  const bf = await weft(
    ["schedule", "backfill", "nightly", "--from", "2026-11-01", "--to", "2026-11-01"],
    { env },
  );
  assert.equal(bf.code, 0, bf.stderr);
  const logs = await weft(["logs"], { env });
  assert.match(logs.stdout, /\[c\] child sees backfill 2026-11-01T03:00:00\+00:00 nightly/);
  assert.match(logs.stdout, /parent sees backfill 2026-11-01T03:00:00\+00:00/);
  const history = JSON.parse((await weft(["history", "--all", "--json"], { env })).stdout);
  const child = history.find((r: { workflow: string }) => r.workflow === "child");
  assert.equal(child.trigger.type, "backfill");

  const manual = await weft(["run", `${DIR}parent.yml`], { env });
  assert.equal(manual.code, 0, manual.stderr);
  const manualLogs = await weft(["logs"], { env });
  assert.match(manualLogs.stdout, /\[c\] child sees manual /);
});
