/**
 * A read-only WEFT_HOME that holds a valid history (store/kv_schedules.ts, store/open.ts,
 * store/faults.ts): the schedule verbs that only read (`list`, `export`) read it as
 * `history` does, from a private copy when SQLite cannot open it in place, and `weft
 * run` says that the file system is read-only and what to do.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MOUNTABLE, NEEDS_MOUNT, sh, withTmpfs } from "./_tmpfs.ts";

const HELLO = new URL("./fixtures/faults/hello.yml", import.meta.url).pathname;
const BACKUP = new URL("./fixtures/schedule/backup.yml", import.meta.url).pathname;

Deno.test({
  name: "read-only home: schedule list and export read it; run says read-only" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("8m", async (home) => {
      const env = { WEFT_HOME: home };
      const first = await weft(["run", HELLO, "--quiet"], { env });
      assert.equal(first.code, 0, first.stderr);
      const added = await weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *"], { env });
      assert.equal(added.code, 0, added.stderr);
      assert.ok(await sh("mount", "-o", "remount,ro", home));
      const list = await weft(["schedule", "list", "--json"], { env });
      assert.equal(list.code, 0, list.stderr);
      assert.equal(JSON.parse(list.stdout)[0].name, "backup");
      const cron = await weft(["schedule", "export", "--crontab", "--weft", "/bin/weft"], { env });
      assert.equal(cron.code, 0, cron.stderr);
      assert.match(cron.stdout, /^0 2 \* \* \* \/bin\/weft run .*backup\.yml --home /m);
      const units = testTempDir("ro-units-");
      const sd = await weft(["schedule", "export", "--systemd", units], { env });
      assert.equal(sd.code, 0, sd.stderr);
      const run = await weft(["run", HELLO], { env });
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.startsWith(home), run.stderr);
      assert.match(run.stderr, /: the file system is read-only\n/);
      assert.match(run.stderr, /\n {2}hint: remount it writable, or point WEFT_HOME/);
      assert.doesNotMatch(run.stderr, /cannot be opened|internal error/);
      // A change is still refused plainly, naming the store.
      const pause = await weft(["schedule", "pause", "backup"], { env });
      assert.equal(pause.code, 2, pause.stderr);
      assert.doesNotMatch(pause.stderr, /internal error/);
    }),
});
