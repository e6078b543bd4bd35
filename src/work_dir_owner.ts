/**
 * Where a run's work folder (engine/work_dir.ts) goes, and the owner mark in its name, which
 * lets a later weft find and remove the folders of a weft that died before anything named
 * them (store/stray_work_dirs.ts).
 *
 * The folder is made as the run is built, before its record and its journal (which names it
 * for crash recovery, store/recovery.ts) are written: a weft killed with -9 in between left
 * it behind for good in `/dev/shm` (tester26 F6). So its name says whose it is:
 * `weft-run-<pid>-<start ticks>-<where>-<random>`, where `<where>` is a hash of the kernel's
 * boot id and the PID namespace (a pid means something only there, store/run_owner.ts), so a
 * folder of another machine or container sharing the folder is never judged. Without /proc
 * the name has no mark (`weft-run-<random>`) and nothing but the run's journal removes it.
 * Shared by the engine (which names the folder) and the store (which removes dead ones).
 * @module
 */
import { readBootId, readPidNamespace, readProcStat } from "./proc.ts";
import { fnv1a } from "./short_hash.ts";

/** The start of every work folder's name. */
export const WORK_DIR_PREFIX = "weft-run-";

/** A place for the folder: `dir` (undefined: Deno's default), and the setting that chose it. */
export interface WorkDirPlace {
  dir: string | undefined;
  /** The folder, as named in an error. */
  shown: string;
  setting: string | null;
}

/**
 * Where the folder goes, in order of preference: a `TMPDIR` the user set (alone: the user
 * chose where temporary files go), else `$XDG_RUNTIME_DIR`, `/dev/shm` (Linux), the system
 * default (`/tmp`). See engine/work_dir.ts for why memory file systems come first.
 */
export function workDirPlaces(env: (name: string) => string | undefined): WorkDirPlace[] {
  const tmp = env("TMPDIR");
  if (tmp) return [{ dir: tmp, shown: tmp, setting: "TMPDIR" }];
  const list: WorkDirPlace[] = [];
  const runtime = env("XDG_RUNTIME_DIR");
  if (runtime) list.push({ dir: runtime, shown: runtime, setting: "XDG_RUNTIME_DIR" });
  if (Deno.build.os === "linux") list.push({ dir: "/dev/shm", shown: "/dev/shm", setting: null });
  // The system default, which TMPDIR would change.
  list.push({ dir: undefined, shown: "/tmp", setting: "TMPDIR" });
  return list;
}

/** Which kernel and PID namespace a pid belongs to (8 hex digits), or null without /proc. */
export function ownerWhere(): string | null {
  const boot = readBootId();
  const ns = readPidNamespace();
  return boot && ns ? fnv1a(`${boot}\n${ns}`) : null;
}

/**
 * The name prefix of a work folder of the process `pid` started at `startTicks` (clock
 * ticks since boot, /proc/<pid>/stat field 22) in `where` ({@link ownerWhere}):
 * `weft-run-<pid>-<ticks>-<where>-`; plain {@link WORK_DIR_PREFIX} when any is unknown.
 */
export function workDirPrefix(
  pid: number,
  startTicks: number | null,
  where: string | null,
): string {
  if (startTicks === null || where === null) return WORK_DIR_PREFIX;
  return `${WORK_DIR_PREFIX}${pid}-${startTicks}-${where}-`;
}

let own: string | undefined;

/** This process's work folder prefix ({@link workDirPrefix}; read once, it never changes). */
export function ownWorkDirPrefix(): string {
  if (own === undefined) {
    const stat = readProcStat(Deno.pid);
    const ticks = stat && stat !== "absent" ? stat.startTicks : null;
    own = workDirPrefix(Deno.pid, ticks, ownerWhere());
  }
  return own;
}

/** The owner a work folder's name carries, or null for a name without a mark. */
export interface WorkDirOwner {
  pid: number;
  startTicks: number;
  where: string;
}

const MARKED = /^weft-run-(\d+)-(\d+)-([0-9a-f]{8})-[0-9A-Za-z_]+$/;

/** The owner in the folder name `name` (see the module's comment), or null. */
export function workDirOwner(name: string): WorkDirOwner | null {
  const match = MARKED.exec(name);
  if (!match) return null;
  return { pid: Number(match[1]), startTicks: Number(match[2]), where: match[3] };
}
