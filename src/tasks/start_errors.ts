/**
 * What the runners that start a program (shell, docker, script) share when it cannot
 * start: a `NotFound` from spawning means either the program or the working directory is
 * missing, and only a look at the directory tells which.
 * @module
 */
import { ownText, quoteData } from "../model/data_text.ts";
import { ExecLimitError } from "./exec_limits.ts";

/** True when `path` is an existing directory (false for a file, or anything unreadable). */
export function directoryExists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The reason to give for a `NotFound` from spawning in `cwd`: the working directory when
 * it is the cause (missing, a file rather than a folder, or not enterable: see
 * {@link workingDirectoryFault}), else `programMissing` (the runner's own words).
 */
export function notFoundReason(cwd: string, programMissing: string): string {
  return workingDirectoryFault(cwd)?.reason ?? programMissing;
}

/**
 * A process could not start because its working directory cannot be entered; `reason`
 * (model/data_text.ts) names the directory and why. Thrown by the spawner (spawner.ts,
 * spawn_ffi.ts) in place of the errno, which alone does not say whether the chdir or the
 * exec failed; each runner gives `reason` as it is.
 */
export class WorkingDirectoryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "WorkingDirectoryError";
  }
}

/**
 * Why a process cannot be started in `cwd`, or null when the directory can be entered.
 * Probes `cwd/.`: looking up `.` inside a folder needs what chdir needs (every part of the
 * path a folder, search permission on each and on the folder itself, no symbolic-link
 * loop), so a failure here is the directory's, not the program's. Called only after a
 * spawn failed: nothing is added to a start that succeeds.
 */
export function workingDirectoryFault(cwd: string): WorkingDirectoryError | null {
  try {
    Deno.statSync(cwd.endsWith("/") ? `${cwd}.` : `${cwd}/.`);
    return null;
  } catch (error) {
    const quoted = quoteData(JSON.stringify(cwd));
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      let exists = false;
      try {
        Deno.statSync(cwd);
        exists = true;
      } catch {
        // Missing, or a part of its path is a file: it does not exist as a folder.
      }
      return new WorkingDirectoryError(
        exists
          ? `working directory ${quoted} is not a folder`
          : `working directory ${quoted} does not exist`,
      );
    }
    const why = error instanceof Deno.errors.PermissionDenied
      ? ownText(`permission denied (weft runs as ${whoAmI()})`)
      : error instanceof Deno.errors.FilesystemLoop
      ? ownText("too many levels of symbolic links (a link in its path leads back to itself)")
      : quoteData(error instanceof Error ? error.message : String(error));
    return new WorkingDirectoryError(`working directory ${quoted} cannot be entered: ${why}`);
  }
}

/** The user weft runs as, for a permission message: `uid 65534` (a name needs /etc/passwd). */
function whoAmI(): string {
  const uid = Deno.uid();
  return uid === null ? "this user" : `uid ${uid}`;
}

const EMFILE = 24;
const ENFILE = 23;

/**
 * A program could not start because weft ran out of file descriptors: its own limit
 * (EMFILE: each running task holds a few pipe ends) or the system's (ENFILE). The
 * message says what to do, in weft's words rather than an errno.
 */
export class TooManyOpenFilesError extends Error {
  constructor(readonly system: boolean) {
    super(
      system
        ? "too many open files on the system: lower max_parallel"
        : "too many open files: raise `ulimit -n` or lower max_parallel",
    );
    this.name = "TooManyOpenFilesError";
  }
}

/** The error for `errno` when it is EMFILE or ENFILE, else null. */
export function openFilesError(errno: number): TooManyOpenFilesError | null {
  return errno === EMFILE || errno === ENFILE ? new TooManyOpenFilesError(errno === ENFILE) : null;
}

/**
 * Why a program did not start, as a reason's tail (model/data_text.ts): weft's own words
 * for running out of file descriptors (a TooManyOpenFilesError, or an OS error with code
 * EMFILE/ENFILE from Deno), the named argument or variable and the kernel's limit for an
 * ExecLimitError, the directory and why for a WorkingDirectoryError, the OS's message
 * quoted as data otherwise.
 */
export function startFailure(error: unknown): string {
  if (error instanceof ExecLimitError || error instanceof WorkingDirectoryError) {
    return error.reason;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const own = error instanceof TooManyOpenFilesError
    ? error
    : code === "EMFILE" || code === "ENFILE"
    ? new TooManyOpenFilesError(code === "ENFILE")
    : null;
  if (own) return ownText(own.message);
  return quoteData(error instanceof Error ? error.message : String(error));
}
