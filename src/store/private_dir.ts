/**
 * Weft's own folders: created readable by their owner only (log_files.ts, open.ts).
 * @module
 */

/**
 * Creates a folder (and missing parents) readable by its owner only. Only folders it
 * creates get mode 0700: an existing folder keeps its mode (it is the user's, e.g. a
 * shared or read-only mount), but must be a folder. OS errors are thrown as they are
 * (with `code`); callers wrap them in a StorageError naming what they were doing.
 * `makeParents: false` is the one retry after the parents were made. Synchronous calls:
 * each is a single system call of a few µs, where its async form costs a hop to a thread
 * and back (store/open.ts makes the history's folders on a run's way to its first task).
 */
export function ensurePrivateDir(path: string, makeParents = true): void {
  try {
    Deno.mkdirSync(path, { mode: 0o700 });
  } catch (e) {
    const parent = path.slice(0, path.replace(/\/+$/, "").lastIndexOf("/"));
    if (e instanceof Deno.errors.NotFound && makeParents && parent !== "") {
      ensurePrivateDir(parent);
      return ensurePrivateDir(path, false);
    }
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    // Existing: leave its mode alone, but a file in its place is an error.
    if (!Deno.statSync(path).isDirectory) {
      throw Object.assign(new Error(`Not a directory: mkdir '${path}'`), { code: "EEXIST" });
    }
    return;
  }
  // mkdir's mode is reduced by the umask; set it exactly, on the folder weft just made.
  if (Deno.build.os !== "windows") Deno.chmodSync(path, 0o700);
}
