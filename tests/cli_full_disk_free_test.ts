/**
 * On a full disk the verbs that free space or settle state still work (store/open.ts
 * `spendReserve`): `schedule pause`, `schedule remove` and `history prune` delete
 * weft.reserve to get the room their write needs, where they were refused "no space
 * left" before (tester19 F4); a run is still refused until there is room, and the next
 * run after the prune makes the reserve again. Needs a tmpfs (root); skipped elsewhere.
 */
import assert from "node:assert/strict";
import { exists } from "./_tmp.ts";
import { historyJson, weft } from "./_run_cli.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const LOGS = new URL("./fixtures/full_disk_free/logs.yml", import.meta.url).pathname;

Deno.test({
  name: "full disk: schedule pause/remove and history prune work, spending weft.reserve" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const home = `${mnt}/home`;
      const env = { WEFT_HOME: home };
      for (let i = 0; i < 4; i++) {
        const r = await weft(["run", LOGS, "-q"], { env });
        assert.equal(r.code, 0, r.stderr);
      }
      const added = await weft(["schedule", "add", LOGS, "--cron", "0 3 * * *", "--name", "n"], {
        env,
      });
      assert.equal(added.code, 0, added.stderr);
      await fillDisk(mnt);
      assert.ok(exists(`${home}/weft.reserve`));

      const refused = await weft(["run", LOGS, "-q"], { env });
      assert.equal(refused.code, 2, "a run is still refused on a full disk");
      assert.match(refused.stderr, /no space left/);

      const paused = await weft(["schedule", "pause", "n"], { env });
      assert.equal(paused.code, 0, paused.stderr);
      assert.ok(!exists(`${home}/weft.reserve`), "its room is what the write used");
      const removed = await weft(["schedule", "remove", "n"], { env });
      assert.equal(removed.code, 0, removed.stderr);
      const pruned = await weft(["history", "prune", "--keep-runs", "1"], { env });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.match(pruned.stderr, /deleted 3 runs/);
      assert.equal((await historyJson(home)).length, 1);

      // The logs' room is back: a run starts and makes the reserve again.
      const again = await weft(["run", LOGS, "-q"], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.ok(exists(`${home}/weft.reserve`));
    }),
});

Deno.test({
  name: "full disk: prune --dry-run reads only and keeps weft.reserve; the prune spends it" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const env = { WEFT_HOME: `${mnt}/home` };
      for (let i = 0; i < 3; i++) {
        assert.equal((await weft(["run", LOGS, "-q"], { env })).code, 0);
      }
      await fillDisk(mnt);
      const dry = await weft(["history", "prune", "--keep-runs", "1", "--dry-run"], { env });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stderr, /would delete 2 runs/);
      assert.ok(exists(`${mnt}/home/weft.reserve`), "a reading verb spends nothing");
      const pruned = await weft(["history", "prune", "--keep-runs", "1"], { env });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.match(pruned.stderr, /deleted 2 runs/);
      assert.equal((await historyJson(env.WEFT_HOME)).length, 1);
      assert.equal([...Deno.readDirSync(`${mnt}/home/logs`)].length, 1, "their logs are gone");
    }),
});

Deno.test({
  name: "full disk, reserve already spent: history prune frees the logs of the runs it " +
    "deletes first, then deletes them" + (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const home = `${mnt}/home`;
      const env = { WEFT_HOME: home };
      for (let i = 0; i < 4; i++) {
        const r = await weft(["run", LOGS, "-q"], { env });
        assert.equal(r.code, 0, r.stderr);
      }
      // A run that ended on a full disk spent the reserve; another program keeps it full.
      Deno.removeSync(`${home}/weft.reserve`);
      await fillDisk(mnt);
      const pruned = await weft(["history", "prune", "--keep-runs", "1"], { env });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.match(pruned.stderr, /deleted 3 runs/);
      assert.equal((await historyJson(home)).length, 1);
    }),
});
