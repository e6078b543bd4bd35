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

/**
 * A path that means a descriptor of the process that opens it (Linux: /dev/stdin,
 * /dev/stdout, /dev/stderr, /dev/fd/N, /proc/PID/fd/N, /proc/self/fd/N, also under
 * /proc/PID/task/TID/): one file for this process, another (or none) for the daemon that
 * reads it again later.
 */
const OWN_DESCRIPTOR =
  /^\/(?:dev\/(?:stdin|stdout|stderr|fd)|proc\/[^/]+\/(?:task\/[^/]+\/)?fd(?:info)?)(?:\/|$)/;

/** Most links followed by {@link descriptorPath} (Linux's own limit, MAXSYMLINKS). */
const MAX_HOPS = 40;

/**
 * The form of `path` (absolute) that names a descriptor of the opening process, if it, a
 * folder on its way or a link it leads through does (`/dev/stdin`, a link to
 * `/dev/fd/0`, `/proc/self/fd/0`); else null. Such a path is no file to read again: a
 * schedule stored with it ran the daemon's own standard input at each fire (tester vsched
 * F6). Synchronous, a few stat calls; a path that cannot be followed is left to the open.
 */
export function descriptorPath(path: string): string | null {
  let current = path;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (OWN_DESCRIPTOR.test(current)) return current;
    const slash = current.lastIndexOf("/");
    const dir = current.slice(0, slash) || "/";
    const name = current.slice(slash + 1);
    let real: string;
    try {
      // The folder with its links resolved: /dev/fd is a link to /proc/self/fd.
      real = Deno.realPathSync(dir);
    } catch {
      return null;
    }
    const here = real === "/" ? `/${name}` : `${real}/${name}`;
    if (OWN_DESCRIPTOR.test(here)) return current;
    let target: string;
    try {
      target = Deno.readLinkSync(here);
    } catch {
      return null; // not a link (or not there): nothing more to follow
    }
    current = target.startsWith("/") ? target : `${real === "/" ? "" : real}/${target}`;
  }
  return null;
}
