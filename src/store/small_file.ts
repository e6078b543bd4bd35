/**
 * Bounded reads of the small files weft keeps in WEFT_HOME (`config.json`, the daemon's
 * lock, a run's process-group journal, a schedule's secret params): a path that is a
 * device, a FIFO or a socket (a `config.json` symlinked to /dev/zero) or a file far larger
 * than such a file can be is refused with one line naming the file, instead of being read
 * whole into memory. Same rule as workflow files (parse/read.ts MAX_INPUT_BYTES) and
 * `$WEFT_OUTPUT` files (engine/output_files.ts).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { fileKind } from "../path.ts";
import { readBytesBounded } from "../bounded_file.ts";

/** Most bytes read of a small WEFT_HOME file (1 MiB; a config.json is a few hundred bytes). */
export const SMALL_FILE_MAX_BYTES = 1024 * 1024;

/** What {@link readSmallText} says in its errors. */
export interface SmallFileOptions {
  /** Most bytes (default {@link SMALL_FILE_MAX_BYTES}). */
  limit?: number;
  /** What to do about a refused file, e.g. "remove it or make it a plain JSON file". */
  hint: string;
}

/**
 * The text of `path` (UTF-8), or null when there is no such file. Throws WeftError
 * (exit 2) naming the file when it is not a regular file (said what it is: a folder, a
 * character device, a FIFO...) or is over the limit; never reads more than limit + 1
 * bytes, so a file that grows while read is caught too. Other I/O errors are thrown as
 * they are.
 */
export async function readSmallText(
  path: string,
  options: SmallFileOptions,
): Promise<string | null> {
  const limit = options.limit ?? SMALL_FILE_MAX_BYTES;
  const info = await checkSmallFile(path, options);
  if (info === null) return null;
  // A file that grew since the stat is still cut at the limit (bounded_file.ts).
  const bytes = await readBytesBounded(path, limit);
  if (!bytes) throw refused(path, tooLarge(limit), options.hint);
  return new TextDecoder().decode(bytes);
}

/**
 * The stat of `path` when {@link readSmallText} would read it; null when there is no
 * such file. Throws the same WeftError as it for a path that is no regular file or is
 * over the limit, reading nothing: for a verb that checks the file before it starts work
 * and reads it later.
 */
export async function checkSmallFile(
  path: string,
  options: SmallFileOptions,
): Promise<Deno.FileInfo | null> {
  const limit = options.limit ?? SMALL_FILE_MAX_BYTES;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path); // follows a symlink: what would be read
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  if (!info.isFile) {
    // Checked before opening: opening a FIFO would wait for a writer.
    throw refused(path, `is ${fileKind(info)}, not a regular file`, options.hint);
  }
  if (info.size > limit) throw refused(path, tooLarge(limit), options.hint);
  return info;
}

function tooLarge(limit: number): string {
  return `is larger than ${
    limit / 1024 / 1024 >= 1 ? `${limit / 1024 / 1024} MiB` : `${limit} bytes`
  }, ` +
    "more than such a file ever holds";
}

function refused(path: string, message: string, hint: string): WeftError {
  return new WeftError([{ file: path, message, hint }], { exitCode: ExitCode.Invalid });
}

/**
 * The lstat of `path`, a file weft makes and writes in WEFT_HOME (weft.reserve, weft.kv),
 * or null when there is none. Throws the WeftError of {@link checkSmallFile} (exit 2,
 * naming the file) when it is a symbolic link or anything but a regular file: weft
 * never writes, truncates or chmods what a link points to (a link planted in a shared
 * home would have it change a file it did not make), and opening a FIFO would wait.
 */
export function checkOwnFile(path: string, hint: string): Deno.FileInfo | null {
  return checkOwn(path, "file", hint);
}

/**
 * The lstat of `path`, a folder weft makes in WEFT_HOME and writes files into
 * (`schedule-secrets`), or null when there is none. Throws the WeftError of
 * {@link checkOwnFile} (exit 2, naming it) when it is a symbolic link or anything but a
 * folder: weft writes nothing through a link it finds among its own files (README:
 * WEFT_HOME), as a link planted in a shared home would have it write where it points.
 */
export function checkOwnFolder(path: string, hint: string): Deno.FileInfo | null {
  return checkOwn(path, "folder", hint);
}

/** {@link checkOwnFile} and {@link checkOwnFolder}: the lstat, a link or other kind refused. */
function checkOwn(path: string, want: "file" | "folder", hint: string): Deno.FileInfo | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path); // the link itself, not what it points to
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  if (info.isSymlink) {
    throw refused(path, "is a symbolic link; weft does not follow links for its own files", hint);
  }
  if (want === "file" ? !info.isFile : !info.isDirectory) {
    const wanted = want === "file" ? "a regular file" : "a folder";
    throw refused(path, `is ${fileKind(info)}, not ${wanted}`, hint);
  }
  return info;
}
