/**
 * src/schedule/daemon_waiting.ts: a fire waiting to start when its schedule is paused (or
 * paused and resumed) or removed is settled `skipped` with why as soon as the daemon sees
 * it — it gives its place (the one `overlap: queue` place) up at once, so the first fire
 * due after a resume waits there and runs (tester v23b F2) — and a fire a stopped daemon
 * left waiting, whose schedule is paused when the next daemon starts, is recorded skipped
 * by that start (tester v23b F4). Through a real `weft daemon` and the real `weft schedule`
 * commands.
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
  storedSchedule,
} from "./_daemon.ts";
import { weft } from "./_run_cli.ts";

Deno.test("pause and resume while a fire waits: it is skipped at once, and the first fire after the resume waits in its place and runs", async () => {
  const { dir, home, env } = await queuedSchedule("waiting-resume-");
  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  let at: string;
  let next: string;
  try {
    at = await queuedFire(daemon);
    assert.equal((await weft(["schedule", "pause", "s"], { env })).code, 0);
    assert.equal((await weft(["schedule", "resume", "s"], { env })).code, 0);
    // Settled while the run it waited for still goes (`go` not written yet).
    await daemon.waitFor(skippedLine(at, PAUSED));
    const from = daemon.lines.findIndex((l) => l.includes(`fire of ${at} queued`)) + 1;
    const again = await daemon.waitFor(/schedule s: fire of \S+ queued behind the running run/, {
      from,
    });
    [, next] = again.match(/fire of (\S+) queued/)!;
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.waitFor(new RegExp(`run \\S+ started \\(schedule s ${escaped(next)}\\)`));
    assert.equal(await daemon.stop(), 0);
  } finally {
    // Ends the run's task too when an assertion failed before `go` was written.
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.stop("SIGKILL");
  }
  const log = daemon.lines.join("\n");
  assert.ok(Date.parse(next) > Date.parse(at), log);
  assert.equal(daemon.count(new RegExp(`run \\S+ started \\(\\S+ s ${escaped(at)}\\)`)), 0, log);
  const { s, fires } = await storedSchedule(home);
  const waited = fires.find((f) => f.time === at);
  assert.equal(waited?.outcome, "skipped");
  assert.equal(waited?.reason, PAUSED);
  // The first fire due after the resume is the one that waited and ran: not turned away.
  const resumedAt = Date.parse(s!.resumedAt!);
  const first = fires.find((f) => Date.parse(f.time) > resumedAt);
  assert.equal(first?.time, next, log);
  assert.notEqual(first?.runId, null, log);
  assert.notEqual(first?.outcome, "skipped", log);
});

Deno.test("a schedule removed while its fire waits: the fire is settled at once, before the run it waited for ends", async () => {
  const { dir, home, env } = await queuedSchedule("waiting-removed-");
  const daemon = startDaemon(["--dir", `${dir}/empty`], { home });
  let at: string;
  try {
    at = await queuedFire(daemon);
    assert.equal((await weft(["schedule", "remove", "s"], { env })).code, 0);
    // `go` not written yet: the run it waited for still goes.
    await daemon.waitFor(skippedLine(at, "its schedule was removed while it waited"));
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.waitFor(/run \S+ ended success/);
    assert.equal(await daemon.stop(), 0);
  } finally {
    // Ends the run's task too when an assertion failed before `go` was written.
    Deno.writeTextFileSync(`${dir}/go`, "");
    await daemon.stop("SIGKILL");
  }
  const log = daemon.lines.join("\n");
  assert.equal(daemon.count(new RegExp(`run \\S+ started \\(\\S+ s ${escaped(at)}\\)`)), 0, log);
  assert.equal(daemon.count(/run \S+ started/), 1, log);
});

Deno.test("a fire a stopped daemon left waiting is recorded skipped by the next start when its schedule is paused then", async () => {
  const { dir, home, env, at } = await leftQueuedFire("waiting-left-");
  assert.equal((await weft(["schedule", "pause", "s"], { env })).code, 0);
  const second = startDaemon(["--dir", `${dir}/empty`], { home });
  try {
    // Said and recorded by this start, while the schedule is still paused.
    await second.waitFor(skippedLine(at, PAUSED));
    const now = await storedSchedule(home);
    assert.equal(now.s?.paused, true);
    assert.equal(now.s?.unstartedFires, undefined);
    assert.equal((await weft(["schedule", "resume", "s"], { env })).code, 0);
    // It fires afresh after the resume; the fire that waited is not replayed.
    await second.waitFor(/run \S+ started \(schedule s \S+\)/);
    assert.equal(await second.stop(), 0);
  } finally {
    // Ends the run's task too when an assertion failed before `go` was written.
    Deno.writeTextFileSync(`${dir}/go`, "");
    await second.stop("SIGKILL");
  }
  const log = second.lines.join("\n");
  assert.equal(second.count(new RegExp(`run \\S+ started \\(\\S+ s ${escaped(at)}\\)`)), 0, log);
  assert.equal(second.count(skippedLine(at, PAUSED)), 1, log);
  const fire = await fireAt(home, at);
  assert.equal(fire?.outcome, "skipped");
  assert.equal(fire?.runId, null);
  assert.equal(fire?.reason, PAUSED);
  // backfill sees a fire that never ran (one it may run), not one still waiting.
  const plan = await weft(["schedule", "backfill", "s", "--from", at, "--to", at, "--dry-run"], {
    env,
  });
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, new RegExp(`${escaped(at)} {2}would run`));
  assert.doesNotMatch(plan.stdout, /already ran \(queued\)/);
});
