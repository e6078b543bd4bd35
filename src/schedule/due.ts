/**
 * The fires due between two ticks of a scheduler's clock, across schedules: what a
 * daemon starts on each wake-up, and when it should wake next. Windows are half-open,
 * (since, now], so ticks that follow each other never see a fire twice or miss one.
 * @module
 */
import type { Schedule } from "../model/schedule.ts";
import { firesBetween, nextFires } from "./cron.ts";

/** One fire of one schedule. */
export interface DueFire {
  schedule: Schedule;
  time: Date;
}

/**
 * Fires t of the active (not paused) `schedules` with `since < t <= now`, by time,
 * then by schedule name.
 */
export function dueFires(schedules: readonly Schedule[], since: Date, now: Date): DueFire[] {
  const due: DueFire[] = [];
  for (const schedule of schedules) {
    if (schedule.paused) continue;
    for (const time of firesBetween(schedule, since, now)) due.push({ schedule, time });
  }
  return due.sort((a, b) =>
    a.time.getTime() - b.time.getTime() || (a.schedule.name < b.schedule.name ? -1 : 1)
  );
}

/** The earliest fire of the active `schedules` after `after`, or null when none will fire. */
export function nextWake(schedules: readonly Schedule[], after: Date): Date | null {
  let best: Date | null = null;
  for (const schedule of schedules) {
    if (schedule.paused) continue;
    const [next] = nextFires(schedule, after, 1);
    if (next && (!best || next < best)) best = next;
  }
  return best;
}
