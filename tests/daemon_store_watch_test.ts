/**
 * A running daemon sees `weft schedule add`/`pause`/`remove` made by another process
 * without a SIGHUP (src/schedule/daemon_store_watch.ts); a schedule from a file's own
 * trigger cannot be removed while the file declares it, and leaves the store when the
 * file no longer does. What the watch takes as acted on is what the sync read, so a change
 * another process commits right after that read (`weft schedule resume` just after a
 * pause) is still seen at the next look: it took a second read instead, and a resume
 * committed between the two was never applied (the daemon kept the schedule paused).
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import { StoreWatch } from "../src/schedule/daemon_store_watch.ts";
import { syncSchedules } from "../src/schedule/daemon_schedules.ts";
import { testSchedule } from "./_daemon_in_process.ts";

const CHANGED = /schedules changed in the store/;

Deno.test("daemon store watch: add, pause and remove take effect in a running daemon", async () => {
  const dir = testTempDir("store-");
  const flow = writeFlow(
    dir,
    "tick.yml",
    "name: tick\ntasks:\n  - id: t\n    command: echo tick\n",
  );
  const daemon = startDaemon(["--dir", dir]);
  const cli = (...args: string[]) =>
    weft(["schedule", ...args], { env: { WEFT_HOME: daemon.home } });
  try {
    await daemon.waitFor(/daemon started/);
    const added = await cli("add", flow, "--cron", "* * * * * *", "--name", "extra");
    assert.equal(added.code, 0, added.stderr);
    await daemon.waitFor(CHANGED);
    await daemon.waitFor(/run \S+ started \(schedule extra /);

    assert.equal((await cli("pause", "extra")).code, 0);
    let from = daemon.lines.length;
    await daemon.waitFor(CHANGED, { from });
    const paused = daemon.lines.length;
    // No fire between the pause seen and the remove seen (a fire checks its schedule too).
    assert.equal((await cli("remove", "extra")).code, 0);
    from = daemon.lines.length;
    await daemon.waitFor(CHANGED, { from });
    const starts = daemon.lines.slice(paused).filter((l) => /started \(schedule extra /.test(l));
    assert.deepEqual(starts, [], "no fire once paused");
    const listed = await cli("list", "--json");
    assert.deepEqual(JSON.parse(listed.stdout), []);
    assert.equal(await daemon.stop("SIGTERM"), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon store watch: a file's own schedule is not removed by hand, and leaves with its trigger", async () => {
  const dir = testTempDir("store-");
  const withTrigger = `name: nightly
trigger:
  type: schedule
  config: {schedule: "0 3 * * *", timezone: UTC}
tasks:
  - id: t
    command: echo night
`;
  const flow = writeFlow(dir, "nightly.yml", withTrigger);
  const daemon = startDaemon(["--dir", dir]);
  const cli = (...args: string[]) =>
    weft(["schedule", ...args], { env: { WEFT_HOME: daemon.home } });
  try {
    await daemon.waitFor(/daemon started/);
    const removed = await cli("remove", "nightly");
    assert.equal(removed.code, 2);
    assert.match(removed.stderr, new RegExp(`schedule nightly comes from the trigger of ${flow}`));
    assert.match(removed.stderr, /hint: .*or stop it with: weft schedule pause nightly/);
    const paused = await cli("pause", "nightly");
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal(JSON.parse((await cli("list", "--json")).stdout)[0].paused, true);

    // The file drops its trigger: the schedule leaves the store on the next load.
    Deno.writeTextFileSync(flow, "name: nightly\ntasks:\n  - id: t\n    command: echo night\n");
    const from = daemon.lines.length;
    daemon.child.kill("SIGHUP");
    const line = await daemon.waitFor(/schedule nightly of .* removed/, { from });
    assert.match(line, /removed: its file no longer declares it/);
    assert.deepEqual(JSON.parse((await cli("list", "--json")).stdout), []);
    assert.equal(await daemon.stop("SIGTERM"), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon store watch: a file schedule whose file is gone may be removed by hand", async () => {
  const dir = testTempDir("store-");
  const home = testTempDir("home-");
  const flow = writeFlow(
    dir,
    "gone.yml",
    `name: gone\ntrigger:\n  type: schedule\n  config: {schedule: "0 3 * * *"}\ntasks:\n  - id: t\n    command: echo x\n`,
  );
  const daemon = startDaemon(["--dir", dir], { home });
  try {
    await daemon.waitFor(/daemon started/);
    assert.equal(await daemon.stop("SIGTERM"), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
  Deno.removeSync(flow);
  const removed = await weft(["schedule", "remove", "gone"], { env: { WEFT_HOME: home } });
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stderr, /removed schedule gone/);
});

Deno.test("daemon --dir with a file added by `schedule add`: silent while they agree, says what an edit of the file's cron the stored copy hides", async () => {
  const dir = testTempDir("added-file-");
  const flow = (cron: string) =>
    writeFlow(
      dir,
      "nightly.yml",
      `name: nightly\ntriggers:\n  - type: schedule\n    config: {schedule: "${cron}", timezone: UTC}\n` +
        "tasks:\n  - id: t\n    command: echo night\n",
    );
  const file = flow("0 2 * * *");
  const home = testTempDir("home-");
  const added = await weft(["schedule", "add", file], { env: { WEFT_HOME: home } });
  assert.equal(added.code, 0, added.stderr);
  const first = startDaemon(["--dir", dir], { home });
  try {
    await first.waitFor(/daemon started/);
    assert.equal(first.count(/clashes|now says/), 0, first.lines.join("\n"));
  } finally {
    await first.stop();
  }
  flow("0 3 * * *");
  const second = startDaemon(["--dir", dir], { home });
  try {
    await second.waitFor(
      /schedule nightly: \S+nightly\.yml now says cron "0 3 \* \* \*" \(stored: "0 2 \* \* \*"\); the copy `weft schedule add` stored is the one used \(`weft schedule add \S+ --name nightly --replace` takes the file's\)/,
    );
  } finally {
    await second.stop();
  }
});

/** Resolves once `check` holds, polling every 50 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
  }
}

Deno.test("store watch: a change committed after the sync's read is seen at the next look", async () => {
  const store = new MemoryScheduleStore();
  await store.add(testSchedule({ paused: true }));
  const { firing, stored } = await syncSchedules(store, [], () => {});
  assert.equal(firing[0].paused, true);
  // Another process resumes it after the sync read the store, before the daemon notes it.
  await store.setPaused("hourly", false);
  const watch = new StoreWatch(store);
  watch.seen(stored);
  let changes = 0;
  watch.start(async () => {
    changes++;
    watch.seen((await syncSchedules(store, [], () => {})).stored);
  }, (e) => assert.fail(String(e)));
  try {
    await until(() => changes === 1, 10_000);
  } finally {
    watch.close();
  }
});

Deno.test("store watch: the sync's own writes do not make it sync again", async () => {
  const store = new MemoryScheduleStore();
  await store.add(testSchedule());
  const watch = new StoreWatch(store);
  watch.seen((await syncSchedules(store, [], () => {})).stored);
  let changes = 0;
  watch.start(() => {
    changes++;
    return Promise.resolve();
  }, (e) => assert.fail(String(e)));
  try {
    // Two looks (STORE_CHECK_MS apart) find what the sync read: nothing to do.
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(changes, 0);
    // A change of another process is seen.
    await store.setPaused("hourly", true);
    await until(() => changes === 1, 10_000);
  } finally {
    watch.close();
  }
});
