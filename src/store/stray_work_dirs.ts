/**
 * Removing the work folders of wefts that died before anything named them.
 *
 * A run's work folder (engine/work_dir.ts) is made as the run is built; crash recovery
 * (recovery.ts) removes it through the run's journal, which is written once the run is
 * recorded. A weft killed with -9 before that left the folder where no later command
 * looked (tester26 F6). Its name says whose it is (work_dir_owner.ts): here, a folder whose
 * owner is proven gone — same kernel and PID namespace, and no process with that pid and
 * start time — is removed, wherever that weft's run was recorded, if at all. A folder of a
 * live weft, of another kernel or namespace, or without a mark (older wefts, no /proc) is
 * left alone. What a dead weft's tasks still running write there is lost with it: no weft
 * would ever read it (a recorded run's recovery removes the same folder).
 *
 * It runs on every command that opens the history, read-only ones too, so it reads only
 * this user's parent folder of each place (`<place>/weft-<uid>`), never the whole place.
 * @module
 */
import { readProcStat } from "../proc.ts";
import {
  MARKED_PREFIXES,
  ownerWhere,
  readPlaceEnv,
  workDirOwner,
  workDirPlaces,
  workParentPath,
  workParentState,
} from "../work_dir_owner.ts";

/**
 * Whether the process `pid` that started at `startTicks` is proven gone: no such process,
 * a zombie, or another process with that pid. Unreadable: not proven.
 */
function gone(pid: number, startTicks: number): boolean {
  const stat = readProcStat(pid);
  if (stat === "absent") return true;
  if (stat === null) return false;
  return stat.state === "Z" || stat.state === "X" || stat.startTicks !== startTicks;
}

/**
 * Removes the marked work folders of dead wefts in every place a work folder of this
 * environment goes (work_dir_owner.ts `workDirPlaces`: `TMPDIR` when set, else
 * `$XDG_RUNTIME_DIR`, `/dev/shm`, `/tmp`); returns their paths. In each place it lists only
 * this user's parent folder (`<place>/weft-<uid>`, work_dir_owner.ts), so its cost is that
 * of this user's work folders, not of the place's size (verifier V4 F1); the place itself is
 * listed only where that parent is there but unsafe, which is where this user's wefts put
 * their folders straight in the place. (Folders a weft put straight in a place before
 * parents existed are left: they are not worth listing a busy `/tmp` on every command.)
 * `visit` is called with each folder listed (for tests: what a command reads). Never
 * throws: a place that cannot be read, or a folder that cannot be removed, is left as it is.
 */
export function removeStrayWorkDirs(
  env: (name: string) => string | undefined = readPlaceEnv,
  visit?: (dir: string) => void,
): string[] {
  const where = ownerWhere();
  if (where === null) return []; // no /proc: no owner can be judged
  const removed: string[] = [];
  for (const place of workDirPlaces(env)) {
    const parent = workParentPath(place.dir);
    const state = parent === null ? "unsafe" : workParentState(parent);
    if (state === "missing") continue; // no weft of this user made a folder here
    const dir = state === "usable" ? parent! : place.dir.replace(/\/+$/, "");
    visit?.(dir);
    removeDead(dir, where, removed);
  }
  return removed;
}

/** Removes the dead wefts' folders in `dir` (see removeStrayWorkDirs), adding them to `removed`. */
function removeDead(dir: string, where: string, removed: string[]): void {
  try {
    // Read as it goes, never held whole: a folder removed meanwhile is simply not listed.
    for (const entry of Deno.readDirSync(dir)) {
      // A link is never followed: only a folder weft made itself.
      if (!entry.isDirectory || !MARKED_PREFIXES.some((p) => entry.name.startsWith(p))) continue;
      const owner = workDirOwner(entry.name);
      if (!owner || owner.where !== where || !gone(owner.pid, owner.startTicks)) continue;
      const path = `${dir}/${entry.name}`;
      try {
        // Only this user's: with /proc mounted hidepid, another user's weft reads as gone.
        if (Deno.lstatSync(path).uid !== Deno.uid()) continue;
        Deno.removeSync(path, { recursive: true });
        removed.push(path);
      } catch { /* gone already, or not ours to remove */ }
    }
  } catch { /* missing or unreadable: nothing of ours there */ }
}
