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
 * it is the cause (missing, or a file rather than a folder), else `programMissing` (the
 * runner's own words).
 */
export function notFoundReason(cwd: string, programMissing: string): string {
  if (directoryExists(cwd)) return programMissing;
  const quoted = quoteData(JSON.stringify(cwd));
  let exists = false;
  try {
    Deno.statSync(cwd);
    exists = true;
  } catch {
    // Missing, or a part of its path is a file: it does not exist as a folder.
  }
  return exists
    ? `working directory ${quoted} is not a folder`
    : `working directory ${quoted} does not exist`;
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
 * ExecLimitError, the OS's message quoted as data otherwise.
 */
export function startFailure(error: unknown): string {
  if (error instanceof ExecLimitError) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  const own = error instanceof TooManyOpenFilesError
    ? error
    : code === "EMFILE" || code === "ENFILE"
    ? new TooManyOpenFilesError(code === "ENFILE")
    : null;
  if (own) return ownText(own.message);
  return quoteData(error instanceof Error ? error.message : String(error));
}
