/**
 * The one rule for every file weft reads by a path (a workflow file, a called workflow,
 * an SQL file, a script, a log, a small file of WEFT_HOME): it is a regular file (or a
 * folder, whose read then fails with EISDIR), never a named pipe (FIFO), a device or a
 * socket. Opening a FIFO waits for a writer for ever — in the daemon, a fire that never
 * ends and a stop that never comes — and a device such as /dev/zero is read without end.
 * Deno.open takes no O_NONBLOCK, so the path is stat'ed before it is opened and the
 * opened file stat'ed again (what was opened, should the path have changed between).
 * Standard input stays readable where a verb documents `-` for it.
 * @module
 */
import { fileKind } from "./path.ts";

/** A path that is a FIFO, a device or a socket where weft wants a regular file. */
export class NotRegularFileError extends Error {
  /** `kind`: what it is, in words (path.ts fileKind: "a named pipe (FIFO)"). */
  constructor(readonly path: string, readonly kind: string) {
    super(`it is ${kind}, not a file`);
    this.name = "NotRegularFileError";
  }
}

/** What `info` is when it is neither a regular file nor a folder ("a named pipe (FIFO)"); else null. */
export function specialKind(info: Deno.FileInfo): string | null {
  return info.isFile || info.isDirectory ? null : fileKind(info);
}

/**
 * Throws {@link NotRegularFileError} when `path` is there and is no regular file nor
 * folder (following links: what an open would reach); says nothing when it is not there
 * or cannot be stat'ed (the open then says why). Synchronous: a few µs, where an async
 * stat costs a hop to a thread.
 */
export function refuseSpecial(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return;
  }
  const kind = specialKind(info);
  if (kind) throw new NotRegularFileError(path, kind);
}

/**
 * Throws {@link NotRegularFileError} when `info`, the stat of a file just opened from
 * `path`, is no regular file nor folder: the path was swapped for one after
 * {@link refuseSpecial} looked.
 */
export function refuseOpenedSpecial(path: string, info: Deno.FileInfo): void {
  const kind = specialKind(info);
  if (kind) throw new NotRegularFileError(path, kind);
}
