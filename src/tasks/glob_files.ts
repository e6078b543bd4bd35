/**
 * A data_processor glob matched without holding weft's thread, and stopped by the task's
 * signal.
 *
 * The matching is the npm `glob` package's (isaacs/node-glob): the minimatch rules that
 * node:fs globSync also follows, with folders read asynchronously and no new folder read
 * once its `signal` aborts. It replaces globSync in a Worker, which Deno does not stop
 * on terminate() while the glob is busy (denoland/deno#35657): after a timeout a core
 * stayed busy until the glob ended, and starting the worker cost ~50 ms a task. Loaded
 * on first use: an npm import costs start-up to every command.
 * @module
 */
import type { Path } from "glob";
import { MAX_GLOB_PATTERNS } from "../model/limits.ts";

/** Thrown by {@link globFiles} when its signal aborted before the glob was matched. */
export class GlobAbortedError extends Error {
  constructor() {
    super("the glob was not matched: the task was stopped");
    this.name = "GlobAbortedError";
  }
}

/**
 * The most patterns one glob's braces may expand to (model/limits.ts MAX_GLOB_PATTERNS;
 * a range such as `{1..200000}` is matched as one pattern).
 */
export const MAX_PATTERNS = MAX_GLOB_PATTERNS;

/** Thrown by {@link globFiles} for a glob whose braces expand past {@link MAX_PATTERNS}. */
export class GlobTooWideError extends Error {
  constructor() {
    super(
      `its braces expand to more than ${MAX_PATTERNS.toLocaleString("en")} patterns; ` +
        "narrow it, or match a wider glob and let the processor choose",
    );
    this.name = "GlobTooWideError";
  }
}

/**
 * The files `pattern` matches (relative to `cwd` when given, else absolute), as absolute
 * paths, sorted as JavaScript sorts strings. Rules (minimatch, as node:fs globSync):
 * `*`, `?` and `**` skip names starting with `.` unless the pattern names the dot;
 * braces (`{a,b}`, `{1..9}`), classes and extglobs; `**` does not descend into linked
 * folders. Folders are left out; a symbolic link counts as the file it points to (a
 * broken one not at all). Folders that cannot be read are skipped, as globSync does.
 *
 * Rejects with {@link GlobAbortedError} as soon as `signal` aborts: the walk starts no
 * further folder read, and the few reads already under way end on their own; with
 * {@link GlobTooWideError} for braces past {@link MAX_PATTERNS}, before any read.
 */
export async function globFiles(
  pattern: string,
  cwd: string | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  if (signal?.aborted) throw new GlobAbortedError();
  const { Glob } = await import("glob");
  // Brace expansion is synchronous (~5 µs a pattern) and past its cap drops the rest
  // silently: one pattern over the limit is refused rather than matched in part.
  const options = { withFileTypes: true, signal, braceExpandMax: MAX_PATTERNS + 1 } as const;
  const walk = new Glob(pattern, cwd === undefined ? options : { ...options, cwd });
  if (walk.patterns.length > MAX_PATTERNS) throw new GlobTooWideError();
  const found = await untilAborted(walk.walk(), signal);
  const paths: string[] = [];
  const linked: Path[] = [];
  for (const entry of found) {
    if (entry.isFile()) paths.push(entry.fullpath());
    // A link or an entry of unknown type (its folder's listing gave none): its target says.
    else if (!entry.isDirectory()) linked.push(entry);
  }
  for (let i = 0; i < linked.length; i += STAT_BATCH) {
    const batch = linked.slice(i, i + STAT_BATCH).map((entry) => entry.fullpath());
    const files = await untilAborted(Promise.all(batch.map(isFile)), signal);
    batch.forEach((path, j) => files[j] && paths.push(path));
  }
  return paths.sort();
}

/** Links stat'ed at once: enough to overlap the reads, few enough to stop soon. */
const STAT_BATCH = 64;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * `work`, or a {@link GlobAbortedError} as soon as `signal` aborts: the glob itself
 * rejects only once its reads under way have ended (hundreds of ms on a large tree).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new GlobAbortedError());
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, (error) => reject(signal.aborted ? new GlobAbortedError() : error))
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}
