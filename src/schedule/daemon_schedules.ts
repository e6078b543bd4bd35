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
