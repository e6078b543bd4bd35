/**
 * src/schedule/daemon_fire.ts: a fire waiting to start (queued behind its schedule's running
 * run under `overlap: queue`, left waiting by a killed daemon, or waiting for its turn in a
 * start's catch-up chain) when its schedule is paused never starts: it is recorded
 * `skipped` with why, the log says so, and a resume does not replay it (tester fsched F1).
 * A cron changed meanwhile (`--replace`) does not stop it: it was due under the schedule as
 * it was at its time. Through a real `weft daemon` and the real `weft schedule` commands,
 * and the catch-up chain in process on a manual clock.
 */
import assert from "node:assert/strict";
import {
  escaped,
  fireAt,
  leftQueuedFire,
  PAUSED,
  queuedFire,
  queuedSchedule,
  skippedLine,
  startDaemon,
} from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import { inProcessDaemon, testSchedule } from "./_daemon_in_process.ts";
import { ManualClock } from "../src/schedule/clock.ts";
import { MemoryScheduleStore } from "../src/store/schedule_store.ts";

for (const resume of [false, true]) {
  const what = resume ? "paused and resumed" : "paused";
  Deno.test(`a fire queued when its schedule is ${what} never starts, and is recorded skipped`, async () => {
    const { dir, home, env } = await queuedSchedule("paused-queued-");
    const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
    let at: string;
    try {
      at = await queuedFire(daemon);
      assert.equal((await weft(["schedule", "pause", "s"], { env })).code, 0);
      if (resume) assert.equal((await weft(["schedule", "resume", "s"], { env })).code, 0);
      Deno.writeTextFileSync(`${dir}/go`, "");
      await daemon.waitFor(skippedLine(at, PAUSED));
      if (resume) {
        // The schedule fires afresh after the resume; the fire that waited is not replayed.
        const from = daemon.lines.length;
        await daemon.waitFor(/run \S+ started \(schedule s \S+\)/, { from });
      }
      assert.equal(await daemon.stop(), 0);
    } finally {
      // Ends the run's task too when an assertion failed before `go` was written.
      Deno.writeTextFileSync(`${dir}/go`, "");
      await daemon.stop("SIGKILL");
    }
    assert.equal(
      daemon.count(new RegExp(`run \\S+ started \\(schedule s ${escaped(at)}\\)`)),
      0,
      daemon.lines.join("\n"),
    );
    const fire = await fireAt(home, at);
    assert.equal(fire?.outcome, "skipped");
    assert.equal(fire?.runId, null);
    assert.equal(fire?.reason, PAUSED);
    // Nothing is left owed to the next start.
    const [listed] = JSON.parse((await weft(["schedule", "list", "--json"], { env })).stdout);
    assert.equal(listed.pending_catch_up, null);
    const store = await openScheduleStore(home, { readOnly: true });
    try {
      assert.equal((await store.get("s"))?.unstartedFires, undefined);
    } finally {
      store.close();
    }
  });
}

Deno.test("a paused schedule's queued fire is shown skipped with why in weft schedule list", async () => {
  const { dir, home, env } = await queuedSchedule("paused-list-");
  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  let at: string;
  try {
    at = await queuedFire(daemon);
    // Seen paused by the daemon before the run ends: no fire after the queued one is recorded.
    assert.equal((await weft(["schedule", "pause", "s"], { env })).code, 0);
    await daemon.waitFor(/schedules changed in the store: 0 active schedule\(s\), 1 paused/);
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.waitFor(/skipped, not run: its schedule was paused while it waited/);
    assert.equal(await daemon.stop(), 0);
  } finally {
    // Ends the run's task too when an assertion failed before `go` was written.
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.stop("SIGKILL");
  }
  const store = await openScheduleStore(home, { readOnly: true });
  const last = await (async () => {
    try {
      return (await store.get("s"))?.lastFire;
    } finally {
      store.close();
    }
  })();
  // The last fire is the queued one, or a later one the loop skipped before it saw the pause.
  const listed = await weft(["schedule", "list"], { env });
  assert.equal(listed.code, 0, listed.stderr);
  if (last?.time === at) {
    assert.match(listed.stdout, /skipped {2}\(its schedule was paused while it waited\)/);
  } else {
    assert.ok(last && Date.parse(last.time) > Date.parse(at), JSON.stringify(last));
    assert.equal(last.outcome, "skipped", "a fire the full queue turned away");
  }
  assert.equal((await fireAt(home, at))?.reason, PAUSED);
});

Deno.test("a fire a killed daemon left queued is not replayed once its schedule was paused and resumed", async () => {
  const { dir, home, env, at } = await leftQueuedFire("paused-left-");
  assert.equal((await weft(["schedule", "pause", "s"], { env })).code, 0);
  assert.equal((await weft(["schedule", "resume", "s"], { env })).code, 0);
  // Within its catch-up window (1 h): but for the pause, the next start would run it.
  const second = startDaemon(["--dir", `${dir}/empty`], { home });
  try {
    await second.waitFor(
      skippedLine(at, PAUSED),
    );
    // It fires afresh after the resume.
    await second.waitFor(/run \S+ started \(schedule s \S+\)/);
    assert.equal(await second.stop(), 0);
  } finally {
    // Ends the run's task too when an assertion failed before `go` was written.
    Deno.writeTextFileSync(`${dir}/go`, "");
    await second.stop("SIGKILL");
  }
  assert.equal(
    second.count(new RegExp(`run \\S+ started \\(\\S+ s ${escaped(at)}\\)`)),
    0,
    second.lines.join("\n"),
  );
  const fire = await fireAt(home, at);
  assert.equal(fire?.outcome, "skipped");
  assert.equal(fire?.reason, PAUSED);
});

Deno.test("a fire queued when its schedule's cron is replaced still runs: it was due at its time", async () => {
  const { dir, home, add } = await queuedSchedule("replaced-queued-");
  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  let at: string;
  try {
    at = await queuedFire(daemon);
    const replaced = await add("0 0 1 1 *", "--replace");
    assert.equal(replaced.code, 0, replaced.stderr);
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.waitFor(new RegExp(`run \\S+ started \\(schedule s ${escaped(at)}\\)`));
    await daemon.waitFor(/run \S+ ended success/, { from: daemon.lines.length - 1 });
    assert.equal(await daemon.stop(), 0);
  } finally {
    // Ends the run's task too when an assertion failed before `go` was written.
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.stop("SIGKILL");
  }
  const fire = await fireAt(home, at);
  assert.equal(fire?.outcome, "success");
  assert.notEqual(fire?.runId, null);
});

Deno.test("catch-up fires whose turn comes after a pause are recorded skipped, not run, and a resume replays none", async () => {
  const clock = new ManualClock(new Date("2026-03-01T03:30:00Z"));
  const store = new MemoryScheduleStore();
  await store.add(testSchedule({
    catchupMs: 3 * 3_600_000,
    lastFire: { time: "2026-03-01T00:00:00+00:00", outcome: "success", runId: "r" },
  }));
  const { daemon, requests, enders, lines } = inProcessDaemon(clock, store);
  const settle = async (done: () => boolean) => {
    for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 0));
  };
  await daemon.start();
  try {
    // The chain's first fire (01:00) runs; 02:00 and 03:00 wait for their turn.
    await settle(() => requests.length === 1);
    assert.equal(requests[0]?.trigger.scheduledFor, "2026-03-01T01:00:00+00:00");
    assert.equal(await store.setPaused("hourly", true), true);
    enders[0]();
    await settle(() => lines.filter((l) => /skipped, not run/.test(l)).length === 2);
    assert.equal(await store.setPaused("hourly", false), true);
    await settle(() => false);
  } finally {
    await daemon.stop(0);
  }
  assert.equal(requests.length, 1, lines.join("\n"));
  for (const t of ["02:00", "03:00"]) {
    assert.ok(
      lines.includes(
        `schedule hourly: catch-up fire of 2026-03-01T${t}:00+00:00 skipped, not run: ` +
          PAUSED,
      ),
      lines.join("\n"),
    );
  }
  const fires = await store.listFires("hourly");
  assert.deepEqual(fires.map((f) => [f.time.slice(11, 16), f.trigger, f.outcome, f.reason]), [
    ["01:00", "catch-up", "success", undefined],
    ["02:00", "catch-up", "skipped", PAUSED],
    ["03:00", "catch-up", "skipped", PAUSED],
  ]);
});
