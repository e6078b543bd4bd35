/**
 * The outcome of a run's notifications is one of its last records (notify/mod.ts,
 * store/full_disk.ts writeAfterRun): when the disk fills while they are sent, it is
 * written in the room of the run's reserve, as the run's own last record is; when even that
 * is gone, weft says what could not be recorded, where and what to do, and never that
 * it was recorded (tnotify F7). A real webhook receiver on 127.0.0.1 holds its answer
 * until the test has filled the disk. Needs a tmpfs (root); skipped elsewhere.
 */
import assert from "node:assert/strict";
import { startRecordingServer } from "./_loopback_server.ts";
import { heldReserves } from "./_reserves.ts";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { exists } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const FIXTURE = new URL("./fixtures/notify_full_disk/notify.yml", import.meta.url).pathname;

/**
 * Runs the fixture in `home` against a receiver that answers HTTP 500, the first time
 * only after `whileSending(home)` has run (weft is then waiting for that answer).
 */
async function runFillingDisk(home: string, whileSending: () => Promise<void>) {
  const first = Promise.withResolvers<void>();
  const filled = Promise.withResolvers<void>();
  const server = startRecordingServer(() => first.resolve(), async () => {
    await filled.promise;
    return new Response("nope", { status: 500 });
  });
  try {
    const run = new Deno.Command(Deno.execPath(), {
      args: weftArgs(["run", FIXTURE, "-q", "-p", `port=${server.port}`]),
      env: weftEnv({ WEFT_HOME: home }),
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    await first.promise;
    await whileSending();
    filled.resolve();
    const { code, stderr } = await run;
    assert.equal(server.seen.length, 3, "three tries");
    return { code, stderr: new TextDecoder().decode(stderr) };
  } finally {
    filled.resolve();
    await server.close();
  }
}

/** The notifications recorded on the latest run in `home` (`weft status --json`). */
async function notificationsOf(home: string): Promise<{ channel: string; ok: boolean }[]> {
  const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  return JSON.parse(status.stdout).notifications ?? [];
}

Deno.test({
  name: "full disk while notifying: the outcome is recorded in the run's reserve's room" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("4m", async (mnt) => {
      const home = `${mnt}/home`;
      const r = await runFillingDisk(home, async () => {
        await fillDisk(mnt);
        assert.equal(heldReserves(home).length, 1, "the run's reserve is in place");
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /weft: warning: notification to webhook failed after 3 tries: HTTP 500: nope; recorded on run \S+\n/,
      );
      assert.doesNotMatch(r.stderr, /disk is full|no space/);
      assert.deepEqual(heldReserves(home), [], "its room is what the record used");
      assert.ok(!exists(`${home}/weft.reserve`), "none handed back");
      const recorded = await notificationsOf(home);
      assert.deepEqual(recorded.map((n) => [n.channel, n.ok]), [["webhook", false]]);
    }),
});

Deno.test({
  name: "full disk while notifying, no reserve left: said not recorded, where and what to do" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("4m", async (mnt) => {
      const home = `${mnt}/home`;
      const r = await runFillingDisk(home, async () => {
        await fillDisk(mnt);
        // The reserve's room taken too (dd fills its file anew): none left for the record.
        for (const held of heldReserves(home)) await Deno.remove(held);
        await fillDisk(mnt);
      });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /recorded on run/);
      assert.match(
        r.stderr,
        /notification to webhook failed after 3 tries: HTTP 500: nope; not recorded in history\n/,
      );
      const runId = /^run (\S+) success/m.exec(r.stderr)?.[1] ?? "";
      assert.ok(
        r.stderr.includes(
          `weft: warning: cannot record the outcome of the notifications of run ${runId} ` +
            `(${home}): no space left on the device; \`weft status ${runId}\` will not list them` +
            " — free some space there",
        ),
        r.stderr,
      );
      assert.deepEqual(await notificationsOf(home), []);
    }),
});
