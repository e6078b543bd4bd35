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

/**
 * The start of the name of a private copy of the history (store/kv_copy.ts), marked and
 * swept like a work folder: a reader killed (-9) or hung up on while it reads one leaves
 * it behind otherwise.
 */
export const HISTORY_COPY_PREFIX = "weft-history-";

/** The starts of the names of the folders {@link workDirOwner} reads a mark from. */
export const MARKED_PREFIXES: readonly string[] = [WORK_DIR_PREFIX, HISTORY_COPY_PREFIX];

/** A place for the folder: `dir`, and the setting that chose it. */
export interface WorkDirPlace {
  dir: string;
  /** The folder, as named in an error. */
  shown: string;
  setting: string | null;
}

/**
 * The process's environment variable `name` as {@link workDirPlaces} reads it by default
 * (TMPDIR, XDG_RUNTIME_DIR); undefined when unset or when env access is not allowed (the
 * system's default places then).
 */
export function readPlaceEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
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
  // The system default (without TMPDIR set), which TMPDIR would change.
  list.push({ dir: "/tmp", shown: "/tmp", setting: "TMPDIR" });
  return list;
}

/**
 * This user's parent folder of work folders in `dir` (a place's folder), `<dir>/weft-<uid>`,
 * or null where there is no uid (Windows).
 */
export function workParentPath(dir: string): string | null {
  const uid = Deno.uid();
  return uid === null ? null : `${dir.replace(/\/+$/, "")}/weft-${uid}`;
}

/**
 * Whether the parent folder at `path` ({@link workParentPath}) may hold this user's work
 * folders: "usable" (a real folder, not a link, owned by this uid, no group or other mode
 * bits, all the owner's), "missing", or "unsafe" (anything else there, or it cannot be looked at). Only
 * lstat: nothing is followed or changed.
 */
export function workParentState(path: string): "usable" | "missing" | "unsafe" {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "missing" : "unsafe";
  }
  // Owner bits too: one another weft has just made under a umask like 0277 is not yet set.
  const usable = info.isDirectory && info.uid === Deno.uid() && info.mode !== null &&
    (info.mode & 0o777) === 0o700;
  return usable ? "usable" : "unsafe";
}

/**
 * The folder a work folder goes in for the place folder `dir`: this user's parent there
 * ({@link workParentPath}), made (0700) when missing; `dir` itself when that parent is unsafe
 * ({@link workParentState}) or cannot be made (the work folder's own creation then says why).
 */
export function workParentFor(dir: string): string {
  const path = workParentPath(dir);
  if (path === null) return dir;
  try {
    Deno.mkdirSync(path, { mode: 0o700 });
    // Made here, so ours to set: the umask may have taken bits from 0700.
    Deno.chmodSync(path, 0o700);
    return path;
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) return dir;
  }
  return workParentState(path) === "usable" ? path : dir;
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
 * `<kind><pid>-<ticks>-<where>-` (`kind`: one of {@link MARKED_PREFIXES}, a work folder's by
 * default); plain `kind` when any is unknown.
 */
export function workDirPrefix(
  pid: number,
  startTicks: number | null,
  where: string | null,
  kind: string = WORK_DIR_PREFIX,
): string {
  if (startTicks === null || where === null) return kind;
  return `${kind}${pid}-${startTicks}-${where}-`;
}

let own: string | undefined;

/**
 * This process's work folder prefix ({@link workDirPrefix}; read once, it never changes),
 * or that of another `kind` of folder it owns ({@link HISTORY_COPY_PREFIX}).
 */
export function ownWorkDirPrefix(kind: string = WORK_DIR_PREFIX): string {
  if (own === undefined) {
    const stat = readProcStat(Deno.pid);
    const ticks = stat && stat !== "absent" ? stat.startTicks : null;
    own = workDirPrefix(Deno.pid, ticks, ownerWhere(), "");
  }
  return `${kind}${own}`;
}

/** The owner a work folder's name carries, or null for a name without a mark. */
export interface WorkDirOwner {
  pid: number;
  startTicks: number;
  where: string;
}

const MARKED = /^weft-(?:run|history)-(\d+)-(\d+)-([0-9a-f]{8})-[0-9A-Za-z_]+$/;

/** The owner in the folder name `name` (see the module's comment), or null. */
export function workDirOwner(name: string): WorkDirOwner | null {
  const match = MARKED.exec(name);
  if (!match) return null;
  return { pid: Number(match[1]), startTicks: Number(match[2]), where: match[3] };
}
