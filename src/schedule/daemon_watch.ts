/**
 * The file_change trigger: watches the folders under a workflow's `config.files` globs
 * with Deno.watchFs, keeps the changed paths that match, and calls `onChange` once the
 * changes have been quiet for the debounce time (default {@link DEFAULT_DEBOUNCE_MS}),
 * with every path that changed in that burst (sorted, absolute). Before a burst is handed
 * on, each folder is listed again and compared with its last listing, so the paths whose
 * events were dropped (Deno's queue drops what does not fit; an overflow says `rescan`)
 * are in it too, and a notice says how many were found that way. A watched folder that is
 * missing, deleted, recreated or replaced is followed (daemon_watch_folder.ts).
 * @module
 */
import { compileGlobs } from "./daemon_glob.ts";
import { FOLDER_CHECK_MS, type FolderEvents, WatchedFolder } from "./daemon_watch_folder.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";

/** Now in ms, below a ms apart (an event and a run's end may fall in the same ms). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Quiet time before a burst of changes fires (ms). */
export const DEFAULT_DEBOUNCE_MS = 500;

/** A running watch; `close()` stops it (a pending burst is dropped). */
export interface FileWatch {
  /**
   * Settles once every folder was looked at the first time: watched from then on (or
   * said missing or unwatchable), so a change made after it is seen. Never rejects.
   */
  ready: Promise<void>;
  close(): void;
}

/** Options of {@link watchFiles}. */
export interface WatchOptions {
  /** The globs, relative to `dir` (or absolute). */
  patterns: string[];
  /** The workflow's folder. */
  dir: string;
  debounceMs?: number;
  /** A burst's paths, with when each one's last event arrived (preciseNow() ms). */
  onChange(paths: string[], seenAt: ReadonlyMap<string, number>): void;
  /**
   * One line about a watched folder: missing at start, gone, back, replaced, cannot be
   * watched (see daemon_watch_folder.ts).
   */
  onNotice(message: string): void;
}

/**
 * Starts watching. A folder that does not exist (yet), goes away or cannot be watched is
 * reported through `onNotice` and watched from when it can be (looked at every
 * {@link FOLDER_CHECK_MS}); matching files found in it then count as changed.
 */
export function watchFiles(options: WatchOptions): FileWatch {
  const globs = compileGlobs(options.patterns, options.dir);
  const debounce = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  // Path -> when its last event arrived (preciseNow()).
  const pending = new Map<string, number>();
  let timer: LongTimeout | undefined;
  let closed = false;
  /** An overflow was reported: the next flush runs even without a pending path. */
  let lost = false;
  let flushing = false;

  const arm = () => {
    if (timer !== undefined) clearLongTimeout(timer);
    timer = setLongTimeout(() => void flush(), debounce);
  };
  const flush = async () => {
    timer = undefined;
    if (closed || (pending.size === 0 && !lost)) return;
    if (flushing) return arm(); // one listing at a time; this burst goes next
    flushing = true;
    lost = false;
    let found: Array<[string, number]>;
    try {
      found = (await Promise.all(folders.map((folder) => folder.rescan()))).flat();
    } finally {
      flushing = false;
    }
    if (closed) return;
    // A path with an event keeps its event's time; one found by the listing its own.
    const unreported = found.filter(([path]) => !pending.has(path));
    for (const [path, at] of unreported) pending.set(path, at);
    if (unreported.length > 0) {
      options.onNotice(
        `${unreported.length} changed path(s) that no event reported were found by listing ` +
          `the watched folder(s) again (events were lost)`,
      );
    }
    if (pending.size === 0) return;
    const seenAt = new Map(pending);
    pending.clear();
    options.onChange([...seenAt.keys()].sort(), seenAt);
  };
  const events: FolderEvents = {
    matches: (path) => globs.matches(path),
    changed(paths) {
      if (closed) return;
      const now = preciseNow();
      for (const path of paths) if (events.matches(path)) pending.set(path, now);
      if (pending.size > 0) arm();
    },
    lost() {
      if (closed) return;
      lost = true;
      arm();
    },
    notice: (message) => {
      if (!closed) options.onNotice(message);
    },
  };

  const folders = uniqueBases(globs.bases).map((base) => new WatchedFolder(base, events));
  const ready = Promise.all(folders.map((folder) => folder.check())).then(() => {}, () => {});
  const checks = setInterval(() => {
    for (const folder of folders) folder.check();
  }, FOLDER_CHECK_MS);

  return {
    ready,
    close() {
      closed = true;
      clearInterval(checks);
      if (timer !== undefined) clearLongTimeout(timer);
      for (const folder of folders) folder.close();
    },
  };
}

/** The folders to watch: no folder twice, none inside another one watched. */
function uniqueBases(all: string[]): string[] {
  const bases = [...new Set(all)].sort();
  return bases.filter((b) =>
    !bases.some((o) => o !== b && b.startsWith(o.endsWith("/") ? o : o + "/"))
  );
}
