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
 * @module
 */
import { readProcStat } from "../proc.ts";
import { ownerWhere, WORK_DIR_PREFIX, workDirOwner, workDirPlaces } from "../work_dir_owner.ts";

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no env permission: the system default
  }
}

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
 * `$XDG_RUNTIME_DIR`, `/dev/shm`, `/tmp`); returns their paths. Never throws: a place
 * that cannot be read, or a folder that cannot be removed, is left as it is.
 */
export function removeStrayWorkDirs(
  env: (name: string) => string | undefined = readEnv,
): string[] {
  const where = ownerWhere();
  if (where === null) return []; // no /proc: no owner can be judged
  const removed: string[] = [];
  for (const place of workDirPlaces(env)) {
    const dir = place.dir ?? "/tmp";
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      continue; // missing or unreadable: nothing of ours there
    }
    for (const entry of entries) {
      // A link is never followed: only a folder weft made itself.
      if (!entry.isDirectory || !entry.name.startsWith(WORK_DIR_PREFIX)) continue;
      const owner = workDirOwner(entry.name);
      if (!owner || owner.where !== where || !gone(owner.pid, owner.startTicks)) continue;
      const path = `${dir.replace(/\/+$/, "")}/${entry.name}`;
      try {
        // Only this user's: with /proc mounted hidepid, another user's weft reads as gone.
        if (Deno.lstatSync(path).uid !== Deno.uid()) continue;
        Deno.removeSync(path, { recursive: true });
        removed.push(path);
      } catch { /* gone already, or not ours to remove */ }
    }
  }
  return removed;
}
