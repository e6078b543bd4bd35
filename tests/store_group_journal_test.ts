/**
 * The per-run process-group journal (src/store/group_journal.ts): what it writes, what
 * recovery reads back from it, and recovery ending a crashed run's groups and removing
 * its work folder from it alone (no process record in the store).
 */
import assert from "node:assert/strict";
import { GroupJournal, JOURNAL_WINDOW_MS, journalPath } from "../src/store/group_journal.ts";
import { readJournal } from "../src/store/group_journal_read.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import { processStartTicks, recoverInterrupted } from "../src/store/recovery.ts";
import { processesInGroup } from "./_run_cli.ts";
import { assertRecoversGroup, killSession, startSession, waitForGroupSize } from "./_recovery.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";
import { testTempDir } from "./_tmp.ts";

/** Tests that need /proc (process start times) are ignored, with the reason in their name, without it. */
const HAS_PROC = processStartTicks(Deno.pid) !== null;
function procTest(name: string, fn: () => Promise<void>) {
  Deno.test({ name: HAS_PROC ? name : `${name} (skipped: no /proc here)`, ignore: !HAS_PROC, fn });
}

const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("journal: a group is journaled once it ran for the window, one that ended by then never", async () => {
  const logs = testTempDir("logs-");
  const runId = fakeRunId();
  const ticks = new Map([[101, 5000], [102, 6000], [103, 7000]]);
  const read: number[] = [];
  const journal = GroupJournal.open(logs, runId, "/dev/shm/weft-run-x", (pid) => {
    read.push(pid);
    return ticks.get(pid) ?? "gone";
  });
  const path = journalPath(logs, runId);
  journal.started(101);
  journal.started(102);
  journal.started(103);
  journal.exited(103); // within its window: never journaled, its start time never read
  await Promise.resolve();
  assert.equal(
    Deno.readTextFileSync(path),
    'W "/dev/shm/weft-run-x"\n',
    "nothing before the window",
  );
  await after(JOURNAL_WINDOW_MS * 4);
  journal.exited(101);
  journal.started(104); // already reaped when it is journaled ("gone"): never written
  journal.flush();
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  assert.equal(
    Deno.readTextFileSync(path),
    'W "/dev/shm/weft-run-x"\nS 101\nT 101 5000\nS 102\nT 102 6000\nE 101\n',
  );
  assert.deepEqual(read, [101, 102, 104]);
  assert.deepEqual(await readJournal(logs, runId), {
    groups: [{ pid: 102, startTicks: 6000 }],
    workDir: "/dev/shm/weft-run-x",
  });
  journal.close(true);
  assert.equal(await readJournal(logs, runId), null, "a finished run leaves no journal");
});

Deno.test("journal: a group's start time is read once it ran for the window, not at another's", async () => {
  const logs = testTempDir("logs-");
  const runId = fakeRunId();
  let now = 0; // the journal's clock, in ms: moved by hand; its timers are real
  const read: number[] = [];
  const journal = GroupJournal.open(
    logs,
    runId,
    undefined,
    (pid) => {
      read.push(pid);
      return pid * 10;
    },
    () => {},
    () => now,
  );
  journal.started(101); // due at 3
  now = 2;
  journal.started(102); // due at 5: not when 101's window closes
  now = 3.2;
  await after(JOURNAL_WINDOW_MS * 3); // the window's timer has fired (and waits for 102 since)
  assert.deepEqual(read, [101]);
  now = 4.5;
  journal.exited(102); // ended before it ran for the window: never read, never written
  now = 6;
  await after(JOURNAL_WINDOW_MS * 3);
  journal.started(103);
  journal.flush(); // an explicit flush journals every group still running, due or not
  assert.deepEqual(read, [101, 103]);
  assert.equal(
    Deno.readTextFileSync(journalPath(logs, runId)),
    "S 101\nT 101 1010\nS 103\nT 103 1030\n",
  );
  journal.close(true);
});

Deno.test("journal: ends wait for the window, in order with the groups journaled after them", async () => {
  const logs = testTempDir("logs-");
  const runId = fakeRunId();
  const journal = GroupJournal.open(logs, runId, undefined, (pid) => pid);
  const path = journalPath(logs, runId);
  journal.started(301);
  journal.started(302);
  await after(JOURNAL_WINDOW_MS * 3);
  assert.equal(Deno.readTextFileSync(path), "S 301\nT 301 301\nS 302\nT 302 302\n");
  journal.exited(301);
  journal.started(303);
  assert.equal(Deno.readTextFileSync(path).includes("E 301"), false, "the end waits");
  journal.close(false); // closing writes what waits, due or not
  assert.equal(
    Deno.readTextFileSync(path),
    "S 301\nT 301 301\nS 302\nT 302 302\nE 301\nS 303\nT 303 303\n",
  );
});

Deno.test("journal: a pid reused before its group's end was written is read as the new group's", async () => {
  const logs = testTempDir("logs-");
  const runId = fakeRunId();
  let ticks = 2010;
  const journal = GroupJournal.open(logs, runId, undefined, () => ticks);
  journal.started(201);
  journal.flush();
  journal.exited(201);
  ticks = 2020;
  journal.started(201); // the kernel gave the pid to our next group before the end was written
  journal.flush();
  assert.equal(
    Deno.readTextFileSync(journalPath(logs, runId)),
    "S 201\nT 201 2010\nE 201\nS 201\nT 201 2020\n",
  );
  assert.deepEqual((await readJournal(logs, runId))?.groups, [{ pid: 201, startTicks: 2020 }]);
  journal.close(true);
});

Deno.test("journal: a line cut by a crash and unknown start times are read safely", async () => {
  const logs = testTempDir("logs-");
  const runId = fakeRunId();
  const path = journalPath(logs, runId);
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  Deno.writeTextFileSync(path, 'W "/tmp/weft-run-a"\nS 200\nS 201\nT 201 12\nE 9x\nT 200 1');
  assert.deepEqual(await readJournal(logs, runId), {
    groups: [{ pid: 200, startTicks: null }, { pid: 201, startTicks: 12 }],
    workDir: "/tmp/weft-run-a",
  });
});

procTest(
  "recovery ends the groups named in a crashed run's journal and removes its work folder",
  async () => {
    const logs = testTempDir("logs-");
    const workDir = Deno.makeTempDirSync({ dir: testTempDir("tmp-"), prefix: "weft-run-" });
    Deno.writeTextFileSync(`${workDir}/1-a-1.out`, "");
    const child = new Deno.Command("setsid", {
      args: ["sh", "-c", "sleep 300 & sleep 300 & wait"],
      stdout: "null",
    }).spawn();
    try {
      while (processesInGroup(child.pid).length < 3) await after(20);
      const store = new MemoryRunStore(logs);
      const id = fakeRunId();
      // A weft pid that cannot exist (above Linux's pid_max): the run's process is gone.
      await store.createRun(runInfo({ id, pid: 2 ** 22 + 11 }), [pendingTask("a")]);
      const journal = GroupJournal.open(logs, id, workDir, (pid) => processStartTicks(pid));
      journal.started(child.pid);
      journal.close(false); // the crash: the journal stays as it is
      await assertRecoversGroup(store, child, id);
      assert.throws(() => Deno.statSync(workDir), Deno.errors.NotFound, "work folder removed");
      assert.equal(await readJournal(logs, id), null, "the journal is removed with it");
    } finally {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* already gone, as it should be */ }
    }
  },
);

Deno.test("recovery never removes a folder the journal names that weft did not make", async () => {
  const logs = testTempDir("logs-");
  const precious = testTempDir("precious-");
  const store = new MemoryRunStore(logs);
  const id = fakeRunId();
  await store.createRun(runInfo({ id, pid: 2 ** 22 + 11 }), [pendingTask("a")]);
  GroupJournal.open(logs, id, precious, () => null).close(false);
  await recoverInterrupted(store, Deno.hostname());
  assert.equal((await store.findRun(id))?.status, "interrupted");
  assert.ok(Deno.statSync(precious).isDirectory);
});

procTest(
  "a group whose start time the crash kept from the journal is proven ours by WEFT_RUN_ID",
  async () => {
    const logs = testTempDir("logs-");
    const id = fakeRunId();
    const ours = new Deno.Command("setsid", {
      args: ["sleep", "300"],
      env: { WEFT_RUN_ID: id },
    }).spawn();
    const stranger = new Deno.Command("setsid", {
      args: ["sleep", "300"],
      env: { WEFT_RUN_ID: fakeRunId() },
    }).spawn();
    try {
      while (processesInGroup(ours.pid).length < 1 || processesInGroup(stranger.pid).length < 1) {
        await after(20);
      }
      const journal = GroupJournal.open(logs, id, undefined, () => null);
      journal.started(ours.pid); // S lines only: no start time could be read
      journal.started(stranger.pid);
      journal.close(false);
      assert.deepEqual(await readJournal(logs, id), {
        groups: [
          { pid: ours.pid, startTicks: processStartTicks(ours.pid) },
          { pid: stranger.pid, startTicks: null },
        ],
        workDir: null,
      });
    } finally {
      ours.kill("SIGKILL");
      stranger.kill("SIGKILL");
      await ours.status;
      await stranger.status;
    }
  },
);

procTest(
  "recovery ends a group the crash kept from the journal (it had not run for the window)",
  async () => {
    const logs = testTempDir("logs-");
    const id = fakeRunId();
    const child = startSession("sleep 300 & sleep 300 & wait", { WEFT_RUN_ID: id });
    try {
      await waitForGroupSize(child.pid, 3);
      const store = new MemoryRunStore(logs);
      await store.createRun(runInfo({ id, pid: 2 ** 22 + 11 }), [pendingTask("a")]);
      const journal = GroupJournal.open(logs, id, undefined, (pid) => processStartTicks(pid));
      journal.started(child.pid);
      await Promise.resolve();
      // The crash, before the window closed: the journal is as it is on disk now.
      const path = journalPath(logs, id);
      const onDisk = Deno.readTextFileSync(path);
      assert.equal(onDisk, "", "the group is not journaled yet");
      journal.close(true);
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      Deno.writeTextFileSync(path, onDisk);
      await assertRecoversGroup(store, child, id);
    } finally {
      await killSession(child);
    }
  },
);
