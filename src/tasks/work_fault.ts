/**
 * Why a file of the run's work folder (a long command, a long value, the params of a
 * script: written beside `$WEFT_OUTPUT`, see engine/work_dir.ts) could not be written,
 * in words: a full file system is named as the work folder being full, with the way
 * out — on a memory file system (`/dev/shm`, 64 MiB in a Docker container by default)
 * it is TMPDIR, which chooses another folder — rather than as the OS's raw
 * `No space left on device (os error 28): writefile '…'`.
 * @module
 */
import { ownText, quoteData } from "../model/data_text.ts";

/** errno names of a file system that has no room left (ENOSPC, and EDQUOT: over quota). */
const FULL_CODES = new Set(["ENOSPC", "EDQUOT"]);
/** The same, as the message of an OS error with no code (Deno's `(os error 28)`). */
const FULL_TEXT = /no space left on device|disk quota exceeded|os error (?:28|122)\b/i;

/**
 * The task's error for `what` failing with `error` (marked, model/data_text.ts), where
 * `workFile` is the attempt's `$WEFT_OUTPUT` path (its folder is the run's work folder;
 * "" when there is none).
 * @example workFileTrouble("cannot write the command to a file", enospc, "/dev/shm/weft-run-x/a.1")
 *   // "cannot write the command to a file: the run's work folder /dev/shm/weft-run-x is full
 *   //  (no space left on the device): free space there, or set TMPDIR to a folder with room"
 */
export function workFileTrouble(what: string, error: unknown, workFile: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const full = (typeof code === "string" && FULL_CODES.has(code)) || FULL_TEXT.test(message);
  if (!full) return ownText(`${what}: `) + quoteData(message);
  // Its folder, without node:path: a shell task's way loads no node: module (startup).
  const folder = workFile === ""
    ? "the system's temporary folder"
    : quoteData(workFile.slice(0, workFile.lastIndexOf("/")) || "/");
  return ownText(`${what}: the run's work folder `) + folder +
    ownText(
      " is full (no space left on the device): free space there, or set TMPDIR to a folder " +
        "with room",
    );
}
