/**
 * Giving back the room of weft.kv's write-ahead log (`weft.kv-wal`). SQLite moves the
 * log into the database and deletes it when the last connection closes, but while one
 * stays open (`weft daemon`, a long `weft run`) it only restarts the log once it passed
 * 1000 pages (~4 MB; https://sqlite.org/wal.html#ckpt): a tiny run adds ~50 KB to it, so
 * on a small disk the log alone fills it (tester22 F1). A RESTART checkpoint from a
 * connection of our own copies the log into the database and makes the next write start
 * the log over from its beginning: the file keeps its size (what one run writes, tens of
 * KB) and grows no further, and that room, already the log's, is what a delete on a full
 * disk writes into (cli/prune_room.ts), where a log cut to 0 bytes would have none.
 * Deno KV has no call for it, so `node:sqlite` (built into Deno, the same SQLite) makes
 * it (https://sqlite.org/pragma.html#pragma_wal_checkpoint).
 * @module
 */

/** How long the checkpoint waits for another connection's write to end (ms). */
const BUSY_WAIT_MS = 200;

/**
 * Checkpoints the database at `kvFile` (RESTART: see the module doc). Best-effort: resolves to
 * whether it checkpointed the whole log (false when another connection kept a read or a
 * write going, the file is not there, or the disk refused); never throws. Opens no
 * database that is not there (a reading verb creates nothing).
 */
export async function checkpointKv(kvFile: string): Promise<boolean> {
  try {
    if (!(await Deno.lstat(kvFile)).isFile) return false;
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(kvFile);
    try {
      db.exec(`PRAGMA busy_timeout = ${BUSY_WAIT_MS}`);
      const row = db.prepare("PRAGMA wal_checkpoint(RESTART)").get() as
        | { busy?: number }
        | undefined;
      return row?.busy === 0;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}
