/**
 * `weft history prune` beside a running `weft daemon` (cli/prune_room.ts,
 * store/kv_checkpoint.ts, KvRunStore.deleteRun): the daemon restarts weft.kv's
 * write-ahead log after each run, so tiny runs do not fill a small disk with it; and a prune on a full disk (weft.reserve spent) deletes every run it means to,
 * each with its logs, never leaving a run in history whose logs are gone (tester22 F1).
 * The full-disk test needs a tmpfs (root); skipped, saying so, elsewhere.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, sh, withTmpfs } from "./_tmpfs.ts";
import { untilNoneHeld } from "./_reserves.ts";

const HOOK = "name: tiny\ntrigger: {type: webhook, config: {webhook: /tiny}}\ntasks:\n" +
  "  - id: t\n    command: echo hello\n";

/** Fires `count` runs through the daemon's webhook, one after another, each to its end. */
async function fire(daemon: ReturnType<typeof startDaemon>, port: number, count: number) {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/tiny`, { method: "POST", body: "{}" });
    const body = await res.json();
    assert.equal(res.status, 202, JSON.stringify(body));
    await daemon.waitFor(new RegExp(`run ${body.run_id} ended success`));
  }
}

function walBytes(home: string): number {
  try {
    return Deno.statSync(`${home}/weft.kv-wal`).size;
  } catch {
    return 0;
  }
}

Deno.test("daemon: weft.kv's write-ahead log is restarted after each run, not grown", async () => {
  const dir = testTempDir("prune-wal-");
  writeFlow(dir, "tiny.yml", HOOK);
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    await fire(daemon, port, 12);
    // Before: ~50 KB more a run (twelve runs ~600 KB), restarted only once past ~4 MB;
    // now it holds what one run writes.
    assert.ok(walBytes(daemon.home) < 160 * 1024, `weft.kv-wal: ${walBytes(daemon.home)} bytes`);
  } finally {
    assert.equal(await daemon.stop(), 0);
  }
  assert.equal((await historyJson(daemon.home)).length, 12);
});

Deno.test({
  name: "full disk beside a daemon, reserve spent: history prune deletes each run with its " +
    "logs, and keeps the logs of the runs it keeps" + (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const home = `${mnt}/home`;
      const dir = testTempDir("prune-full-");
      writeFlow(dir, "tiny.yml", HOOK);
      const port = freePort();
      const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`], { home });
      try {
        await daemon.waitFor(/daemon started/);
        await fire(daemon, port, 5);
        // A run that met the full disk spent the reserve; another program keeps it full.
        // Each run holds a reserve of its own until just after it ends (run_reserve.ts):
        // the last one is back as weft.reserve once no run holds one.
        await untilNoneHeld(home);
        Deno.removeSync(`${home}/weft.reserve`);
        await fillDisk(mnt);
        const pruned = await weft(["history", "prune", "--keep-runs", "2"], {
          env: { WEFT_HOME: home },
        });
        assert.equal(pruned.code, 0, pruned.stderr);
        assert.match(pruned.stderr, /deleted 3 runs/);
      } finally {
        assert.equal(await daemon.stop(), 0);
      }
      const left = await historyJson(home);
      assert.equal(left.length, 2);
      const folders = [...Deno.readDirSync(`${home}/logs`)].map((e) => e.name);
      assert.equal(folders.length, 2, `log folders: ${folders}`);
      for (const run of left) {
        const logs = await weft(["logs", run.id], { env: { WEFT_HOME: home } });
        assert.equal(logs.code, 0, logs.stderr);
        assert.match(logs.stdout, /hello/);
      }
    }),
});

Deno.test({
  name: "full disk, no reserve, no room to delete a record: history prune makes room from the " +
    "logs of the runs it deletes and deletes them all (verifier V2 F1)" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: async () => {
    const made = testTempDir("prune-full-made-");
    const flow = writeFlow(
      testTempDir("prune-full-flow-"),
      "tiny.yml",
      "name: tiny\ntasks:\n  - id: a\n    command: printf 'x%.0s' $(seq 3000)\n" +
        "  - id: b\n    command: echo b\n",
    );
    for (let i = 0; i < 24; i++) {
      const r = await weft(["run", "-q", flow], { env: { WEFT_HOME: made } });
      assert.equal(r.code, 0, r.stderr);
    }
    Deno.removeSync(`${made}/weft.reserve`);
    await withTmpfs("1m", async (mnt) => {
      const home = `${mnt}/home`;
      assert.ok(await sh("cp", "-a", made, home));
      await fillDisk(mnt); // no reserve, and not a byte for the delete's write-ahead log
      const pruned = await weft(["history", "prune", "--keep-runs", "3"], {
        env: { WEFT_HOME: home },
      });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.match(pruned.stderr, /deleted 21 runs/);
      const left = await historyJson(home);
      assert.equal(left.length, 3);
      const folders = [...Deno.readDirSync(`${home}/logs`)].map((e) => e.name).sort();
      assert.deepEqual(folders, left.map((run) => run.id).sort(), "the kept runs keep their logs");
      for (const run of left) {
        const logs = await weft(["logs", run.id], { env: { WEFT_HOME: home } });
        assert.equal(logs.code, 0, logs.stderr);
      }
    });
  },
});
