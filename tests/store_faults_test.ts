/**
 * Faults of the machine in the store: OS and SQLite errors explained (faults.ts), log
 * writes that fail without an unhandled rejection (log_files.ts), the recorder telling
 * its owner once, folders weft did not create keeping their mode, the space reserve,
 * and opening a home for reading that creates nothing. Real files, no mocks; the
 * faults made here need no root (a file where a folder should be). Full and read-only
 * disks are in cli_faults_test.ts.
 */
import assert from "node:assert/strict";
import { ExitCode, WeftError } from "../src/model/errors.ts";
import {
  describeFault,
  faultPath,
  isDiskFull,
  isFault,
  refineFault,
  StorageError,
} from "../src/store/faults.ts";
import { ensurePrivateDir, LogWriter } from "../src/store/log_files.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { RunSettledError } from "../src/store/settled.ts";
import { makeReserve, releaseReserve, RESERVE_BYTES, reservePath } from "../src/store/reserve.ts";
import { fakeRunId, publish, runEvents } from "./fixtures/history/events.ts";
import { testTempDir } from "./_tmp.ts";

const osError = (code: string, message: string) => Object.assign(new Error(message), { code });

Deno.test("describeFault: errno codes and SQLite texts in plain words; anything else is null", () => {
  assert.equal(
    describeFault(osError("ENOSPC", "No space left on device (os error 28)"))?.reason,
    "no space left on the device",
  );
  assert.match(describeFault(osError("EROFS", "Read-only file system"))!.reason, /read-only/);
  assert.match(describeFault(osError("EACCES", "Permission denied"))!.reason, /permission/);
  // Deno KV reports SQLite errors as TypeError/Error without a code.
  assert.deepEqual(
    describeFault(new TypeError("database or disk is full")),
    describeFault(osError("ENOSPC", "")),
  );
  assert.match(describeFault(new Error("database is locked"))!.reason, /locked/);
  assert.match(describeFault(new Error("unable to open database file"))!.hint, /WEFT_HOME/);
  // The hint names the setting that chose the path, or none when that is not known.
  const notDir = osError("ENOTDIR", "Not a directory (os error 20)");
  assert.equal(
    describeFault(notDir, "TMPDIR")!.hint,
    "move that file away, or point TMPDIR at another folder",
  );
  assert.equal(describeFault(notDir, null)!.hint, "move that file away");
  for (const bug of [new Error("x is undefined"), new TypeError("not a function"), "text", null]) {
    assert.equal(describeFault(bug), null);
    assert.equal(isFault(bug), false);
  }
  assert.ok(isDiskFull(new TypeError("database or disk is full")));
  assert.ok(!isDiskFull(osError("EROFS", "")));
});

Deno.test("describeFault: a run settled elsewhere names the heartbeat limit as weft prints durations", () => {
  const { hint } = describeFault(new RunSettledError("20260102T120000Z-abcdef"))!;
  assert.match(hint, /a weft not heard from for 30\.0s \(stopped, frozen\) is taken for dead/);
});

Deno.test("faultPath: the operation and path at the end of a real Deno OS error", async () => {
  const dir = testTempDir("fault-");
  await Deno.writeTextFile(`${dir}/file`, "");
  const error = await Deno.mkdir(`${dir}/file/sub`).then(() => null, (e) => e);
  assert.deepEqual(faultPath(error), { op: "mkdir", path: `${dir}/file/sub` });
  assert.equal(describeFault(error)?.reason, "a part of the path is a file, not a folder");
  assert.equal(faultPath(new Error("no path here")), null);
});

Deno.test("StorageError: path, what failed, why and what to do; one-line summary", () => {
  const e = new StorageError("cannot write the log", "/h/logs/r/a.1.log", osError("ENOSPC", ""));
  assert.equal(e.problems[0].file, "/h/logs/r/a.1.log");
  assert.equal(e.problems[0].message, "cannot write the log: no space left on the device");
  assert.match(e.problems[0].hint!, /free some space/);
  assert.equal(e.summary, "cannot write the log (/h/logs/r/a.1.log): no space left on the device");
  assert.equal(e.exitCode, ExitCode.Failed);
  assert.ok(isDiskFull(e));
  // An error the table does not know keeps the OS's own words.
  assert.equal(new StorageError("cannot read", "/x", new Error("odd")).reason, "odd");
});

Deno.test("ensurePrivateDir: creates missing folders 0700; an existing folder keeps its mode", async () => {
  const dir = testTempDir("dirs-");
  await Deno.mkdir(`${dir}/theirs`);
  await Deno.chmod(`${dir}/theirs`, 0o755);
  ensurePrivateDir(`${dir}/theirs/a/b`);
  assert.equal((await Deno.stat(`${dir}/theirs`)).mode! & 0o777, 0o755);
  assert.equal((await Deno.stat(`${dir}/theirs/a`)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(`${dir}/theirs/a/b`)).mode! & 0o777, 0o700);
  ensurePrivateDir(`${dir}/theirs`); // exists: nothing changes
  assert.equal((await Deno.stat(`${dir}/theirs`)).mode! & 0o777, 0o755);
  await Deno.writeTextFile(`${dir}/file`, "");
  let error: unknown = null;
  try {
    ensurePrivateDir(`${dir}/file`);
  } catch (e) {
    error = e;
  }
  assert.ok(describeFault(error), "a file where the folder should be is explained");
});

Deno.test("LogWriter: a failed write is one StorageError for onError, never a rejection", async () => {
  const dir = testTempDir("logs-");
  await Deno.writeTextFile(`${dir}/logs`, "a file where the logs folder should be");
  const seen: StorageError[] = [];
  const logs = new LogWriter(`${dir}/logs`, (e) => seen.push(e));
  // Enough to pass the 64 KiB flush threshold (a write started from append), then more.
  for (let i = 0; i < 2000; i++) logs.append("run/a.1.log", "stdout", "x".repeat(100));
  logs.append("run/b.1.log", "stderr", "other file");
  await logs.flushAll();
  assert.equal(await logs.close("run/a.1.log"), 0);
  await logs.closeAll();
  assert.equal(seen.length, 1, "onError is called once");
  assert.equal(seen[0].path, `${dir}/logs/run`);
  assert.match(seen[0].summary, /^cannot create the log folder/);
  assert.equal(logs.takeError(), seen[0]);
  assert.equal(logs.takeError(), null);
});

Deno.test("recorder: the first fault goes to onFault once; flush rejects with it", async () => {
  const dir = testTempDir("rec-");
  await Deno.writeTextFile(`${dir}/logs`, "");
  const store = new MemoryRunStore(`${dir}/logs`);
  const faults: StorageError[] = [];
  const recorder = createRecorder(store, store.logsDir, { onFault: (e) => faults.push(e) });
  const id = fakeRunId();
  publish(
    recorder.listener,
    runEvents({
      id,
      tasks: [
        { id: "a", lines: [["stdout", "one"], ["stdout", "two"]] },
        { id: "b", lines: [["stderr", "three"]] },
      ],
    }),
  );
  await assert.rejects(recorder.flush(), StorageError);
  assert.equal(faults.length, 1);
  assert.match(faults[0].summary, /cannot create the log folder/);
  // The records themselves could still be written: the run is on record, but not whole
  // (its log lines were lost), so it is no success: failed, saying why.
  const run = await store.getRun(id);
  assert.equal(run.run.status, "failed");
  assert.match(run.run.error ?? "", /cannot create the log folder/);
  assert.deepEqual(run.tasks.map((t) => t.status), ["success", "success"]);
});

Deno.test("space reserve: made once (0600, its full size), released on demand", async () => {
  const home = testTempDir("reserve-");
  assert.equal(await makeReserve(home), null);
  const info = await Deno.stat(reservePath(home));
  assert.equal(info.size, RESERVE_BYTES);
  assert.equal(info.mode! & 0o777, 0o600);
  const before = info.mtime?.getTime();
  assert.equal(await makeReserve(home), null);
  assert.equal((await Deno.stat(reservePath(home))).mtime?.getTime(), before, "not rewritten");
  assert.equal(await releaseReserve(home), true);
  assert.equal(await releaseReserve(home), false);
  // No folder: no reserve, no error, nothing left behind.
  assert.notEqual(await makeReserve(`${home}/missing`), null);
  assert.deepEqual([...Deno.readDirSync(home)], []);
});

Deno.test("space reserve: a FIFO at its name is neither opened nor removed; refused, naming it", async () => {
  const home = testTempDir("reserve-");
  const made = new Deno.Command("mkfifo", { args: [reservePath(home)] }).outputSync();
  assert.ok(made.success);
  // Opening the FIFO for writing would wait for a reader for ever: this returns at once.
  const failed = await makeReserve(home);
  assert.ok(failed instanceof WeftError);
  assert.match(failed.message, /weft\.reserve: is a named pipe \(FIFO\), not a regular file/);
  assert.match(failed.message, /remove it: weft makes its own weft\.reserve/);
  assert.ok(Deno.lstatSync(reservePath(home)).isFifo);
});

Deno.test("openStore readOnly: a missing home reads as empty history and is not created", async () => {
  const dir = testTempDir("ro-");
  const store = await openStore(`${dir}/home`, { readOnly: true });
  try {
    assert.deepEqual(await store.listRuns({ limit: 10 }), []);
  } finally {
    store.close();
  }
  assert.deepEqual([...Deno.readDirSync(dir)], []);
});

Deno.test("openStore for writing: a file where the home should be is a StorageError, exit 2", async () => {
  const dir = testTempDir("home-file-");
  await Deno.writeTextFile(`${dir}/home`, "");
  const error = await openStore(`${dir}/home`).then(() => null, (e) => e);
  assert.ok(error instanceof StorageError);
  assert.equal(error.path, `${dir}/home`);
  assert.equal(error.exitCode, ExitCode.Invalid);
  assert.match(error.problems[0].message, /^cannot create the history folder: /);
});

Deno.test("refineFault: only an I/O error is probed; with room it stays, leaving no file", async () => {
  const dir = testTempDir("refine-");
  const denied = Object.assign(new Error("denied"), { code: "EACCES" });
  assert.equal(await refineFault(denied, dir), denied);
  const io = new Error("disk I/O error"); // what openKv throws, no code
  assert.equal(await refineFault(io, dir), io, "there is room: an I/O error it is");
  assert.equal(await refineFault(io, `${dir}/missing`), io, "a probe that cannot run");
  assert.deepEqual([...Deno.readDirSync(dir)], [], "the probe file is removed");
  assert.equal(isDiskFull(io), false);
});
