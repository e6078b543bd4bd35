/**
 * Private copies of a KV file, for reading a history that cannot be read in place: a
 * read-only mount or a folder of another user (SQLite's WAL mode needs its side files
 * writable), or a write lock another process holds (open.ts).
 * @module
 */
import {
  HISTORY_COPY_PREFIX,
  ownWorkDirPrefix,
  readPlaceEnv,
  workParentFor,
} from "../work_dir_owner.ts";

/**
 * `open` run on a {@link privateCopy} of the KV file `kv`; the copy is private to this
 * process and removed when the store is closed (or at once when `open` throws).
 */
export async function openOnCopy<T extends { close(): void }>(
  kv: string,
  open: (path: string) => Promise<T>,
): Promise<T> {
  const copy = await privateCopy(kv);
  try {
    const store = await open(copy.path);
    const close = store.close.bind(store);
    store.close = () => {
      close();
      copy.removeSync();
    };
    return store;
  } catch (e) {
    copy.removeSync();
    throw e;
  }
}

/** The first 32 bytes of a WAL file (magic, sizes, checkpoint count, salts) as hex; "" when none. */
async function walHeader(wal: string): Promise<string> {
  try {
    const file = await Deno.open(wal);
    try {
      const head = new Uint8Array(32);
      const read = await file.read(head) ?? 0;
      return Array.from(head.subarray(0, read), (b) => b.toString(16).padStart(2, "0")).join("");
    } finally {
      file.close();
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}

/** A private copy of a KV file: its path, and how to remove it (never throws). */
export interface KvCopy {
  path: string;
  removeSync(): void;
}

/**
 * Copies the KV file `kv` and its write-ahead log (when there is one) into a new
 * private temp folder, for reading a store SQLite cannot open in place (a read-only
 * mount, a folder of another user: WAL mode needs its side files writable). Throws
 * what copying throws, leaving nothing behind.
 *
 * The folder (0700) is `<TMPDIR or /tmp>/weft-<uid>/weft-history-<owner mark>-<random>`,
 * named and placed as a work folder is (work_dir_owner.ts): a reader that dies without
 * closing its store (killed -9, its terminal gone) leaves it behind, and the next command
 * that opens the history removes it with the dead wefts' work folders (stray_work_dirs.ts).
 */
export async function privateCopy(kv: string): Promise<KvCopy> {
  const place = readPlaceEnv("TMPDIR") || (Deno.build.os === "windows" ? undefined : "/tmp");
  const dir = await Deno.makeTempDir({
    dir: place === undefined ? undefined : workParentFor(place),
    prefix: ownWorkDirPrefix(HISTORY_COPY_PREFIX),
  });
  const removeSync = () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  };
  try {
    const path = `${dir}/weft.kv`;
    // A writer that restarts its WAL (after a checkpoint) between the two copies would
    // leave a database copy newer than its log: the WAL header's salts change then, so
    // such a copy is taken again. Otherwise the log holds every page checkpointed
    // meanwhile, and SQLite reads the copy up to its last whole commit.
    for (let attempt = 1;; attempt++) {
      const before = await walHeader(`${kv}-wal`);
      await Deno.copyFile(kv, path);
      try {
        await Deno.copyFile(`${kv}-wal`, `${path}-wal`);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      if (before === await walHeader(`${path}-wal`) || attempt === 5) break;
    }
    return { path, removeSync };
  } catch (e) {
    removeSync();
    throw e;
  }
}
