/**
 * The one rule for a file weft writes over a path it did not create (a data_processor's
 * `output.path`, `weft create`/`generate -o`, `weft schema -o`, `weft schedule export
 * --systemd`, a schedule's params file): weft puts a new file in place by renaming a
 * temporary file over the name, which would replace whatever is there. So, before
 * writing anything, the path must hold nothing, a regular file, or a symbolic link to a
 * regular file. Anything else is refused with a {@link NotAFileError} saying what is
 * there: a folder, a device (`/dev/null`), a named pipe (FIFO), a socket, a link to one
 * of those (`/dev/stdout` when stdout is a pipe or a terminal, `/proc/self/fd/1`), or a
 * link to nothing. As root, a rename over a device node would have replaced the
 * system's `/dev/null` with a regular file.
 *
 * A symbolic link to a file is written through, as `cp` does (not `install`, which
 * replaces the link): the file it points to gets the new text and the link stays. A
 * dangling link is refused, as GNU `cp` refuses to write through one: creating its
 * target could put a file anywhere, and replacing it would drop a link the user made.
 * At src/'s top level, so every layer may use it (DESIGN.md §3).
 * @module
 */
import { fileKind } from "./path.ts";

/** Thrown by {@link writeTarget} for a path weft must not replace; `message` names it. */
export class NotAFileError extends Error {
  /**
   * @param path the path as given
   * @param kind what is there, in weft's own words: "a character device", "a folder", …
   * @param linkTo for a symbolic link, the text of the link (what it points to)
   */
  constructor(readonly path: string, readonly kind: string, readonly linkTo?: string) {
    super(`${path} is ${describeKind(kind, linkTo, (s) => s)}, not a file`);
    this.name = "NotAFileError";
  }

  /** What is there, with the link's text passed through `quote` (quoteData for a task). */
  describe(quote: (data: string) => string): string {
    return describeKind(this.kind, this.linkTo, quote);
  }
}

function describeKind(kind: string, linkTo: string | undefined, quote: (s: string) => string) {
  return linkTo === undefined ? kind : `a symbolic link to ${quote(linkTo)}, ${kind}`;
}

/** Where to put the new file, and the mode of the file it replaces. */
export interface WriteTarget {
  /** `path` itself, or for a symbolic link to a file the file's real path (the link stays). */
  path: string;
  /** The permission bits of the file there; null when nothing is there (a new file). */
  mode: number | null;
}

/**
 * Checks `path` before weft writes a file there (see the module's rule) and says where
 * the file goes. Synchronous: two stats, cheap enough for the engine's thread. Throws
 * {@link NotAFileError} for anything but nothing, a file or a link to a file, and what
 * Deno throws for a path that cannot be looked at (a loop of links, permission denied).
 */
export function writeTarget(path: string): WriteTarget {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { path, mode: null };
    throw error;
  }
  if (info.isFile) return { path, mode: (info.mode ?? 0o600) & 0o7777 };
  if (!info.isSymlink) throw new NotAFileError(path, fileKind(info));
  const linkTo = Deno.readLinkSync(path);
  let target: Deno.FileInfo;
  try {
    target = Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new NotAFileError(path, "where nothing is (a dangling link)", linkTo);
    }
    throw error;
  }
  if (!target.isFile) throw new NotAFileError(path, fileKind(target), linkTo);
  return { path: Deno.realPathSync(path), mode: (target.mode ?? 0o600) & 0o7777 };
}
