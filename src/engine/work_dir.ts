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
import {
  ownWorkDirPrefix,
  readPlaceEnv,
  type WorkDirPlace,
  workDirPlaces,
  workParentFor,
} from "../work_dir_owner.ts";

/**
 * Creates the run's private work folder (mode 0700, a fresh name whose start says whose
 * it is: work_dir_owner.ts) and returns its path: `<place>/weft-<uid>/weft-run-…`, or
 * `<place>/weft-run-…` where that parent is not safe to use (work_dir_owner.ts
 * `workParentFor`). Tries each place of `workDirPlaces` in turn. Throws a PathFault naming the last place tried and the setting that chose it (`TMPDIR`): a TMPDIR the user set is the
 * only place tried, so its fault is told, never passed over.
 */
export function makeWorkDir(
  env: (name: string) => string | undefined = readPlaceEnv,
): string {
  let error: unknown;
  let last: WorkDirPlace | undefined;
  // Named after this process, so that a weft killed before its run's journal names the
  // folder still leaves it findable (store/stray_work_dirs.ts).
  const prefix = ownWorkDirPrefix();
  for (const place of workDirPlaces(env)) {
    try {
      // Inside this user's own parent folder, so that the sweep of dead wefts' folders
      // lists that, not the whole place.
      return Deno.makeTempDirSync({ dir: workParentFor(place.dir), prefix });
    } catch (e) {
      error = e; // missing, read-only, or not ours: try the next place
      last = place;
    }
  }
  throw new PathFault("cannot create the run's work folder", last!.shown, last!.setting, error);
}
