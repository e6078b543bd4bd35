/**
 * The daemon's schedules: those added with `weft schedule add`, plus each loaded
 * workflow file's own schedule triggers, which are written to the schedule store too,
 * so their last fires (and so catch-up after a restart) are kept like any other's.
 * @module
 */
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { LoadedFile } from "./daemon_workflows.ts";
import { schedulesFromWorkflow } from "./from_trigger.ts";
import type { FireOutcome, Schedule } from "./types.ts";
import type { Clock } from "./clock.ts";
import type { Fire } from "./daemon_fires.ts";
import { formatZoned, zoneOf } from "./zone.ts";

/**
 * Writes the files' schedules to the store (keeping a kept one's creation time, pause and
 * last fire) and returns every schedule that fires: the store's own, and the files'
 * whose file is still loaded and still declares them. A file schedule whose name is
 * taken by one added with `weft schedule add` is reported and left out.
 */
export async function syncSchedules(
  store: ScheduleStore,
  loaded: LoadedFile[],
  log: (line: string) => void,
): Promise<Schedule[]> {
  const live = new Set<string>();
  for (const l of loaded) {
    for (const s of schedulesFromWorkflow(l.file, l.workflow)) {
      const existing = await store.get(s.name);
      if (existing && existing.source !== "file") {
        log(
          `schedule ${s.name} of ${l.file} clashes with a schedule added by ` +
            `\`weft schedule add\`; using the added one`,
        );
        continue;
      }
      if (live.has(s.name)) {
        log(
          `schedule ${s.name} of ${l.file} has the name of another file's schedule; ` +
            `set trigger.config.name to tell them apart`,
        );
        continue;
      }
      live.add(s.name);
      if (existing && sameSchedule(existing, s)) continue;
      await store.add({
        ...s,
        paused: existing?.paused ?? s.paused,
        createdAt: existing?.createdAt ?? s.createdAt,
        lastFire: existing?.lastFire ?? null,
      }, { replace: true });
    }
  }
  const all = await store.list();
  // A file schedule whose file left the folders (or lost its trigger) no longer fires.
  return all.filter((s) => s.source !== "file" || live.has(s.name));
}

function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.file === b.file && a.cron === b.cron && a.tz === b.tz &&
    a.catchupMs === b.catchupMs && a.overlap === b.overlap &&
    JSON.stringify(a.params) === JSON.stringify(b.params);
}

/** A fire's final outcome from its run's status. */
export function outcomeOf(status: string): FireOutcome {
  switch (status) {
    case "success":
    case "failed":
    case "cancelled":
    case "interrupted":
      return status;
    default:
      return "failed";
  }
}

/** What {@link recordMissed} needs of the daemon. */
export interface MissedFireDeps {
  store: ScheduleStore;
  clock: Clock;
  log(line: string): void;
  /** True once the daemon stops. */
  stopping(): boolean;
}

/**
 * Records the fires missed while no daemon ran (oldest first), one write after another
 * in the background, and logs one line per schedule. A day of a seconds-field schedule
 * is 86,400 of them: started all at once, their writes held the on-time fires up for
 * many seconds. Once `stopping()` is true the rest are not written, and the log says
 * how many.
 */
export async function recordMissed(fires: Fire[], daemon: MissedFireDeps): Promise<void> {
  const done = new Map<string, { count: number; first: string; last: string }>();
  let left = fires.length;
  for (const { schedule: s, time } of fires) {
    if (daemon.stopping()) break;
    left--;
    const at = formatZoned(time, zoneOf(s.tz));
    const record = {
      schedule: s.name,
      time: at,
      trigger: "schedule" as const,
      outcome: "missed" as const,
      runId: null,
      firedAt: daemon.clock.now().toISOString(),
    };
    try {
      if (!(await daemon.store.claimFire(record))) continue; // recorded before
    } catch (e) {
      daemon.log(`schedule ${s.name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const seen = done.get(s.name);
    if (seen) [seen.count, seen.last] = [seen.count + 1, at];
    else done.set(s.name, { count: 1, first: at, last: at });
  }
  for (const [name, { count, first, last }] of done) {
    const when = count === 1 ? `fire of ${first}` : `${count} fires from ${first} to ${last}`;
    daemon.log(`schedule ${name}: ${when} missed (older than its catch-up window)`);
  }
  if (left > 0 && daemon.stopping()) {
    daemon.log(`stopping: ${left} missed fire(s) not recorded`);
  }
}
