/**
 * Fires recorded `started` (or `queued`) whose run has ended without the fire being told:
 * the weft that ran it (a backfill, the daemon) was killed, and history has since marked
 * the run interrupted (store/recovery.ts). `weft schedule backfill` records their end and
 * runs an interrupted one again; `weft schedule list` shows their end (tester13 F18,
 * verify N6). One look-up for both, so the two never disagree.
 * @module
 */
import { type FireOutcome, outcomeOfRun } from "../model/schedule.ts";
import type { RunReport } from "../engine/events.ts";
import type { CliIO } from "./io.ts";

/** Whether a fire names a run whose end it has not recorded. */
export function leftOpen(fire: { outcome: FireOutcome; runId: string | null } | null): boolean {
  return !!fire?.runId && (fire.outcome === "started" || fire.outcome === "queued");
}

/**
 * For each of `runIds` whose run has ended, the fire outcome of its end (a run still
 * going, or one not in history, is left out). Opens the history of `homeOption` for
 * writing only when `write` is true (then a run whose process died is marked as such).
 */
export async function endedRunOutcomes(
  io: CliIO,
  homeOption: string | undefined,
  runIds: readonly string[],
  write: boolean,
): Promise<Map<string, FireOutcome>> {
  const ended = new Map<string, FireOutcome>();
  if (runIds.length === 0) return ended;
  const { openHistory } = await import("./history_shared.ts");
  const history = await openHistory(io, homeOption, { write });
  try {
    for (const id of runIds) {
      const run = await history.findRun(id);
      if (run && run.status !== "running") ended.set(id, outcomeOfRun(run.status));
    }
  } finally {
    history.close();
  }
  return ended;
}

/**
 * After `weft run --resume` of a run a schedule's fire started (or of a resume of one):
 * the fire's record now names the resumed run and its outcome, so `schedule list` shows the
 * fire done once its work is, and a backfill does not run a fire again that a resume
 * finished. Only when the record still names the run resumed (a fire run again since is
 * left alone). A failure to write is said on stderr; the run's own outcome stands.
 */
export async function settleResumedFire(
  io: CliIO,
  homeOption: string | undefined,
  fire: { scheduledFor: string; schedule: string; from: string },
  run: Pick<RunReport, "id" | "status">,
): Promise<void> {
  const at = Date.parse(fire.scheduledFor);
  if (Number.isNaN(at)) return;
  try {
    const { withSchedules } = await import("./schedule_manage.ts");
    await withSchedules(io, homeOption, async (store) => {
      if (!(await store.get(fire.schedule))) return; // removed since: nothing to record
      const range = { from: new Date(at), to: new Date(at + 1) };
      const record = (await store.listFires(fire.schedule, range))
        .find((f) => f.runId === fire.from);
      if (!record) return;
      await store.recordFire({ ...record, outcome: outcomeOfRun(run.status), runId: run.id });
    });
  } catch (e) {
    const { err } = await import("./io.ts");
    await err(
      io,
      `warning: the fire ${fire.scheduledFor} of schedule ${fire.schedule} could not be ` +
        `recorded as resumed: ${e instanceof Error ? e.message : String(e)}\n`,
    );
  }
}
