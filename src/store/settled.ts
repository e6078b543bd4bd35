/**
 * A run that another weft settled while its own weft still ran: marked `interrupted`
 * by crash recovery or `weft history mark-interrupted` (store/recovery.ts,
 * cli/history_mark.ts) because no sign of life came from it for too long (stopped with
 * SIGSTOP, a frozen VM, a clock jump). Such a run is settled for good: the stores
 * refuse every later write of its own weft (task and attempt records, heartbeats, its
 * final record) with {@link RunSettledError}, atomically (kv.ts checks the run record in
 * the same write), so it never turns back to `success` after `--resume` may have run its
 * tasks again. The weft meeting the error stops the run (recorder.ts `onSettled`).
 * @module
 */
import type { RunRecord } from "./run_store.ts";

/** A write of a run refused because another weft marked the run interrupted. */
export class RunSettledError extends Error {
  constructor(readonly runId: string) {
    super(
      `another weft marked run ${runId} interrupted, having had no sign of life from this one for too long`,
    );
    this.name = "RunSettledError";
  }
}

/** Whether a stored run record is settled for its own weft's writes: `interrupted`. */
export function isSettledElsewhere(run: Pick<RunRecord, "status"> | null): boolean {
  return run?.status === "interrupted";
}

/** Throws {@link RunSettledError} when `run` (the stored record of `runId`) is settled. */
export function refuseSettled(runId: string, run: Pick<RunRecord, "status"> | null): void {
  if (isSettledElsewhere(run)) throw new RunSettledError(runId);
}
