/**
 * Opening a log file weft reads or appends to without ever waiting on what is no file:
 * a log replaced by a named pipe (FIFO) would make open(2) wait for a writer (reading)
 * or a reader (appending) for ever, and a device such as /dev/zero would be read without
 * end. Deno.open takes no O_NONBLOCK, so the path is stat'ed first (synchronously: a few
 * µs, where an async stat costs a hop to a thread on a run's way to its first output):
 * anything but a regular file or a folder (a folder keeps its EISDIR, said by
 * store/faults.ts) is refused with {@link NotRegularFileError}, opened never. Same rule
 * as the small files of WEFT_HOME (small_file.ts).
 * @module
 */
import { fileKind } from "../path.ts";

/** A path that is a FIFO, a device or a socket where weft wants a regular file. */
export class NotRegularFileError extends Error {
  /** `kind`: what it is, in words (path.ts fileKind: "a named pipe (FIFO)"). */
  constructor(readonly path: string, readonly kind: string) {
    super(`it is ${kind}, not a file`);
    this.name = "NotRegularFileError";
  }
}

/**
 * Opens `path` with `options` (as Deno.open) unless it is there and is no regular file
 * nor folder (reading a folder then fails with EISDIR, as before): then throws
 * {@link NotRegularFileError}, never waiting. Other errors (NotFound...) are thrown as
 * Deno.open gives them.
 */
export async function openRegular(path: string, options: Deno.OpenOptions): Promise<Deno.FsFile> {
  let info: Deno.FileInfo | null = null;
  try {
    info = Deno.statSync(path); // follows a link: what would be opened
  } catch {
    // Not there (a log is made with the first output), or not ours to stat: open says.
  }
  if (info && !info.isFile && !info.isDirectory) {
    throw new NotRegularFileError(path, fileKind(info));
  }
  return await Deno.open(path, options);
}
