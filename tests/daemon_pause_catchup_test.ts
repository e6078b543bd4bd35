/**
 * Pause and catch-up in a real `weft daemon` (src/schedule/daemon_fires.ts catchUp and
 * setSchedules, daemon_fire.ts, Schedule.resumedAt): a fire whose time fell inside a
 * pause never runs after `weft schedule resume` (neither by the running daemon nor as a
 * catch-up), and after downtime every missed fire within `catchup` runs, one after
 * another, none recorded skipped for "a run is still going".
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = `name: j
tasks:
  - id: a
    command: echo "for \${schedule.time}"
`;

/** The fire times (ms) of the `run … started (KIND NAME TIME)` lines of `kind`. */
function startedFires(lines: string[], kind: string): number[] {
  return lines.flatMap((l) => {
    const m = l.match(new RegExp(`run \\S+ started \\(${kind} \\S+ (\\S+)\\)`));
    return m ? [Date.parse(m[1])] : [];
  });
}

/** The fire times (ms) of the `fire of TIME skipped` lines. */
function skippedFires(lines: string[]): number[] {
  return lines.flatMap((l) => {
    const m = l.match(/fire of (\S+) skipped/);
    return m ? [Date.parse(m[1])] : [];
  });
}

async function schedule(home: string, ...args: string[]): Promise<void> {
  const done = await weft(["schedule", ...args], { env: { WEFT_HOME: home } });
  assert.equal(done.code, 0, done.stderr);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `count` fires of `*\/2 * * * * *` after `from` (ms) are past, and `extra` ms
 * more: a wait for the clock, as long as those fires need and no longer (a fixed sleep
 * covering the worst case waited two seconds more on average).
 */
async function afterFires(from: number, count: number, extra = 0): Promise<void> {
  const until = Math.floor(from / 2000) * 2000 + count * 2000 + extra;
  while (Date.now() <= until) await sleep(until + 1 - Date.now());
}

Deno.test("daemon: a fire inside a pause is not run after resume, while the daemon runs", async () => {
  const dir = testTempDir("pause-");
  Deno.mkdirSync(`${dir}/flows`);
  const file = writeFlow(dir, "j.yml", FLOW);
  const home = testTempDir("home-");
  await schedule(home, "add", file, "--cron", "*/2 * * * * *", "--catchup", "1h", "--tz", "UTC");
  const daemon = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await daemon.waitFor(/daemon started/);
    await daemon.waitFor(/run \S+ started \(schedule/);
    // From here on: a fire the daemon missed while it started (a loaded machine takes
    // seconds) is caught up, and the next fire may find that run still going (overlap:
    // skip, as it should); that is before the pause, not what this test is about.
    const pausing = daemon.lines.length;
    await schedule(home, "pause", "j");
    const pausedAt = Date.now();
    // Two fires fall inside the pause, both a second or more before the resume.
    await afterFires(pausedAt, 2, 1000);
    await schedule(home, "resume", "j");
    const resumedAt = Date.now();
    const from = daemon.lines.length;
    await daemon.waitFor(/run \S+ started \(schedule/, { from });
    const late = startedFires(daemon.lines.slice(from), "(?:schedule|catch-up)")
      .filter((t) => t > pausedAt && t <= resumedAt - 1000);
    assert.deepEqual(late, [], daemon.lines.join("\n"));
    assert.deepEqual(skippedFires(daemon.lines.slice(pausing)), [], daemon.lines.join("\n"));
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon: a pause and resume while no daemon ran leaves nothing to catch up", async () => {
  const dir = testTempDir("pause-");
  Deno.mkdirSync(`${dir}/flows`);
  const file = writeFlow(dir, "j.yml", FLOW);
  const home = testTempDir("home-");
  await schedule(home, "add", file, "--cron", "*/2 * * * * *", "--catchup", "1h", "--tz", "UTC");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  await first.waitFor(/run \S+ started \(schedule/);
  assert.equal(await first.stop(), 0);
  await schedule(home, "pause", "j");
  await afterFires(Date.now(), 2); // two fires fall inside the pause
  // Whole seconds: a fire's time is one (`*/2` in the seconds field).
  const resumedAt = Math.floor(Date.now() / 1000) * 1000;
  await schedule(home, "resume", "j");
  const daemon = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await daemon.waitFor(/daemon started/);
    await daemon.waitFor(/run \S+ started \(schedule/);
    // Nothing from before the resume is caught up. A fire that fell between the resume and
    // the daemon's start (a loaded machine takes seconds to start it) is owed, and is; the
    // next fire may then find that run still going (overlap: skip), but none before the
    // resume is recorded skipped.
    const caughtUp = startedFires(daemon.lines, "catch-up");
    assert.ok(caughtUp.every((t) => t >= resumedAt), daemon.lines.join("\n"));
    const skipped = skippedFires(daemon.lines).filter((t) => t < resumedAt);
    assert.deepEqual(skipped, [], daemon.lines.join("\n"));
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon: after downtime every missed fire within catchup runs, none skipped", async () => {
  const dir = testTempDir("catchup-");
  Deno.mkdirSync(`${dir}/flows`);
  const file = writeFlow(dir, "j.yml", FLOW);
  const home = testTempDir("home-");
  await schedule(home, "add", file, "--cron", "*/2 * * * * *", "--catchup", "1h", "--tz", "UTC");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  await first.waitFor(/run \S+ started \(schedule/);
  assert.equal(await first.stop(), 0);
  const down = Date.now();
  await afterFires(down, 3); // three fires missed (owed, below)
  const back = Date.now();
  const daemon = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    await daemon.waitFor(/daemon started/);
    const owed = Math.floor(back / 2000) - Math.ceil(down / 2000) + 1;
    assert.ok(owed >= 3);
    // Each one runs: wait until as many have started.
    while (daemon.count(/started \(catch-up/) < owed) {
      await daemon.waitFor(/started \(catch-up/, { from: daemon.lines.length });
    }
    const caughtUp = startedFires(daemon.lines, "catch-up");
    assert.ok(caughtUp.length >= owed, daemon.lines.join("\n"));
    assert.deepEqual(caughtUp, [...caughtUp].sort((a, b) => a - b), "oldest first");
    // No fire before the restart was skipped.
    const skipped = skippedFires(daemon.lines).filter((t) => t <= back);
    assert.deepEqual(skipped, [], daemon.lines.join("\n"));
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon: catch-up fires a stopping daemon had not reached are run by the next start", async () => {
  const dir = testTempDir("catchup-stop-");
  Deno.mkdirSync(`${dir}/flows`);
  // Each run outlasts a fire interval: the chain is still going when the daemon stops.
  const file = writeFlow(dir, "j.yml", "name: j\ntasks:\n  - id: a\n    command: sleep 1\n");
  const home = testTempDir("home-");
  await schedule(home, "add", file, "--cron", "*/2 * * * * *", "--catchup", "1h", "--tz", "UTC");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  await first.waitFor(/daemon started/);
  assert.equal(await first.stop(), 0);
  await afterFires(Date.now(), 4); // four fires owed
  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  await second.waitFor(/run \S+ started \(catch-up/);
  assert.equal(await second.stop(), 0);
  // Before: these were neither run nor recorded by anyone (verifier V2 F7).
  const left = second.lines.flatMap((l) => {
    const m = l.match(/catch-up fire of (\S+) not run, the daemon is stopping/);
    return m ? [Date.parse(m[1])] : [];
  });
  assert.ok(left.length >= 1, second.lines.join("\n"));
  const third = startDaemon(["--dir", `${dir}/flows`], { home });
  try {
    // On-time fires come due while they run (one at the start, or between two of them): a
    // catch-up fire meeting that run waits for it (before: skipped, and never run).
    for (const time of left) {
      const at = new Date(time).toISOString().replace(".000Z", "+00:00");
      await third.waitFor(new RegExp(`started \\(catch-up \\S+ ${at.replace(/\+/g, "\\+")}\\)`));
    }
    const skipped = third.lines.flatMap((l) => {
      const m = l.match(/fire of (\S+) skipped/);
      return m ? [Date.parse(m[1])] : [];
    });
    assert.deepEqual(skipped.filter((t) => left.includes(t)), [], third.lines.join("\n"));
    assert.equal(await third.stop(), 0);
  } finally {
    await third.stop("SIGKILL");
  }
});
