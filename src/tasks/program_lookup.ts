/**
 * How every spawner (spawner.ts, spawn_ffi.ts) finds the program of a child and what it
 * tells the child about its folder, so that a command weft execs itself — a shell task's
 * command with no shell syntax, a python interpreter, the docker client — behaves as
 * under `sh -c`:
 * - a name without `/` is looked up in the CHILD's PATH as execvp(3) and sh do (POSIX.1-2017
 *   exec, "PATH"): a relative entry (`.venv/bin`, `node_modules/.bin`) is relative to the
 *   child's working directory, and an empty entry (`:/usr/bin`, a leading or trailing
 *   `:`) means that directory; a regular file without execute permission is skipped, and
 *   only if nothing runnable comes after it is the result "permission denied" (sh's 126);
 * - a file the kernel cannot exec (ENOEXEC: a script without a `#!` line) is run by
 *   `/bin/sh FILE ARGS…`, as glibc's execvp and sh do ({@link SCRIPT_SHELL});
 * - `PWD` is the child's working directory, as a shell sets it at startup.
 * @module
 */
import { isAbsolutePath } from "../path.ts";

/** The search path when the child's environment has no PATH (weft's long-standing default). */
export const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/** What runs a file exec refused with ENOEXEC, with the file as `$0` (glibc's _PATH_BSHELL). */
export const SCRIPT_SHELL = "/bin/sh";

/** exec's "Exec format error" (Linux errno 8). */
export const ENOEXEC = 8;

/** Lookups kept per spawner at most; the map is emptied when it grows past this. */
const CACHE_LIMIT = 256;

/**
 * Finds programs in a child's PATH. Hits are remembered per (PATH, name) when every PATH
 * entry is absolute; a PATH with a relative or empty entry is searched afresh each time,
 * since a run creates such folders (`python3 -m venv .venv`, `npm install`) between tasks.
 */
export class ProgramLookup {
  readonly #cache = new Map<string, string>();

  /**
   * The path to exec for `cmd`: `cmd` itself when it holds a `/` (exec resolves it against
   * the child's cwd); otherwise the first runnable `DIR/cmd` of `env.PATH` (default
   * {@link DEFAULT_PATH}), a relative DIR joined to `cwd` (made absolute against weft's own
   * folder if relative). Throws `Deno.errors.NotFound` when there is none, and
   * `Deno.errors.PermissionDenied` when only non-executable files of that name exist.
   */
  find(cmd: string, env: Record<string, string>, cwd: string): string {
    if (cmd.includes("/")) return cmd;
    const path = env.PATH ?? DEFAULT_PATH;
    if (cmd === "") throw new Deno.errors.NotFound(`Failed to spawn '': not found`);
    const key = `${path}\0${cmd}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached; // removed since: exec reports ENOENT
    let denied = false;
    let cacheable = true;
    for (const dir of path.split(":")) {
      let full: string;
      if (isAbsolutePath(dir)) {
        full = dir.endsWith("/") ? `${dir}${cmd}` : `${dir}/${cmd}`;
      } else {
        cacheable = false;
        // Joined as text, never normalized: the kernel resolves `..` after a symlink as
        // a relative exec from the child's cwd would.
        const base = absoluteDir(cwd);
        full = dir === "" || dir === "." ? `${base}/${cmd}` : `${base}/${dir}/${cmd}`;
      }
      const found = runnable(full);
      if (found === "yes") {
        if (cacheable) {
          if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
          this.#cache.set(key, full);
        }
        return full;
      }
      if (found === "denied") denied = true;
    }
    if (denied) {
      throw new Deno.errors.PermissionDenied(`Failed to spawn '${cmd}': permission denied`);
    }
    throw new Deno.errors.NotFound(`Failed to spawn '${cmd}': not found in PATH`);
  }
}

/**
 * `env` with `PWD` naming `cwd`, as sh sets it at startup (POSIX.1-2017 sh, "PWD"; dash
 * and bash alike): an absolute `PWD` given in `env` without `.` or `..` segments that
 * names the same folder (a path through a symlink) is kept, any other is replaced. So a
 * `PWD` inherited from weft (the folder weft started in) or set in a workflow's
 * `environment` to another folder never reaches a process running elsewhere. Returns
 * `env` itself when nothing changes.
 */
export function withPwd(env: Record<string, string>, cwd: string): Record<string, string> {
  const dir = absoluteDir(cwd);
  const given = env.PWD;
  if (given === dir) return env;
  if (given !== undefined && sameFolder(given, dir)) return env;
  return { ...env, PWD: plainPath(dir) ? dir : physical(dir) };
}

/** `cwd` as an absolute path (against weft's own folder when relative), without a trailing `/`. */
function absoluteDir(cwd: string): string {
  const dir = isAbsolutePath(cwd) ? cwd : `${Deno.cwd()}/${cwd}`;
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

/** Whether absolute `path` has no empty, `.` or `..` segment: what sh accepts as `PWD`. */
function plainPath(path: string): boolean {
  if (!path.startsWith("/")) return false;
  return path === "/" || path.slice(1).split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/** `dir` with its symlinks and `..` resolved by the kernel (getcwd's answer), or as given. */
function physical(dir: string): string {
  try {
    return Deno.realPathSync(dir);
  } catch {
    return dir; // the spawn fails on this folder and says why
  }
}

/**
 * Answers of {@link sameFolder} by `given\0dir`, each kept {@link SAME_FOLDER_TTL_MS}: a
 * burst of tasks (a 1,000-task DAG) inherits one PWD and shares a few folders, and two
 * stats per process started cost ~2% of such a run; a link changed later is seen again
 * within that time.
 */
const sameFolders = new Map<string, { same: boolean; at: number }>();
const SAME_FOLDER_TTL_MS = 1000;

/** Whether plain absolute `given` and `dir` are one folder (same device and inode). */
function sameFolder(given: string, dir: string): boolean {
  if (!plainPath(given)) return false;
  const key = `${given}\0${dir}`;
  const now = performance.now();
  const known = sameFolders.get(key);
  if (known && now - known.at < SAME_FOLDER_TTL_MS) return known.same;
  let same: boolean;
  try {
    const a = Deno.statSync(given);
    const b = Deno.statSync(dir);
    same = a.isDirectory && a.dev === b.dev && a.ino !== null && a.ino === b.ino;
  } catch {
    same = false;
  }
  if (sameFolders.size >= CACHE_LIMIT) sameFolders.clear();
  sameFolders.set(key, { same, at: now });
  return same;
}

/**
 * What exec would meet at `path`: a regular file with an execute bit ("yes"), one without
 * ("denied"), a folder, or nothing. A PATH search passes over a folder, as sh's does (it
 * looks for files); a folder named by its path is exit 126, as under sh.
 */
export function execTarget(path: string): "yes" | "denied" | "folder" | "missing" {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return "missing";
  }
  if (!info.isFile) return info.isDirectory ? "folder" : "denied";
  return ((info.mode ?? 0o111) & 0o111) !== 0 ? "yes" : "denied";
}

/** {@link execTarget} for a PATH search: a folder of that name is skipped. */
function runnable(path: string): "yes" | "denied" | "missing" {
  const found = execTarget(path);
  return found === "folder" ? "missing" : found;
}
