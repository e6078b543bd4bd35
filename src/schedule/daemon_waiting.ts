/**
 * Fires of schedules that were paused or removed while they waited to start: settled as
 * `skipped` with why as soon as the daemon sees it, never started (a resume does not
 * replay them: README, Daemon). A live daemon withdraws such a fire from the run slots at
 * once ({@link WaitingFires}), so the place it held (the one `queue` place) is free for
 * the first fire due after a resume; one a stopped daemon left waiting, whose schedule is
 * paused when a daemon starts, is recorded skipped by that start ({@link recordLeftPaused}).
 * @module
 */
import type { Fire, LeftFire } from "./daemon_fires.ts";
import type { MissedFireDeps } from "./daemon_schedules.ts";
import { fireOf, type FireRecord, newFire, type Schedule, scheduleInstance } from "./types.ts";
import { formatZoned, zoneOf } from "./zone.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";

/** Why a fire whose schedule was paused is not started. */
export const PAUSED_WHILE_WAITING = "its schedule was paused while it waited";

/**
 * Why a fire of schedule `s` (as the daemon read it when it fired), accepted at `firedAt`
 * (UTC ISO) and still waiting, must not start, given its schedule as stored now
 * (`current`, null when removed), or null when it may: removed (or removed and added
 * again: another instance), paused, or paused and resumed since — once paused nothing of
 * it starts, and a resume does not replay what waited (as a disabled GitHub Actions
 * workflow's queued runs, or a stopped systemd timer). A cron changed meanwhile
 * (`--replace`) does not stop it: it was due under the schedule as it was at its time
 * (README, Daemon).
 */
export function voidedWhileWaiting(
  current: Schedule | null,
  s: Fire["schedule"],
  firedAt: string,
): string | null {
  if (current === null || scheduleInstance(current) !== scheduleInstance(s)) {
    return "its schedule was removed while it waited";
  }
  const resumedAt = current.resumedAt ? Date.parse(current.resumedAt) : NaN;
  if (current.paused || resumedAt >= Date.parse(firedAt)) return PAUSED_WHILE_WAITING;
  return null;
}

/**
 * {@link voidedWhileWaiting} with the schedule read from `store` now. Rejects when the
 * store cannot be read.
 */
export async function stoppedWaiting(
  s: Fire["schedule"],
  firedAt: string,
  store: ScheduleStore,
): Promise<string | null> {
  return voidedWhileWaiting(await store.get(s.name), s, firedAt);
}

/** A schedule fire waiting in the run slots (daemon_fire.ts). */
export interface WaitingFire {
  schedule: Fire["schedule"];
  /** When the daemon accepted it (UTC ISO). */
  firedAt: string;
  /** RunSlots' withdraw: true when it still waited and is now ended unstarted. */
  withdraw(why: string): boolean;
}

/** The schedule fires a daemon holds waiting in its run slots. */
export class WaitingFires {
  #fires = new Set<WaitingFire>();

  /** Notes `fire` as waiting; the returned function takes it off (it started or ended). */
  add(fire: WaitingFire): () => void {
    this.#fires.add(fire);
    return () => this.#fires.delete(fire);
  }

  /**
   * Withdraws, at once, each waiting fire of `current`'s name that `current` (the
   * schedule as a new fire of it just read it from the store) shows void
   * ({@link voidedWhileWaiting}). Synchronous: the new fire is offered to the slots right
   * after, in the same turn, so no other fire is offered in between.
   */
  settleFor(current: Schedule): void {
    for (const fire of [...this.#fires]) {
      if (fire.schedule.name !== current.name) continue;
      const why = voidedWhileWaiting(current, fire.schedule, fire.firedAt);
      if (why && fire.withdraw(why)) this.#fires.delete(fire);
    }
  }

  /**
   * Withdraws each waiting fire whose schedule was paused or removed since it was
   * accepted (stoppedWaiting): its handler records it skipped with why. A store that
   * cannot be read withdraws nothing now (the fire is checked again as it starts). Never
   * rejects.
   */
  async settle(store: ScheduleStore): Promise<void> {
    for (const fire of [...this.#fires]) {
      const why = await stoppedWaiting(fire.schedule, fire.firedAt, store).catch(() => null);
      if (why && fire.withdraw(why)) this.#fires.delete(fire);
    }
  }
}

/**
 * Records `skipped` (with why) the fires a stopped daemon left waiting
 * (Schedule.unstartedFires) whose schedule is paused as this daemon starts: a paused
 * schedule's waiting fire never starts, and left `queued` it would be reported as waiting
 * (`weft schedule backfill` counts it as run) until some later start (tester v23b F4).
 * A fire recorded since by anyone else is left as it is.
 */
export async function recordLeftPaused(left: LeftFire[], daemon: MissedFireDeps): Promise<void> {
  for (const { schedule: s, time } of left) {
    if (daemon.stopping()) return; // still listed: the next start settles it
    const at = formatZoned(time, zoneOf(s.tz));
    try {
      const range = { from: time, to: new Date(time.getTime() + 1) };
      const [kept] = await daemon.store.listFires(s.name, range);
      const fire: FireRecord = {
        // Its record as left (its trigger: a waiting catch-up fire stays one).
        ...(kept ?? newFire(s, {
          time: at,
          trigger: "schedule",
          outcome: "skipped",
          firedAt: daemon.clock.now(),
        })),
        outcome: "skipped",
        ...fireOf(s),
      };
      await claimPausedSkip(daemon.store, fire, true, daemon.log);
    } catch (e) {
      daemon.log(`schedule ${s.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Claims `fire` recorded `skipped` because its schedule was paused while it waited
 * ({@link PAUSED_WHILE_WAITING}), and says so when this daemon claimed it (`what`: how the
 * log names the fire). `unstarted`: it takes over a record left waiting
 * (ScheduleStore.claimFire). Resolves false when another had it; rejects when the store
 * fails.
 */
export async function claimPausedSkip(
  store: ScheduleStore,
  fire: FireRecord,
  unstarted: boolean,
  log: (line: string) => void,
  what = "fire",
): Promise<boolean> {
  const reason = PAUSED_WHILE_WAITING;
  const skipped = { ...fire, outcome: "skipped" as const, runId: null, reason };
  if (!(await store.claimFire(skipped, { unstarted }))) return false;
  log(`schedule ${fire.schedule}: ${what} of ${fire.time} skipped, not run: ${reason}`);
  return true;
}
