/**
 * Fires recorded `started` (or `queued`) whose run has ended without the fire being told:
 * the weft that ran it (a backfill, the daemon) was killed, and history has since marked
 * the run interrupted (store/recovery.ts). `weft schedule backfill` records their end and
 * runs an interrupted one again; `weft schedule list` shows their end (tester13 F18,
 * verify N6). One look-up for both, so the two never disagree.
 * @module
 */
import { type FireOutcome, outcomeOfRun } from "../model/schedule.ts";
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
