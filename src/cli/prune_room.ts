/**
 * Room for `weft history prune` on a full disk (README "Full disk"): deleting a run
 * writes to the history database's write-ahead log before it frees anything, so on a
 * disk with no room left the prune first makes the log's own room reusable (a RESTART
 * checkpoint, store/kv_checkpoint.ts: the next delete writes over what the log holds
 * already), then spends weft.reserve (store/reserve.ts), then restarts the log again.
 * A run's logs go only once its records are gone (KvRunStore.deleteRun), so a prune
 * stopped at any point leaves each run whole or wholly gone (tester22 F1). Only when
 * the history cannot even be opened for writing does it delete logs ahead of records,
 * as README promises: those of the runs it deletes first, one run at a time, until it
 * opens ({@link openWithRoom}).
 * @module
 */
import type { RunRecord } from "../store/run_store.ts";
import { checkpointKv } from "../store/kv_checkpoint.ts";
import { kvPath, logsPath } from "../store/open.ts";
import { releaseReserve } from "../store/reserve.ts";
import { removeRunLogDir } from "../store/log_format.ts";

/**
 * The steps that make room in `home`, as PruneOptions.freeSpace wants them: step
 * `tried` for the run being deleted; resolves to false once every step was tried.
 */
export function pruneRoom(home: string): (run: RunRecord, tried: number) => Promise<boolean> {
  const restart = () => checkpointKv(kvPath(home));
  const steps = [restart, () => releaseReserve(home), restart];
  return async (_run, tried) => {
    const step = steps[tried];
    if (!step) return false;
    await step().catch(() => {});
    return true;
  };
}

/**
 * Room to open the history for writing, when even that failed on a full disk (the
 * reserve spent already): the write-ahead log first, then the logs of `doomed` one run
 * at a time, oldest first, calling `open` again after each. The runs whose logs had to go
 * are deleted first by the prune that follows. Resolves to what `open` gave; rejects
 * with the last fault when nothing made room enough.
 */
export async function openWithRoom<T>(
  home: string,
  doomed: readonly RunRecord[],
  open: () => Promise<T>,
  isFull: (e: unknown) => boolean,
): Promise<T> {
  const tries: Array<() => Promise<unknown>> = [
    () => checkpointKv(kvPath(home)),
    ...doomed.map((run) => () => removeRunLogDir(logsPath(home), run.id)),
  ];
  let last: unknown;
  for (const makeRoom of tries) {
    await makeRoom().catch(() => {});
    try {
      return await open();
    } catch (e) {
      if (!isFull(e)) throw e;
      last = e;
    }
  }
  throw last;
}
