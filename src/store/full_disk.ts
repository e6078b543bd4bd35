/**
 * Finishing a run's record on a full disk (kv.ts `finishRun`). A run's final write is
 * normally its task records first, the run record last; but a run of a few hundred
 * tasks whose intermediate records were dropped (recorder.ts) rewrites every task, which
 * may need more room than the reserve (reserve.ts) gives back, and the run would then
 * stay `running` for the mere bulk of its tasks. Here the run record, small, goes first,
 * and the task records follow in small batches as long as there is room. And when even
 * that does not fit, the room the space reserve (reserve.ts) gives back is used for it
 * ({@link finishWithRoom}), whenever in the run the disk filled.
 * @module
 */
import type { RunReport, TaskRecord } from "../engine/events.ts";
import { isDiskFull } from "./faults.ts";
import type { Mutation } from "./kv_io.ts";
import type { RunStore } from "./run_store.ts";

/**
 * Task records per best-effort commit after the run record: small, so that what room is
 * left is filled (a commit is all or nothing), not so small that each costs an fsync per task.
 */
export const FULL_DISK_BATCH = 16;

/**
 * Writes the run's final record through `finish` — with the tasks' summary (their final
 * states, which the task records may now lack), or, when even that does not fit, without
 * it — then `writes` in batches of {@link FULL_DISK_BATCH} through `commit`, stopping at
 * the first that does not fit. Throws when the run record itself cannot be written.
 */
export async function finishOnFullDisk(
  finish: (withSummary: boolean) => Promise<void>,
  commit: (batch: Mutation[]) => Promise<unknown>,
  writes: Mutation[],
): Promise<void> {
  try {
    await finish(true);
  } catch (e) {
    if (!isDiskFull(e)) throw e;
    await finish(false);
  }
  for (let at = 0; at < writes.length; at += FULL_DISK_BATCH) {
    try {
      await commit(writes.slice(at, at + FULL_DISK_BATCH));
    } catch (e) {
      if (isDiskFull(e)) return; // the run is recorded; the rest did not fit
      throw e;
    }
  }
}

/**
 * `store.finishRun(report, tasks)`; when that meets a full disk, `freeSpace` (releasing
 * the space reserve) and, if it freed room, the final write once more with every task
 * record. A run whose end is not written stays `running`, and once its process is gone
 * crash recovery marks it `interrupted` — though it ended, maybe successfully. Throws
 * what the last write threw.
 */
export async function finishWithRoom(
  store: Pick<RunStore, "finishRun">,
  report: RunReport,
  tasks: TaskRecord[] | undefined,
  freeSpace: (() => Promise<boolean>) | undefined,
): Promise<void> {
  try {
    await store.finishRun(report, tasks);
  } catch (e) {
    if (!isDiskFull(e) || !freeSpace || !(await freeSpace())) throw e;
    await store.finishRun(report);
  }
}
