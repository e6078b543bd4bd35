/**
 * The private folder (0700) a run keeps its per-attempt `$WEFT_OUTPUT` files in.
 *
 * A task that writes outputs creates its file there (output_files.ts). On a disk file
 * system (ext4) each create allocates an inode through the journal — measured here:
 * 18–180 ms per 1,000 files, when a file was made per attempt — while on a memory file
 * system (tmpfs) the same takes ~6 ms. So the folder goes on one when the machine offers
 * it: `$XDG_RUNTIME_DIR` (the user's own tmpfs, systemd's pam_systemd), else `/dev/shm`
 * (POSIX shared memory, tmpfs on Linux). A `TMPDIR` the user set wins over both: the
 * user chose where temporary files go. Files are removed as each attempt ends.
 * @module
 */
import { PathFault } from "../model/path_fault.ts";

/** A place for the folder: `dir` (undefined: Deno's default), and the setting that chose it. */
interface Place {
  dir: string | undefined;
  /** The folder, as named in an error. */
  shown: string;
  setting: string | null;
}

/** Where the folder goes, in order of preference. */
function candidates(env: (name: string) => string | undefined): Place[] {
  const tmp = env("TMPDIR");
  if (tmp) return [{ dir: tmp, shown: tmp, setting: "TMPDIR" }];
  const list: Place[] = [];
  const runtime = env("XDG_RUNTIME_DIR");
  if (runtime) list.push({ dir: runtime, shown: runtime, setting: "XDG_RUNTIME_DIR" });
  if (Deno.build.os === "linux") list.push({ dir: "/dev/shm", shown: "/dev/shm", setting: null });
  // The system default, which TMPDIR would change.
  list.push({ dir: undefined, shown: "/tmp", setting: "TMPDIR" });
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
 * Tries each place of {@link candidates} in turn. Throws a PathFault naming the last
 * place tried and the setting that chose it (`TMPDIR`): a TMPDIR the user set is the
 * only place tried, so its fault is told, never passed over.
 */
export function makeWorkDir(
  env: (name: string) => string | undefined = readEnv,
): string {
  let error: unknown;
  let last: Place | undefined;
  for (const place of candidates(env)) {
    try {
      return Deno.makeTempDirSync({ dir: place.dir, prefix: "weft-run-" });
    } catch (e) {
      error = e; // missing, read-only, or not ours: try the next place
      last = place;
    }
  }
  throw new PathFault("cannot create the run's work folder", last!.shown, last!.setting, error);
}
