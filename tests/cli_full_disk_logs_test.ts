/**
 * A full disk and the logs of tasks that print at once (tester15 F10): every attempt
 * whose lines did not all reach its log says so — `weft logs` prints what is there and
 * names the fault (exit 1) — rather than passing for an attempt that printed nothing,
 * whichever file met the full disk first. Needs a tmpfs (root); skipped elsewhere.
 */
import assert from "node:assert/strict";
import { historyJson, startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const TWO = new URL("./fixtures/full_disk_logs/two.yml", import.meta.url).pathname;

Deno.test({
  name: "full disk: each task whose lines a full disk kept out of its log says so" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const gate = testTempDir("gate-");
      const env = { WEFT_HOME: `${mnt}/home` };
      const run = startWeft(["run", TWO], { ...env, GATE_DIR: gate });
      for (const task of ["a", "b"]) await waitForFile(`${gate}/${task}.ready`);
      // Both tasks print only once the disk is full, and both print all their lines: the
      // stop after the first fault cannot end them first (they ignore SIGTERM, see two.yml).
      await fillDisk(mnt);
      await Deno.writeTextFile(`${gate}/go`, "");
      const r = await run.finish();
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no space left on the device/);
      const [{ id, status }] = await historyJson(env.WEFT_HOME);
      assert.equal(status, "failed");
      let told = 0;
      for (const [task, lines] of [["a", 50000], ["b", 60000]] as const) {
        const logs = await weft(["logs", id, task], { env });
        assert.doesNotMatch(logs.stderr, /internal error|Uncaught/);
        const printed = logs.stdout.split("\n").filter(Boolean).length;
        if (printed === lines) {
          assert.equal(logs.code, 0, `${task}: ${logs.stderr}`);
          continue;
        }
        // Fewer lines than printed: never without a word.
        told++;
        assert.equal(logs.code, 1, `${task}: ${printed} lines, exit ${logs.code}`);
        assert.match(
          logs.stderr,
          new RegExp(`the log of ${task} \\(attempt 1\\) lacks lines the task printed: .*no space`),
        );
      }
      assert.ok(told >= 1, "the full disk kept lines out of at least one log");
    }),
});
