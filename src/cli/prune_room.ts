/**
 * Room for `weft history prune` on a full disk (README "Full disk"): deleting a run
 * writes to the history database's write-ahead log before it frees anything, so on a
 * disk with no room left the prune makes room from what it is about to delete anyway.
 * In this order: the log's own room (a RESTART checkpoint, store/kv_checkpoint.ts —
 * which a full disk often refuses, as it first grows weft.kv by the log's new pages, so
 * nothing depends on it), weft.reserve (store/reserve.ts), then the log folders of the
 * runs being deleted, the one being deleted first, then the next ones, oldest first,
 * one at a time, trying the delete again after each (verifier V2 F1, F2). A run's
 * logs otherwise go only once its records are gone (KvRunStore.deleteRun), so each run
 * stays whole or wholly gone where the disk allows it; a run whose logs had to go first
 * is one the prune deletes, and a prune stopped before it did says so (the next deletes it).
 * @module
 */
import type { RunRecord } from "../store/run_store.ts";
import { checkpointKv } from "../store/kv_checkpoint.ts";
import { kvPath, logsPath } from "../store/open.ts";
import { releaseReserve } from "../store/reserve.ts";
import { logDirName, removeRunLogDir } from "../store/log_format.ts";

/** The room-making steps of one prune, and the runs whose logs went before their records. */
export interface PruneRoom {
  /** PruneOptions.freeSpace: resolves to false once nothing is left to try. */
  freeSpace(run: RunRecord, tried: number, ahead: readonly RunRecord[]): Promise<boolean>;
  /** Removes the log folder of `run` for room; resolves to whether there was one. */
  stripLogs(run: RunRecord): Promise<boolean>;
  /** Ids of the runs whose log folders were removed ahead of their records. */
  readonly stripped: ReadonlySet<string>;
}

/** The room-making steps for a prune in `home` (see the module doc). */
export function pruneRoom(home: string): PruneRoom {
  const stripped = new Set<string>();
  let reserveTried = false;
  const stripLogs = async (run: RunRecord) => {
    if (stripped.has(run.id)) return false;
    const dir = `${logsPath(home)}/${logDirName(run.id)}`;
    if (!await Deno.lstat(dir).then(() => true, () => false)) return false;
    stripped.add(run.id);
    await removeRunLogDir(logsPath(home), run.id).catch(() => {});
    return true;
  };
  return {
    stripped,
    stripLogs,
    freeSpace: async (_run, tried, ahead) => {
      if (tried === 0 && await checkpointKv(kvPath(home))) return true;
      let made = false;
      if (!reserveTried) {
        reserveTried = true;
        made = await releaseReserve(home);
      }
      for (const next of ahead) {
        if (made) break;
        made = await stripLogs(next);
      }
      // The room just made first lets the log move into weft.kv (which grows by the
      // pages the log added) and start over: the deletes that follow then write over
      // it, where they would otherwise grow it into that room and need more.
      if (made) await checkpointKv(kvPath(home));
      return made;
    },
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
  room: PruneRoom,
  doomed: readonly RunRecord[],
  open: () => Promise<T>,
  isFull: (e: unknown) => boolean,
): Promise<T> {
  const tries: Array<() => Promise<unknown>> = [
    () => checkpointKv(kvPath(home)),
    ...doomed.map((run) => async () => {
      if (await room.stripLogs(run)) await checkpointKv(kvPath(home));
    }),
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
