/**
 * A history database another process keeps locked (store/open.ts awaitUnlocked): Deno KV
 * waits out SQLite's lock without a limit, so weft used to wait without a word for as
 * long as the lock was held. Now `weft run` and the schedule verbs that write give up after
 * LOCK_WAIT_MS (store/open.ts) with one line naming the file and the holder's pid, and no
 * task runs; `weft history` and `schedule list` read what is committed from a copy.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** python3's sqlite3 holding an exclusive transaction on `file` until killed. */
async function holdLock(file: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      "import sqlite3,sys,time\n" +
      "c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE')\n" +
      "sys.stdout.write('locked\\n'); sys.stdout.flush(); time.sleep(600)",
      file,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value).trim(), "locked");
  // The pipe stays open (closed with the process): a write into a closed one would end
  // python with BrokenPipeError, and the lock with it.
  reader.releaseLock();
  return child;
}

Deno.test("a history database kept locked: history and run say so after the wait, nothing runs", async () => {
  const dir = testTempDir("kv-lock-");
  const env = { WEFT_HOME: `${dir}/home` };
  const marker = `${dir}/ran`;
  const flow = `${dir}/side.yml`;
  Deno.writeTextFileSync(flow, `name: side\ntasks:\n  - id: a\n    command: touch ${marker}\n`);
  assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
  Deno.removeSync(marker);
  const added = await weft(["schedule", "add", flow, "--cron", "0 3 * * *"], { env });
  assert.equal(added.code, 0, added.stderr);
  const lock = await holdLock(`${dir}/home/weft.kv`);
  try {
    const [history, run, list, remove] = await Promise.all([
      weft(["history"], { env }),
      weft(["run", "-q", flow], { env }),
      weft(["schedule", "list"], { env }),
      weft(["schedule", "remove", "side"], { env }),
    ]);
    // Writers give up after the wait, naming the holder; readers read what is committed.
    assert.notEqual(remove.code, 0, remove.stdout);
    assert.match(remove.stderr, /weft\.kv: .*stayed locked by another process \(pid \d+\)/);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^side$/m);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stderr, /crash recovery skipped: another weft \(pid \d+\) holds/);
    assert.match(history.stdout, /side +success/);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /weft\.kv: cannot open the history database: .*locked by another/);
    assert.match(run.stderr, new RegExp(`hint: try again once process ${lock.pid} `));
    assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound, "no task ran");
  } finally {
    try {
      lock.kill("SIGKILL");
    } catch { /* gone already: the assertions above say what that did */ }
    await lock.status;
    await lock.stdout.cancel();
  }
  // Unlocked: everything works again.
  assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
});
