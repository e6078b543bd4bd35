/**
 * The space reserve on a full disk (cli/run_history.ts, store/full_disk.ts): the room
 * `weft.reserve` gives back is spent on the run's final record only. A task that goes
 * on writing to the full disk after the fault (ignoring the stop) must not take it, so
 * the run is recorded `failed` with the fault as its reason, not left to be found
 * `interrupted`. Needs a tmpfs (root); skipped elsewhere.
 */
import assert from "node:assert/strict";
import { heldReserves } from "./_reserves.ts";
import { historyJson, startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const GREEDY = new URL("./fixtures/full_disk_reserve/greedy.yml", import.meta.url).pathname;

Deno.test({
  name: "full disk: a task writing on after the fault leaves the reserve to the run's end" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const gate = testTempDir("gate-");
      const env = { WEFT_HOME: `${mnt}/home` };
      const spill = `${mnt}/spill`;
      const run = startWeft(["run", GREEDY], { ...env, GATE_DIR: gate, SPILL: spill });
      await waitForFile(`${gate}/ready`);
      // The run's own, held before its first task (store/run_reserve.ts).
      assert.equal(heldReserves(env.WEFT_HOME).length, 1);
      await fillDisk(mnt);
      await Deno.writeTextFile(`${gate}/go`, "");
      const r = await run.finish();
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no space left on the device/);
      assert.doesNotMatch(r.stderr, /internal error|Uncaught/);
      const [{ id, status }] = await historyJson(env.WEFT_HOME);
      assert.equal(status, "failed");
      const shown = await weft(["status", id], { env });
      assert.match(shown.stdout, /failed/);
      assert.match(shown.stdout, /no space left on the device/);
      assert.doesNotMatch(shown.stdout + shown.stderr, /interrupted/);
      // The task did try to write after the fault (the file is there, empty: no room came).
      assert.equal((await Deno.stat(spill)).size, 0);
    }),
});
