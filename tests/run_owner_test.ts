/**
 * A run's owner (store/run_owner.ts): a run recorded by a weft of another PID namespace
 * or boot with this host's name is never judged by its pid here (tester15 F1) — `weft
 * history` neither signals its task groups nor marks it; `weft status` says it is not
 * checked, and `weft history mark-interrupted` settles it by hand (tester15 F7). A run of
 * an earlier boot of this machine is dead whatever its pid means now.
 */
import assert from "node:assert/strict";
import { KvRunStore } from "../src/store/kv.ts";
import { kvPath, logsPath } from "../src/store/open.ts";
import { ownerPlace, ownOwnerFacts } from "../src/store/run_owner.ts";
import { processStartTicks } from "../src/store/recovery.ts";
import type { CreateRunExtras } from "../src/store/run_store.ts";
import { historyJson, weft } from "./_run_cli.ts";
import { killSession, startSession } from "./_recovery.ts";
import { testTempDir } from "./_tmp.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";

const HAS_PROC = processStartTicks(Deno.pid) !== null;
const OWN = { bootId: "b-1", pidNs: "pid:[4026531836]" };
const BOOT = Date.parse("2026-12-01T00:00:00Z");
const run = (
  over: Partial<{ host: string; bootId: string; pidNs: string; startedAt: string }>,
) => ({
  host: "vm",
  startedAt: "2026-12-01T10:00:00Z",
  ...over,
});

Deno.test("ownerPlace: only the same host, boot and pid namespace is here", () => {
  assert.equal(ownerPlace(run({ ...OWN }), "vm", OWN, BOOT), "here");
  assert.equal(ownerPlace(run({}), "vm", OWN, BOOT), "here", "records from before: by host");
  assert.equal(ownerPlace(run({ ...OWN, host: "ctr" }), "vm", OWN, BOOT), "elsewhere");
  assert.equal(
    ownerPlace(run({ ...OWN, pidNs: "pid:[4026532210]" }), "vm", OWN, BOOT),
    "elsewhere",
  );
  // Another kernel: this machine before its boot, or another machine of that name.
  const before = run({ ...OWN, bootId: "b-0", startedAt: "2026-11-30T23:00:00Z" });
  assert.equal(ownerPlace(before, "vm", OWN, BOOT), "rebooted");
  assert.equal(ownerPlace(run({ ...OWN, bootId: "b-0" }), "vm", OWN, BOOT), "elsewhere");
  assert.equal(ownerPlace(before, "vm", OWN, null), "elsewhere", "boot time unknown");
});

/** Records run `id` as running with `extras`, by a pid that is gone here. */
async function seedRunning(home: string, id: string, extras: CreateRunExtras, startedAt?: string) {
  Deno.mkdirSync(logsPath(home), { recursive: true });
  const gone = new Deno.Command("true").spawn();
  await gone.status;
  const store = await KvRunStore.open(kvPath(home), logsPath(home));
  try {
    await store.createRun(runInfo({ id, pid: gone.pid, startedAt }), [pendingTask("a")], extras);
  } finally {
    store.close();
  }
}

/** Writes the heartbeat a run's weft would have written at `at`. */
async function beat(home: string, id: string, at: Date) {
  const store = await KvRunStore.open(kvPath(home), logsPath(home));
  try {
    await store.heartbeat(id, at.toISOString());
  } finally {
    store.close();
  }
}

Deno.test({
  name: `a run of another pid namespace is not judged here; mark-interrupted settles it${
    HAS_PROC ? "" : " (skipped: no /proc here)"
  }`,
  ignore: !HAS_PROC,
  fn: async () => {
    const home = testTempDir("home-");
    const id = fakeRunId();
    const started = new Date(Date.now() - 10 * 60_000).toISOString();
    await seedRunning(home, id, { ...ownOwnerFacts(), pidNs: "pid:[1]" }, started);
    // Its weft stopped beating 40 s ago (more than six 5 s heartbeat intervals).
    await beat(home, id, new Date(Date.now() - 40_000));
    // What its task looks like from here: a session leader naming the run.
    const task = startSession("sleep 30", { WEFT_RUN_ID: id });
    try {
      for (const verb of [["history", "--json"], ["status"], ["logs", id]]) {
        const r = await weft(verb, { env: { WEFT_HOME: home } });
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /marked interrupted|is gone/, verb.join(" "));
      }
      const [listed] = await historyJson<{ status: string }>(home);
      assert.equal(listed.status, "running");
      const status = await weft(["status", id], { env: { WEFT_HOME: home } });
      assert.match(status.stdout, /pid namespace pid:\[1\]/);
      assert.match(status.stdout, /not checked from here/);
      assert.match(status.stdout, /no heartbeat for 30\.0s/);
      assert.match(status.stdout, new RegExp(`weft history mark-interrupted ${id}`));

      const marked = await weft(["history", "mark-interrupted", id.slice(0, 20)], {
        env: { WEFT_HOME: home },
      });
      assert.equal(marked.code, 0, marked.stderr);
      assert.match(marked.stderr, /marked interrupted/);
      const [after] = await historyJson<{ status: string; durationMs: number | null }>(home);
      assert.deepEqual([after.status, after.durationMs], ["interrupted", null]);
      assert.equal(processStartTicks(task.pid) !== null, true, "its task was never signalled");
      const again = await weft(["history", "mark-interrupted", id], { env: { WEFT_HOME: home } });
      assert.equal(again.code, 2);
      assert.match(again.stderr, /is interrupted, not running: nothing to mark/);
    } finally {
      await killSession(task);
    }
  },
});

Deno.test({
  name: `a run of an earlier boot is recovered, its recorded groups left alone${
    HAS_PROC ? "" : " (skipped: no /proc here)"
  }`,
  ignore: !HAS_PROC,
  fn: async () => {
    const home = testTempDir("home-");
    const id = fakeRunId(new Date("2001-01-01T00:00:00Z"));
    const started = "2001-01-01T00:00:00Z";
    await seedRunning(home, id, { ...ownOwnerFacts(), bootId: "an-earlier-boot" }, started);
    // A process of this boot whose pid and start time the old boot's record happens to hold.
    const stranger = startSession("sleep 30");
    try {
      const store = await KvRunStore.open(kvPath(home), logsPath(home));
      const ticks = processStartTicks(stranger.pid);
      const process = { runId: id, taskId: "a", attempt: 1, pid: stranger.pid, startTicks: ticks };
      await store.writeRecords({
        tasks: [],
        attempts: [],
        processes: [{ process: { ...process, startedAt: started }, running: true }],
      });
      store.close();
      const r = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /marked interrupted/);
      assert.doesNotMatch(r.stderr, /ended its/);
      assert.equal(JSON.parse(r.stdout)[0].status, "interrupted");
      assert.equal(processStartTicks(stranger.pid), ticks, "the stranger was not signalled");
    } finally {
      await killSession(stranger);
    }
  },
});

Deno.test("mark-interrupted refuses a run of elsewhere seen alive within six heartbeats", async () => {
  const home = testTempDir("home-");
  const mark = (id: string) =>
    weft(["history", "mark-interrupted", id], { env: { WEFT_HOME: home } });
  const elsewhere = { ...ownOwnerFacts(), pidNs: "pid:[1]" };
  const old = new Date(Date.now() - 10 * 60_000).toISOString();
  // Beating now; beating 20 s ago; just started, before its first beat; its clock ahead.
  const cases: [string, Date | null, string | undefined][] = [
    ["now", new Date(), old],
    ["20 s ago", new Date(Date.now() - 20_000), old],
    ["no beat yet", null, undefined],
    ["clock ahead", new Date(Date.now() + 60_000), old],
  ];
  for (const [what, at, started] of cases) {
    const id = fakeRunId();
    await seedRunning(home, id, elsewhere, started);
    if (at) await beat(home, id, at);
    const r = await mark(id);
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(
      r.stderr,
      /was seen alive (?:\d+ms|\d+\.\ds) ago \(\d{4}-\d\d-\d\d [\d:]+\): its weft may still be running/,
    );
    assert.match(r.stderr, /may be marked once no heartbeat came for 30\.0s: from \d{4}-/, what);
    const [listed] = await historyJson<{ id: string; status: string }>(home);
    assert.equal(listed.status, "running", what);
  }
  // The same run once its last beat is 31 s old: marked.
  const id = fakeRunId();
  await seedRunning(home, id, elsewhere, old);
  await beat(home, id, new Date(Date.now() - 31_000));
  const r = await mark(id);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /marked interrupted/);
});

Deno.test("mark-interrupted refuses a live run of this host and an unknown id", async () => {
  const home = testTempDir("home-");
  const id = fakeRunId();
  Deno.mkdirSync(logsPath(home), { recursive: true });
  const store = await KvRunStore.open(kvPath(home), logsPath(home));
  try {
    // Recorded by this test process, alive while weft looks.
    await store.createRun(runInfo({ id }), [pendingTask("a")], {
      ...ownOwnerFacts(),
      pidStartTicks: processStartTicks(Deno.pid),
    });
  } finally {
    store.close();
  }
  const live = await weft(["history", "mark-interrupted", id], { env: { WEFT_HOME: home } });
  assert.equal(live.code, 2);
  assert.match(live.stderr, /is running on this host \(pid \d+\): its process is alive/);
  const unknown = await weft(["history", "mark-interrupted", "1999"], { env: { WEFT_HOME: home } });
  assert.equal(unknown.code, 2, unknown.stderr);
});
