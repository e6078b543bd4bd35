/**
 * Opening the run store of a WEFT_HOME folder: creates it (0700), opens the KV file
 * (0600), and runs crash recovery, so no verb ever sees a dead run as "running".
 * @module
 */
import { KvRunStore } from "./kv.ts";
import { ensurePrivateDir } from "./log_files.ts";
import { recoverInterrupted } from "./recovery.ts";
import type { RunRecord, RunStore } from "./run_store.ts";

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Skip crash recovery (only for tools that must not write, e.g. benchmarks' seeders). */
  recover?: boolean;
  /** Called for each run recovery marks interrupted (e.g. to tell the user). */
  onRecovered?: (run: RunRecord) => void;
}

/** The KV file inside a WEFT_HOME folder. */
export function kvPath(home: string): string {
  return `${home}/weft.kv`;
}

/** The log folder inside a WEFT_HOME folder. */
export function logsPath(home: string): string {
  return `${home}/logs`;
}

/**
 * Opens the store in `home` (an absolute folder, created if missing) and marks runs of
 * this host whose process died as interrupted. Close it with `store.close()`.
 * @example
 * const store = await openStore(home);
 * try { console.log(await store.listRuns({ limit: 10 })); } finally { store.close(); }
 */
export async function openStore(home: string, options: OpenStoreOptions = {}): Promise<RunStore> {
  await ensurePrivateDir(home);
  await ensurePrivateDir(logsPath(home));
  await createPrivateFile(kvPath(home));
  const store = await KvRunStore.open(kvPath(home), logsPath(home));
  await restrictFiles(kvPath(home));
  if (options.recover !== false) {
    try {
      await recoverInterrupted(store, Deno.hostname(), { onRecovered: options.onRecovered });
    } catch (e) {
      store.close();
      throw e;
    }
  }
  return store;
}

/**
 * Creates the KV file empty with mode 0600 before SQLite opens it (an empty file is an
 * empty database), so it is never readable by others, and SQLite gives its -wal and
 * -shm files the same mode.
 */
async function createPrivateFile(path: string): Promise<void> {
  try {
    await Deno.writeFile(path, new Uint8Array(), { createNew: true, mode: 0o600 });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
}

/** Makes the KV file and SQLite's side files (-wal, -shm) readable by the owner only. */
async function restrictFiles(path: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      const info = await Deno.stat(file);
      if (((info.mode ?? 0) & 0o077) !== 0) await Deno.chmod(file, 0o600);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}
