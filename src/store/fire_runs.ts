/**
 * The run a schedule fire started, found in run history by its trigger (RunInfo.trigger:
 * the schedule's name and the fire's logical time). A daemon killed after a fire's run
 * was recorded but before the fire's record got its run id leaves that fire looking as
 * if it never started (model/schedule.ts isUnstarted); the next start asks here before
 * running it again (schedule/daemon_fire.ts), so that no fire runs twice.
 * @module
 */
import type { RunRecord, RunStore } from "./run_store.ts";

/**
 * How long before the fire's record (`since`) its run may seem to have begun: the two
 * times come from the same clock, but a step back of it (NTP) between them is allowed for.
 */
const CLOCK_STEP_MS = 60_000;

/**
 * The run of `store` that a `schedule` or `catch-up` fire of schedule `name` at `time`
 * started, begun at or after `since` (the fire's record, UTC ISO), the oldest if several;
 * null when there is none. Rejects as RunStore.listRuns does.
 */
export async function runOfFire(
  store: RunStore,
  name: string,
  time: Date,
  since: string,
): Promise<RunRecord | null> {
  const from = Date.parse(since);
  const runs = await store.listRuns({
    since: Number.isNaN(from) ? undefined : new Date(from - CLOCK_STEP_MS),
    oldestFirst: true,
    children: false,
  });
  return runs.find(({ trigger }) =>
    (trigger?.type === "schedule" || trigger?.type === "catch-up") &&
    trigger.schedule === name && trigger.scheduledFor !== undefined &&
    Date.parse(trigger.scheduledFor) === time.getTime()
  ) ?? null;
}
