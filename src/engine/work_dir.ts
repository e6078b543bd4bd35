/**
 * The private folder (0700) a run keeps its per-attempt `$WEFT_OUTPUT` files in.
 *
 * One empty file is created and removed per attempt. On a disk file system (ext4) each
 * create allocates an inode through the journal — measured here: 18–180 ms per 1,000
 * files, the single largest cost of a 1,000-task run — while on a memory file system
 * (tmpfs) the same takes ~6 ms. So the folder goes on one when the machine offers it:
 * `$XDG_RUNTIME_DIR` (the user's own tmpfs, systemd's pam_systemd), else `/dev/shm`
 * (POSIX shared memory, tmpfs on Linux). A `TMPDIR` the user set wins over both: the
 * user chose where temporary files go. The files are empty unless a task writes
 * outputs, and are removed as each attempt ends.
 * @module
 */

/** Where the folder goes, in order of preference; undefined: the system default (TMPDIR). */
function candidates(env: (name: string) => string | undefined): (string | undefined)[] {
  if (env("TMPDIR")) return [undefined];
  const list: (string | undefined)[] = [];
  const runtime = env("XDG_RUNTIME_DIR");
  if (runtime) list.push(runtime);
  if (Deno.build.os === "linux") list.push("/dev/shm");
  list.push(undefined);
  return list;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no env permission: the system default
  }
}

/**
 * Creates the run's private work folder (mode 0700, a fresh name) and returns its path.
 * Tries each place of {@link candidates} in turn; throws what the last one threw (the
 * system temp folder cannot be written).
 */
export function makeWorkDir(
  env: (name: string) => string | undefined = readEnv,
): string {
  let error: unknown;
  for (const dir of candidates(env)) {
    try {
      return Deno.makeTempDirSync({ dir, prefix: "weft-run-" });
    } catch (e) {
      error = e; // missing, read-only, or not ours: try the next place
    }
  }
  throw error;
}
