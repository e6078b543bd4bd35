/**
 * One schedule fire in the daemon (daemon.ts): claimed in the schedule store first (so
 * no fire runs twice, even across daemons), then offered to the run slots under the
 * schedule's overlap policy, and its outcome (skipped, queued, started, the run's end,
 * or why it could not start) recorded with it, as `weft schedule list` shows it.
 * @module
 */
import type { Clock } from "./clock.ts";
import type { Fire } from "./daemon_fires.ts";
import { outcomeOf } from "./daemon_schedules.ts";
import type { RunSlots, StartedRun } from "./daemon_slots.ts";
import type { LaunchRequest } from "./daemon_types.ts";
import type { LoadedFile } from "./daemon_workflows.ts";
import { unreadableSecretsLine } from "./secret_params.ts";
import { claimPausedSkip, stoppedWaiting, type WaitingFires } from "./daemon_waiting.ts";
import {
  type FireRecord,
  newFire,
  outcomeOfRun,
  type Schedule,
  scheduleInstance,
} from "./types.ts";
import { formatZoned, zoneOf } from "./zone.ts";
import type { RunStatus, RunTrigger } from "../engine/events.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";

/** What {@link runScheduleFire} works with: the daemon's parts it shares. */
export interface ScheduleFireDeps {
  store: ScheduleStore;
  clock: Clock;
  slots: RunSlots;
  /** One line per event (no newline). */
  log(line: string): void;
  /** The last good version of a workflow file, if loaded. */
  workflow(file: string): LoadedFile | undefined;
  /** Starts one run; null when it did not start, after telling `refused` why (if it knows). */
  start(request: LaunchRequest, refused: (reason: string) => void): Promise<StartedRun | null>;
  /**
   * The daemon is stopping: a fire still waiting to start is recorded `queued`, owed to the
   * next start.
   */
  stopping(): boolean;
  /** See DaemonOptions.firedRun; without it a fire left waiting is run. */
  firedRun?: FiredRun;
  /**
   * The daemon's waiting fires, withdrawn once their schedule is paused or removed
   * (daemon_waiting.ts); without it such a fire is settled only when its turn comes.
   */
  waiting?: WaitingFires;
}

/**
 * The run in history that the fire of schedule `name` at `time` started, begun after its
 * record (`since`, UTC ISO), or null (store/fire_runs.ts). Rejects when history cannot
 * be read.
 */
export type FiredRun = (
  name: string,
  time: Date,
  since: string,
) => Promise<{ runId: string; status: RunStatus } | null>;

/**
 * Claims, runs and records `fire`, resolving once its outcome (the run's end, when it
 * started) is recorded: `"owed"` when the daemon's stop came while it waited, so that it
 * is recorded waiting for the next start to run, else undefined. Rejects when the store
 * cannot record it (a claim that fails runs nothing).
 */
export async function runScheduleFire(
  { schedule: s, time, kind, leftWaiting, replacedCron }: Fire,
  deps: ScheduleFireDeps,
): Promise<"owed" | undefined> {
  const { store } = deps;
  // Paused or removed since the daemon last read the store (`weft schedule pause`/`remove`
  // from another process): no fire, not even a record of one.
  const current = await store.get(s.name);
  // A fire a replaced cron owed before the change (daemon_catchup.ts) is due all the same,
  // and so is a catch-up fire of a chain under way when `weft schedule add --replace` (or
  // a file's edited trigger) changed the cron: it was owed under the old one, and is on
  // record (pendingCatchUp) until handled — dropped it was lost for good (tester F2).
  const changed = current && (current.cron !== s.cron || current.tz !== s.tz);
  const at = formatZoned(time, zoneOf(s.tz));
  const same = current !== null && scheduleInstance(current) === scheduleInstance(s);
  // Its turn in a start's catch-up chain came after a pause: recorded and said, as a fire
  // that waited behind a run is (a resume catches up nothing from before it: README).
  const pausedSkip = (): Promise<boolean> =>
    claimPausedSkip(
      store,
      newFire(s, {
        time: at,
        trigger: "catch-up",
        outcome: "skipped",
        firedAt: deps.clock.now(),
      }),
      leftWaiting === true,
      deps.log,
      "catch-up fire",
    );
  if (current?.paused && same && kind === "catch-up") {
    await pausedSkip();
    return;
  }
  if (!current || current.paused || (changed && !replacedCron && kind !== "catch-up")) return;
  // Removed and added again under its name: the new schedule is another, not this one's.
  if (scheduleInstance(current) !== scheduleInstance(s)) return;
  // Its time fell inside a pause resumed since: a paused schedule's fire is not due later.
  // A catch-up fire of a chain that was paused and resumed before its turn came is
  // recorded skipped and said, as under the pause alone (tester F3: it was left with no
  // record, though the chain on record was cleared).
  const resumedAt = current.resumedAt ? Date.parse(current.resumedAt) : NaN;
  if (!leftWaiting && time.getTime() <= resumedAt) {
    if (kind === "catch-up") await pausedSkip();
    return;
  }
  const record = newFire(s, {
    time: at,
    trigger: kind === "catch-up" ? "catch-up" : "schedule",
    outcome: "started",
    firedAt: deps.clock.now(),
  });
  // Each later write of the fire is refused once its schedule is gone (removed, or
  // removed and added again: ScheduleStore.recordFire); the run is not stopped for it,
  // and the log says where its outcome went.
  let gone = false;
  const recordFire = async (fire: FireRecord): Promise<void> => {
    if (await store.recordFire(fire) || gone) return;
    gone = true;
    deps.log(
      `schedule ${s.name}: fire of ${at} not recorded (${fire.outcome}` +
        `${fire.runId ? `, run ${fire.runId}` : ""}): the schedule was removed since it fired`,
    );
  };
  if (leftWaiting && await startedBefore(record, time, deps)) return;
  // One a killed daemon left waiting, paused (and resumed) since it was recorded: skipped
  // as a waiting fire of a live daemon is (stoppedWaiting), not replayed by the resume.
  if (leftWaiting && await pausedSinceLeft(record, time, resumedAt, deps)) return;
  // Another daemon or an earlier start had it. (Failing, it throws: the fire is not
  // run, as it cannot be recorded — so that no fire ever runs twice.) A fire a killed
  // daemon left waiting is taken over (its record says it never started).
  if (!(await store.claimFire(record, { unstarted: leftWaiting === true }))) return;
  if (leftWaiting) {
    deps.log(
      `schedule ${s.name}: fire of ${at} never started (the daemon stopped while it waited); ` +
        `it runs now as a catch-up`,
    );
  }
  // A secret param read back as *** would run the workflow with a wrong value: not run.
  const unreadable = unreadableSecretsLine(s);
  if (unreadable) {
    deps.log(`${unreadable}; fire of ${at} recorded failed`);
    await recordFire({ ...record, outcome: "failed", reason: unreadable });
    return;
  }
  const loaded = deps.workflow(s.file);
  const trigger: RunTrigger = { type: record.trigger, scheduledFor: at, schedule: s.name };
  let refused = "";
  let dropped = "";
  // A catch-up fire waits for a run the on-time loop started meanwhile (in the moment
  // between two catch-up fires, or before the first) instead of being skipped, and cancels
  // none: the README's "one after another whatever the overlap". Under `allow` both run.
  const policy = kind === "catch-up" && s.overlap !== "allow" ? "after" : s.overlap;
  // A fire of this schedule still waiting from before a pause (or a pause and resume) the
  // daemon has not seen yet gives its place up first: this fire, due while the schedule
  // is active, must not be skipped for it (tester v23b F2). Judged by `current`, this
  // fire's own read of the store: the daemon's copy (`s`) may not show the resume yet.
  deps.waiting?.settleFor(current);
  const admission = deps.slots.offer(
    scheduleSlotKey(s),
    policy,
    async () => {
      // Checked again as it starts: a fire that waited (queue, a run slot, its turn in a
      // catch-up chain) may find its schedule removed or paused meanwhile, and then
      // starts nothing (tester fsched F1: a paused schedule's waiting fire ran).
      const why = await stoppedWaiting(s, record.firedAt, store);
      if (why) {
        dropped = why;
        return null;
      }
      return deps.start(
        { file: s.file, loaded, params: s.params, trigger },
        (reason) => refused = reason,
      );
    },
    (why) => dropped = why,
  );
  if (admission.kind === "skipped") {
    deps.log(`schedule ${s.name}: fire of ${at} skipped: ${admission.reason}`);
    await recordFire({ ...record, outcome: "skipped" });
    return;
  }
  if (admission.queued) {
    await recordFire({ ...record, outcome: "queued" });
    deps.log(`schedule ${s.name}: fire of ${at} queued behind the running run`);
  }
  const unlist = admission.waits
    ? deps.waiting?.add({ schedule: s, firedAt: record.firedAt, withdraw: admission.withdraw })
    : undefined;
  const run = await admission.started.finally(() => unlist?.());
  // Stopping, the slots start nothing more: a fire still waiting whose schedule was paused
  // or removed meanwhile is not owed to the next start either.
  if (!run && !dropped && !refused && deps.stopping()) {
    dropped = await stoppedWaiting(s, record.firedAt, store) ?? "";
  }
  if (!run && dropped) {
    deps.log(`schedule ${s.name}: fire of ${at} skipped, not run: ${dropped}`);
    // For a removed schedule the store refuses the record (nothing of it is kept): not said twice.
    gone ||= dropped.startsWith("its schedule was removed");
    // Why it never ran is kept with it (`weft schedule list` shows it).
    await recordFire({ ...record, outcome: "skipped", reason: dropped });
    return;
  }
  if (!run && !refused && deps.stopping()) {
    // Due, accepted and still waiting (behind a run under `queue`, or for a free slot)
    // when the stop began: owed to the next start, which runs it as a catch-up within
    // `catchup` and records it missed otherwise — as after a kill -9, which leaves it
    // recorded waiting too (Schedule.unstartedFires). Recorded cancelled it was lost, and
    // a graceful stop lost what a crash kept (tester tdaemon F1).
    await recordFire({ ...record, outcome: "queued" });
    const what = kind === "catch-up" ? "catch-up fire" : "fire";
    deps.log(
      `schedule ${s.name}: ${what} of ${at} not run, the daemon is stopping; ` +
        "the next start owes it",
    );
    return "owed";
  }
  if (!run) {
    // Why it did not start is kept with the fire (`weft schedule list` shows it).
    await recordFire(
      refused
        ? { ...record, outcome: "failed", reason: `the run could not start: ${refused}` }
        : { ...record, outcome: "failed" },
    );
    return;
  }
  await recordFire({ ...record, outcome: "started", runId: run.runId });
  const end = await run.done as { status: string };
  await recordFire({ ...record, outcome: outcomeOf(end.status), runId: run.runId });
}

/**
 * Whether the fire `record` is for, one a killed daemon left waiting, was recorded before
 * its schedule's last resume (`resumedAt`, ms; NaN: never resumed): then it is recorded
 * `skipped` with why (when this daemon claims it) and true is returned. Rejects when the
 * store fails.
 */
async function pausedSinceLeft(
  record: FireRecord,
  time: Date,
  resumedAt: number,
  deps: ScheduleFireDeps,
): Promise<boolean> {
  if (Number.isNaN(resumedAt)) return false;
  const range = { from: time, to: new Date(time.getTime() + 1) };
  const [left] = await deps.store.listFires(record.schedule, range);
  if (!left || Date.parse(left.firedAt) > resumedAt) return false;
  await claimPausedSkip(deps.store, record, true, deps.log);
  return true;
}

/**
 * Whether the fire `record` is for (one a killed daemon left looking unstarted) had in fact
 * started a run: killed between the run's record and the fire's, the daemon left a run in
 * history that a new one must not repeat. The fire then gets that run and its outcome
 * (`interrupted`, once this start's recovery marked it). Rejects when the store fails.
 */
async function startedBefore(
  record: FireRecord,
  time: Date,
  deps: ScheduleFireDeps,
): Promise<boolean> {
  if (!deps.firedRun) return false;
  const range = { from: time, to: new Date(time.getTime() + 1) };
  const [left] = await deps.store.listFires(record.schedule, range);
  if (!left) return false;
  const run = await deps.firedRun(record.schedule, time, left.firedAt);
  if (!run) return false;
  const fire = {
    ...left,
    outcome: outcomeOfRun(run.status),
    runId: run.runId,
    ...(record.scheduleId ? { scheduleId: record.scheduleId } : {}),
  };
  if (await deps.store.claimFire(fire, { unstarted: true })) {
    deps.log(
      `schedule ${record.schedule}: fire of ${record.time} had started run ${run.runId} ` +
        `(${run.status}) before the daemon stopped; not run again`,
    );
  }
  return true;
}

/**
 * The run slots' target of a schedule's fires (RunSlots.offer, RunSlots.hold): keyed by
 * the schedule instance, not its name, as a run of a schedule removed (its run is not
 * stopped) is no "run still going" for a new schedule added under the name.
 */
export function scheduleSlotKey(s: Schedule): string {
  return `schedule:${s.name}\u0000${scheduleInstance(s)}`;
}
