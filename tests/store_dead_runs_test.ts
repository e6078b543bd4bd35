/**
 * A dead run read from a home weft cannot write (store/dead_runs.ts, tester15 F11): it
 * reads `interrupted` with what is known of it — `finishedAt` its last sign of life
 * (heartbeat or last event), as recovery would record it — and the reason is said in
 * weft's words ("the file system is read-only"), not SQLite's.
 */
import assert from "node:assert/strict";
import { deadRuns } from "../src/store/dead_runs.ts";
import { describeFault, StorageError } from "../src/store/faults.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MOUNTABLE, NEEDS_MOUNT, sh } from "./_tmpfs.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";

Deno.test("deadRuns: finishedAt is the run's last sign of life, its heartbeat", async () => {
  const store = new MemoryRunStore("");
  const id = fakeRunId();
  const gone = new Deno.Command("true").spawn();
  await gone.status;
  await store.createRun(
    runInfo({ id, pid: gone.pid, startedAt: "2026-12-01T10:00:00.000Z" }),
    [pendingTask("a")],
  );
  await store.heartbeat(id, "2026-12-01T10:00:25.000Z");
  const cause = new StorageError("cannot write run history", "/h", new Error("x"));
  const dead = await deadRuns(store, Deno.hostname(), cause);
  assert.equal(dead.get(id)?.status, "interrupted");
  assert.equal(dead.get(id)?.finishedAt, "2026-12-01T10:00:25.000Z");
  assert.equal(dead.get(id)?.durationMs, null);
});

Deno.test("Deno KV's read-only words read as weft's", () => {
  const text = describeFault(new Error("Can not write to a read-only database."));
  assert.equal(text?.reason, "the history database cannot be written");
});

Deno.test({
  name: "a run killed -9, read from a read-only home: last seen and reason in words" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: async () => {
    const dir = testTempDir("ro-dead-");
    const src = `${dir}/src`;
    const mnt = `${dir}/mnt`;
    Deno.mkdirSync(src);
    Deno.mkdirSync(mnt);
    const flow = `${dir}/w.json`;
    const command = `echo up > ${dir}/up; sleep 30`;
    Deno.writeTextFileSync(flow, JSON.stringify({ name: "ro", tasks: [{ id: "a", command }] }));
    assert.ok(await sh("mount", "--bind", src, mnt));
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: weftArgs(["run", flow, "-q"]),
        env: weftEnv({ WEFT_HOME: mnt }),
        clearEnv: true,
        stdout: "null",
        stderr: "null",
      }).spawn();
      while (!(await Deno.stat(`${dir}/up`).then(() => true, () => false))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill("SIGKILL");
      await child.status;
      assert.ok(await sh("mount", "-o", "remount,bind,ro", mnt));
      const r = await weft(["status", "--json"], { env: { WEFT_HOME: mnt } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /cannot be marked so yet: .*the file system is read-only/);
      const shown = JSON.parse(r.stdout);
      assert.equal(shown.status, "interrupted");
      assert.ok(shown.finishedAt >= shown.startedAt, String(shown.finishedAt));
      assert.match(shown.error, /its end could not be recorded: the file system is read-only/);
    } finally {
      await sh("umount", mnt);
      // The writable home: recovery marks the run and ends its task.
      await weft(["history"], { env: { WEFT_HOME: src } });
    }
  },
});
