/**
 * The daemon never waits on a workflow path that is no regular file (src/regular_file.ts
 * through parse/read.ts), and its stop is bounded even when a fire never ends
 * (schedule/daemon_drain.ts settleHandling): a schedule whose file was swapped for a
 * FIFO records each fire `failed` with the reason and SIGTERM ends the daemon (it used to
 * log "skipped: a run is still going" for ever and ignore SIGTERM); a link to a FIFO in a
 * `--dir` folder is reported and the reloads after it still load.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { scheduledFlow, startDaemon, writeFlow } from "./_daemon.ts";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";

async function mkfifo(path: string): Promise<void> {
  const mk = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.equal(mk.code, 0, "mkfifo");
}

Deno.test("daemon: a schedule's file swapped for a FIFO fails its fires with the reason; SIGTERM ends it", async () => {
  const flow = await scheduledFlow("fifo-fire-", "echo ran", "* * * * * *");
  Deno.removeSync(flow.file);
  await mkfifo(flow.file);
  const daemon = startDaemon([], { home: flow.home });
  try {
    await daemon.waitFor(/daemon started/);
    const line = await daemon.waitFor(/could not start/);
    assert.match(line, /j\.yml: is a named pipe \(FIFO\), not a file/);
  } finally {
    assert.equal(await daemon.stop("SIGTERM"), 0, daemon.lines.join("\n"));
  }
  assert.equal(daemon.count(/skipped: a run is still going/), 0, daemon.lines.join("\n"));
  assert.equal(daemon.count(/daemon stopped/), 1);
  // Every fire handled failed with the reason; one that came while another was handled
  // (a slow machine) waits `queued`, owed to the next start since SIGTERM stopped the daemon.
  const store = await openScheduleStore(flow.home, { readOnly: true });
  const fires = await store.listFires("j");
  store.close();
  const failed = fires.filter((f) => f.outcome === "failed");
  assert.ok(failed.length > 0, JSON.stringify(fires));
  for (const fire of failed) {
    assert.match(fire.reason ?? "", /is a named pipe \(FIFO\), not a file/);
  }
  // An on-time fire that came due while the start's catch-up fires (owed since the
  // schedule was added) were still handled is skipped for them, and says so.
  const chainSkips = daemon.count(/skipped: its catch-up fires are still running/);
  assert.equal(fires.filter((f) => f.outcome === "skipped").length, chainSkips);
  assert.deepEqual(
    fires.filter((f) => !["failed", "queued", "skipped"].includes(f.outcome)),
    [],
    JSON.stringify(fires),
  );
  const list = await weft(["schedule", "list", "--json"], { env: { WEFT_HOME: flow.home } });
  const [schedule] = JSON.parse(list.stdout) as Array<{ last_fire: { outcome: string } }>;
  // The last fire is one of those above: a chain's skip too, when SIGTERM came before an
  // on-time fire skipped for the catch-up chain was followed by another (a slow machine).
  const last = chainSkips > 0 ? ["failed", "queued", "skipped"] : ["failed", "queued"];
  assert.ok(last.includes(schedule.last_fire.outcome), list.stdout);
});

Deno.test("daemon --dir: a link to a FIFO is reported and later reloads still load", async () => {
  const dir = testTempDir("fifo-dir-");
  const pipes = testTempDir("fifo-pipes-");
  const flow = (name: string) =>
    `name: ${name}\ntasks:\n  - id: t\n    type: shell\n    command: echo ${name}\n`;
  writeFlow(dir, "one.yml", flow("one"));
  await mkfifo(join(pipes, "f.yml"));
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/daemon started/);
    Deno.symlinkSync(join(pipes, "f.yml"), join(dir, "link.yml"));
    let from = daemon.lines.length;
    daemon.child.kill("SIGHUP");
    const refused = await daemon.waitFor(/link\.yml does not validate/, { from });
    assert.match(refused, /is a named pipe \(FIFO\), not a file/);
    await daemon.waitFor(/loaded 1 workflow\(s\)/, { from });
    Deno.removeSync(join(dir, "link.yml"));
    writeFlow(dir, "two.yml", flow("two"));
    from = daemon.lines.length;
    daemon.child.kill("SIGHUP");
    await daemon.waitFor(/loaded 2 workflow\(s\)/, { from });
  } finally {
    assert.equal(await daemon.stop("SIGTERM"), 0, daemon.lines.join("\n"));
  }
});

/** A daemon on a manual clock whose one schedule fires every second and whose starts never end. */
async function stuckDaemon() {
  const clock = new ManualClock(new Date("2026-03-01T05:00:00.500Z"));
  const store = new MemoryScheduleStore();
  await store.add(testSchedule({ name: "stuck", cron: "* * * * * *" }));
  const asked = Promise.withResolvers<void>();
  const t = inProcessDaemon(clock, store, {
    // A start that never returns: what a read waiting for ever did.
    more: {
      launch: () => {
        asked.resolve();
        return new Promise(() => {});
      },
    },
  });
  await t.daemon.start();
  await clock.set(new Date("2026-03-01T05:00:01.000Z"));
  await asked.promise;
  return t;
}

Deno.test("daemon stop: a fire that never ends is not waited for past the grace", async () => {
  const t = await stuckDaemon();
  await t.daemon.stop(0);
  assert.ok(
    t.lines.some((l) => /1 fire\(s\) still being handled at the end of the grace/.test(l)),
    t.lines.join("\n"),
  );
});

Deno.test("daemon stop: hurry() (a second SIGTERM) ends the wait for a fire that never ends", async () => {
  const t = await stuckDaemon();
  const stopped = t.daemon.stop(24 * 3600_000);
  t.daemon.hurry();
  await stopped;
  assert.ok(
    t.lines.some((l) => /1 fire\(s\) still being handled/.test(l)),
    t.lines.join("\n"),
  );
});

Deno.test("daemon --dir: a FIFO or a socket directly in the folder is reported, not loaded", async () => {
  const dir = testTempDir("fifo-in-dir-");
  writeFlow(dir, "ok.yml", `name: ok\ntasks:\n  - id: t\n    type: shell\n    command: "true"\n`);
  await mkfifo(join(dir, "deploy.yml"));
  const socket = Deno.listen({ transport: "unix", path: join(dir, "sock.json") });
  const daemon = startDaemon(["--dir", dir]);
  try {
    // It used to list neither, and say nothing (tester vsched F5).
    const fifo = await daemon.waitFor(/deploy\.yml does not validate, not loaded/);
    assert.match(fifo, /is a named pipe \(FIFO\), not a file/);
    const sock = await daemon.waitFor(/sock\.json does not validate, not loaded/);
    assert.match(sock, /is a socket, not a file/);
    await daemon.waitFor(/loaded 1 workflow\(s\)/);
    // The same after a reload.
    const from = daemon.lines.length;
    daemon.child.kill("SIGHUP");
    await daemon.waitFor(/deploy\.yml does not validate, not loaded/, { from });
    await daemon.waitFor(/loaded 1 workflow\(s\)/, { from });
  } finally {
    assert.equal(await daemon.stop("SIGTERM"), 0, daemon.lines.join("\n"));
    socket.close();
  }
});

Deno.test("daemon --dir: a folder or a dangling link named like a workflow is reported, not loaded", async () => {
  const dir = testTempDir("folder-in-dir-");
  writeFlow(dir, "ok.yml", `name: ok\ntasks:\n  - id: t\n    type: shell\n    command: "true"\n`);
  Deno.mkdirSync(join(dir, "deploy.yml"));
  Deno.symlinkSync(join(dir, "nowhere.yml"), join(dir, "gone.json"));
  Deno.mkdirSync(join(dir, "notes")); // not named like a workflow: not one
  const daemon = startDaemon(["--dir", dir]);
  try {
    // The folder used to be passed over, saying nothing (F10's kind).
    const folder = await daemon.waitFor(/deploy\.yml does not validate, not loaded/);
    assert.match(folder, /is a folder, not a workflow file/);
    await daemon.waitFor(/gone\.json does not validate, not loaded/);
    await daemon.waitFor(/loaded 1 workflow\(s\)/);
    assert.equal(daemon.count(/notes/), 0, daemon.lines.join("\n"));
  } finally {
    assert.equal(await daemon.stop("SIGTERM"), 0, daemon.lines.join("\n"));
  }
});
