/**
 * Which past fires a schedule still owes when weft comes back after being down:
 * those within the schedule's catch-up window run (recorded `catch-up`), older ones
 * are recorded `missed` — never silently dropped.
 * @module
 */
import type { Schedule } from "../model/schedule.ts";
import { firesBetween } from "./cron.ts";

/** Past fires split by the catch-up window. */
export interface MissedFires {
  /** Fires with now - catchupMs <= t <= now: run them (each once). */
  catchUp: Date[];
  /** Older fires: record them as missed. */
  missed: Date[];
}

/**
 * The fires t of `schedule` with `since < t <= now`, split by its catch-up window
 * (a fire exactly `catchupMs` old still runs). A paused schedule owes nothing: fires
 * while paused are neither run nor recorded (pausing means "do not fire").
 */
export function classifyMissed(schedule: Schedule, since: Date, now: Date): MissedFires {
  if (schedule.paused) return { catchUp: [], missed: [] };
  const all = firesBetween(schedule, since, now);
  const oldest = now.getTime() - schedule.catchupMs;
  const catchUp: Date[] = [];
  const missed: Date[] = [];
  for (const t of all) (schedule.catchupMs > 0 && t.getTime() >= oldest ? catchUp : missed).push(t);
  return { catchUp, missed };
}
