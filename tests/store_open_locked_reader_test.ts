/**
 * A `weft run` stopped (Ctrl-Z, SIGSTOP) while it holds weft.kv's write lock: Deno KV
 * takes that lock before its first read, so `weft history`, `status`, `metrics` and
 * `schedule list` waited LOCK_WAIT_MS and failed. Now they read what is committed from a
 * copy after a short wait (store/open.ts), saying in one line that crash recovery was
 * skipped and which process holds the history; `weft run` still waits, then names the
 * stopped process and how to resume it (store/kv_lock_holder.ts). Real wefts, real signals.
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { gatedTasks, stopHoldingLock } from "./_stopped_writer.ts";

Deno.test("a weft run stopped holding the lock: readers answer from what is committed, run names it", async () => {
  const dir = testTempDir("stopped-writer-");
  const env = { WEFT_HOME: `${dir}/home` };
  // Writes weft.kv all the time until the gate is opened, then ends its run.
  const gated = gatedTasks(dir);
  const writer = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../main.ts", import.meta.url).pathname,
      "run",
      "-q",
      gated.file,
    ],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const kv = `${dir}/home/weft.kv`;
  try {
    // Started: its run is recorded, as history (read while it runs) says.
    while ((await historyJson(`${dir}/home`).catch(() => [])).length === 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await stopHoldingLock(writer.pid, kv);
    const holder = new RegExp(`another weft \\(pid ${writer.pid}, stopped\\) holds the history`);

    // Each verb below waits for the lock (READ_LOCK_WAIT_MS, `run` LOCK_WAIT_MS) before it
    // answers; the lock is held until SIGCONT, so they wait at once rather than in turn.
    const [history, status, metrics, schedules, other] = await Promise.all([
      weft(["history", "--json"], { env }),
      weft(["status"], { env }),
      weft(["metrics"], { env }),
      weft(["schedule", "list"], { env }),
      // A writer keeps waiting for the lock, then says who holds it and how to go on.
      weft(["run", "-q", gated.file], { env }),
    ]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stderr, /^weft: note: crash recovery skipped: /);
    assert.match(history.stderr, holder);
    assert.equal(history.stderr.trim().split("\n").length, 1, history.stderr);
    const [run] = JSON.parse(history.stdout);
    assert.equal(run.status, "running", "its weft is alive, only stopped");
    for (const r of [status, metrics]) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, holder);
    }
    assert.equal(schedules.code, 0, schedules.stderr);
    assert.match(schedules.stdout + schedules.stderr, /no schedules/);

    assert.equal(other.code, 2, other.stderr);
    assert.match(
      other.stderr,
      new RegExp(`locked by another process \\(pid ${writer.pid}, stopped\\)`),
    );
    assert.match(other.stderr, new RegExp(`hint: .*kill -CONT ${writer.pid}`));
  } finally {
    Deno.kill(writer.pid, "SIGCONT");
    gated.open();
  }
  // Resumed, it ends its run as if nothing happened, and `history` reads it in place.
  const status = await writer.status;
  const stderr = await new Response(writer.stderr).text();
  assert.equal(status.code, 0, stderr);
  const after = await weft(["history", "--json"], { env });
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stderr, "");
  assert.deepEqual(JSON.parse(after.stdout).map((r: { status: string }) => r.status), ["success"]);
});
