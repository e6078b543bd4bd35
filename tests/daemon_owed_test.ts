/**
 * A file's schedule that starts firing in a running daemon (src/schedule/daemon_owed.ts):
 * its file did not validate when the daemon started, and SIGHUP loads it fixed. The fires
 * it owes since its last fire (while no daemon ran, and while its file could not load)
 * are caught up within `catchup`, as on any start, and the log says so — none is lost
 * without a trace (tester tdaemon F5).
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FLOW = `name: d
trigger:
  type: schedule
  config:
    schedule: "*/2 * * * * *"
    timezone: UTC
    catchup: 1h
tasks:
  - id: t
    command: "true"
`;

Deno.test("a file schedule loaded fixed by SIGHUP catches up the fires it owes since its last fire", async () => {
  const dir = testTempDir("owed-");
  const home = testTempDir("home-");
  Deno.mkdirSync(`${dir}/flows`);
  const file = writeFlow(`${dir}/flows`, "d.yml", FLOW);
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await first.waitFor(/run \S+ ended success/);
    assert.equal(await first.stop(), 0);
  } finally {
    await first.stop("SIGKILL");
  }
  // An editing mistake while no daemon runs.
  Deno.writeTextFileSync(file, FLOW + "  - id: [broken\n");
  await sleep(3000); // fires owed while no daemon runs
  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await second.waitFor(/d\.yml does not validate, not loaded/);
    await second.waitFor(/daemon started/);
    await sleep(2500); // fires owed while its file cannot load
    Deno.writeTextFileSync(file, FLOW);
    const from = second.lines.length;
    second.child.kill("SIGHUP");
    await second.waitFor(
      /schedule d: fires from now on; the fires it owes since its last fire \(\S+\) run as catch-ups/,
      { from },
    );
    await second.waitFor(/run \S+ started \(catch-up d /, { from });
    await second.waitFor(/run \S+ started \(schedule d /, { from });
    assert.equal(await second.stop(), 0);
  } finally {
    await second.stop("SIGKILL");
  }
  const store = await openScheduleStore(home, { readOnly: true });
  let times: number[];
  try {
    times = (await store.listFires("d")).map((f) => Date.parse(f.time));
  } finally {
    store.close();
  }
  // Every fire from the first daemon's to the last one is on record: none left out.
  for (let i = 1; i < times.length; i++) {
    assert.equal(
      times[i] - times[i - 1],
      2000,
      `a gap after ${new Date(times[i - 1]).toISOString()}`,
    );
  }
  assert.ok(times.length >= 3, `${times.length} fires`);
});
