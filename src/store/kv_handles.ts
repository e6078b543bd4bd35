/**
 * Which database files this process has open through Deno KV. SQLite locks its files
 * with POSIX advisory locks, which belong to the process, not to the descriptor: closing
 * ANY descriptor of `weft.kv` (or its `-wal`/`-shm`) that the process opened itself
 * drops every lock its SQLite connections hold there (https://sqlite.org/howtocorrupt.html
 * §2.2). Another process (a `weft history`) then takes itself for the last user, checkpoints
 * and deletes the write-ahead log the connections still write to: their later commits are
 * lost, and the database may be left damaged. `weft daemon` holds the store open while
 * each run it starts opens it again, so checks that open these files (kv_file.ts
 * openableForWriting) ask {@link isKvOpenHere} first.
 * @module
 */

import { withRetry } from "./retry.ts";

/** Database path → connections open in this process. */
const openHere = new Map<string, number>();

/**
 * `Deno.openKv(path)`, counted until the returned database is closed. SQLite answers busy
 * while another process opens the same file at that moment (setting up its write-ahead
 * log): tried again for up to 5 s (retry.ts RETRY_BUDGET_MS), where two `weft run` started
 * together had one refused at once as if the history stayed locked.
 */
export async function openKvFile(path: string): Promise<Deno.Kv> {
  const kv = await withRetry(() => Deno.openKv(path));
  openHere.set(path, (openHere.get(path) ?? 0) + 1);
  const close = kv.close.bind(kv);
  let closed = false;
  kv.close = () => {
    if (!closed) {
      closed = true;
      const left = (openHere.get(path) ?? 1) - 1;
      if (left > 0) openHere.set(path, left);
      else openHere.delete(path);
    }
    close();
  };
  return kv;
}

/**
 * Whether this process has the database `path` (the main file, as given to
 * {@link openKvFile}) open: then no descriptor of it or its side files may be opened
 * and closed outside SQLite.
 */
export function isKvOpenHere(path: string): boolean {
  return openHere.has(path);
}
