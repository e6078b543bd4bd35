/**
 * The file_change trigger: watches the folders under a workflow's `config.files` globs
 * with Deno.watchFs, keeps the changed paths that match, and calls `onChange` once the
 * changes have been quiet for the debounce time (default {@link DEFAULT_DEBOUNCE_MS}),
 * with every path that changed in that burst (sorted, absolute).
 * @module
 */
import { compileGlob, type FileGlob } from "./daemon_glob.ts";

/** Quiet time before a burst of changes fires (ms). */
export const DEFAULT_DEBOUNCE_MS = 500;

/** A running watch; `close()` stops it (a pending burst is dropped). */
export interface FileWatch {
  close(): void;
}

/** Options of {@link watchFiles}. */
export interface WatchOptions {
  /** The globs, relative to `dir` (or absolute). */
  patterns: string[];
  /** The workflow's folder. */
  dir: string;
  debounceMs?: number;
  onChange(paths: string[]): void;
  /** A folder that cannot be watched (missing, no permission): one line each. */
  onError(message: string): void;
}

/** Starts watching. Folders that do not exist are reported through `onError` and skipped. */
export function watchFiles(options: WatchOptions): FileWatch {
  const globs = options.patterns.map((p) => compileGlob(p, options.dir));
  const debounce = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchers: Deno.FsWatcher[] = [];
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const paths = [...pending].sort();
    pending.clear();
    options.onChange(paths);
  };

  for (const base of uniqueBases(globs)) {
    let watcher: Deno.FsWatcher;
    try {
      watcher = Deno.watchFs(base, { recursive: true });
    } catch (e) {
      options.onError(`cannot watch ${base}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    watchers.push(watcher);
    (async () => {
      try {
        for await (const event of watcher) {
          if (event.kind === "access" || event.kind === "any") continue;
          for (const path of event.paths) {
            if (globs.some((g) => g.matches(path))) pending.add(path);
          }
          if (pending.size > 0) {
            if (timer !== undefined) clearTimeout(timer);
            timer = setTimeout(flush, debounce);
          }
        }
      } catch (e) {
        if (!closed) options.onError(`watching ${base} stopped: ${(e as Error).message}`);
      }
    })();
  }

  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const w of watchers) {
        try {
          w.close();
        } catch { /* already closed */ }
      }
    },
  };
}

/** The folders to watch: no folder twice, none inside another one watched. */
function uniqueBases(globs: FileGlob[]): string[] {
  const bases = [...new Set(globs.map((g) => g.base))].sort();
  return bases.filter((b) =>
    !bases.some((o) => o !== b && b.startsWith(o.endsWith("/") ? o : o + "/"))
  );
}
