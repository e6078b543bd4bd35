/**
 * What the runners that start a program (shell, docker, script) share when it cannot
 * start: a `NotFound` from spawning means either the program or the working directory is
 * missing, and only a look at the directory tells which.
 * @module
 */
import { quoteData } from "../model/data_text.ts";

/** True when `path` is an existing directory (false for a file, or anything unreadable). */
export function directoryExists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The reason to give for a `NotFound` from spawning in `cwd`: the missing working
 * directory when it is the cause, else `programMissing` (the runner's own words).
 */
export function notFoundReason(cwd: string, programMissing: string): string {
  return directoryExists(cwd)
    ? programMissing
    : `working directory ${quoteData(JSON.stringify(cwd))} does not exist`;
}
