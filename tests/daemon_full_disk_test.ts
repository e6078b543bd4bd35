/**
 * `weft daemon` and its history on a full disk, end to end (a real daemon, real HTTP on
 * 127.0.0.1): the daemon keeps `weft.reserve` as `weft run` does; a run whose record
 * cannot be made is refused (webhook 503, the log saying why; a schedule fire recorded
 * `failed` with the reason) and leaves nothing behind; a run the disk fills under is
 * recorded `failed` with the reason, which its log line names; and a `weft history`
 * while the daemon runs never costs the daemon its later records (store/kv_handles.ts).
 * The tmpfs tests need root; skipped, saying so, elsewhere.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { historyJson as history, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";
import { RESERVE_BYTES, reservePath } from "../src/store/reserve.ts";

const HOOK = "name: fullhook\ntrigger: {type: webhook, config: {webhook: /h}}\ntasks:\n" +
  "  - id: a\n    command: echo ran\n";

async function post(port: number, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body: "{}" });
  return { status: res.status, body: await res.json() };
}

Deno.test({
  name: "daemon, disk full before a webhook run: 503, the log says why, nothing recorded" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const home = `${mnt}/home`;
      const dir = testTempDir("daemon-full-");
      writeFlow(dir, "h.yml", HOOK);
      const port = freePort();
      const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`], { home });
      let ran = "";
      try {
        await daemon.waitFor(/daemon started/);
        assert.equal(Deno.statSync(reservePath(home)).size, RESERVE_BYTES, "reserve made");
        const fill = await fillDisk(mnt);
        for (let i = 0; i < 2; i++) {
          const from = daemon.lines.length;
          const refused = await post(port, "/h");
          assert.equal(refused.status, 503);
          assert.deepEqual(refused.body, { error: "the run could not start (the log says why)" });
          // The answer may reach the test before the log line does (a loaded machine).
          await daemon.waitFor(/could not start: .*no space left on the device/, { from });
        }
        assert.equal(daemon.count(/could not start: .*no space left on the device/), 2);
        assert.equal(daemon.count(/started \(webhook\)/), 0);
        assert.equal(Deno.statSync(reservePath(home)).size, RESERVE_BYTES, "reserve kept");
        // Room again: the next request runs.
        Deno.removeSync(fill);
        const ok = await post(port, "/h");
        assert.equal(ok.status, 202);
        ran = ok.body.run_id;
        await daemon.waitFor(new RegExp(`run ${ran} ended success`));
      } finally {
        assert.equal(await daemon.stop(), 0);
      }
      assert.deepEqual((await history(home)).map((r) => [r.id, r.status]), [[ran, "success"]]);
      // The refused runs left no log folder behind.
      assert.equal([...Deno.readDirSync(`${home}/logs`)].length, 1);
    }),
});

Deno.test({
  name: "daemon, disk filled by a webhook run: recorded failed with the reason the log names" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const home = `${mnt}/home`;
      const dir = testTempDir("daemon-full-");
      writeFlow(
        dir,
        "big.yml",
        "name: big\ntrigger: {type: webhook, config: {webhook: /big}}\ntasks:\n" +
          "  - id: big\n    command: head -c 3000000 /dev/zero | tr '\\0' x | fold -w 100\n",
      );
      const port = freePort();
      const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`], { home });
      let id = "";
      try {
        await daemon.waitFor(/daemon started/);
        const started = await post(port, "/big");
        assert.equal(started.status, 202);
        id = started.body.run_id;
        const line = await daemon.waitFor(new RegExp(`run ${id} ended`));
        assert.match(line, /ended failed: cannot write the log .*no space left on the device/);
      } finally {
        assert.equal(await daemon.stop(), 0);
      }
      // Read while the disk is still full: recorded failed, with the reason.
      const status = await weft(["status", id, "--json"], { env: { WEFT_HOME: home } });
      assert.equal(status.code, 0, status.stderr);
      const details = JSON.parse(status.stdout);
      assert.equal(details.status, "failed");
      assert.match(details.error, /no space left on the device/);
    }),
});

Deno.test("daemon: a schedule fire whose run cannot start is recorded failed with the reason", async () => {
  const home = testTempDir("daemon-refused-");
  const flow = writeFlow(
    testTempDir("daemon-refused-"),
    "tick.yml",
    "name: tick\ntasks:\n  - id: a\n    command: echo tick\n",
  );
  const env = { WEFT_HOME: home };
  const add = await weft(["schedule", "add", flow, "--cron", "* * * * * *"], { env });
  assert.equal(add.code, 0, add.stderr);
  // Outside any --dir, the file is read at each fire: gone, its runs cannot start.
  Deno.removeSync(flow);
  const daemon = startDaemon([], { home });
  try {
    await daemon.waitFor(/could not start: .*tick\.yml/);
  } finally {
    assert.equal(await daemon.stop(), 0);
  }
  const list = await weft(["schedule", "list", "--json"], { env });
  assert.equal(list.code, 0, list.stderr);
  const last = JSON.parse(list.stdout)[0].last_fire;
  assert.equal(last.outcome, "failed");
  assert.match(last.reason, /^the run could not start: .*tick\.yml/);
  const text = await weft(["schedule", "list"], { env });
  assert.match(text.stdout, /last {2}\S+ failed {2}\(the run could not start: /);
});

Deno.test("daemon: a weft history while it runs costs it none of its later records", async () => {
  const dir = testTempDir("daemon-locks-");
  writeFlow(dir, "h.yml", HOOK);
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`]);
  const ids: string[] = [];
  try {
    await daemon.waitFor(/daemon started/);
    for (let i = 0; i < 3; i++) {
      const started = await post(port, "/h");
      assert.equal(started.status, 202);
      ids.unshift(started.body.run_id);
      await daemon.waitFor(new RegExp(`run ${ids[0]} ended success`));
      // Another process reading (and closing) the store between the daemon's runs.
      assert.equal((await history(daemon.home))[0].id, ids[0]);
    }
  } finally {
    assert.equal(await daemon.stop(), 0);
  }
  // Every run's end is still there once the daemon is gone (no run reads interrupted).
  const runs = await history(daemon.home);
  assert.deepEqual(runs.map((r) => [r.id, r.status]), ids.map((id) => [id, "success"]));
});
