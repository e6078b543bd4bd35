/**
 * One folder of a file_change trigger, watched (recursively, with Deno.watchFs) for as
 * long as the daemon runs, whatever happens to the folder itself. An inotify watch follows
 * the folder's inode: once the folder is deleted it reports nothing more, ever, and once it
 * is renamed it reports the moved folder under the old name. So the folder is looked at on
 * every event naming it and every {@link FOLDER_CHECK_MS}, and its watch is re-armed when
 * it comes back (or was replaced by another folder of that name), as watchexec does. Each
 * change of state is one line: missing at start, gone, back, replaced, cannot be watched
 * (and it is tried again at each check). Files found in a folder that (re)appears count as
 * changed: they were created while nothing watched them.
 *
 * Events can be lost: Deno hands them over a small queue that drops what does not fit
 * (a burst of thousands of files loses most of them, silently), and an inotify overflow
 * comes as a `rescan` event. So each folder keeps what its matching files looked like
 * (inode, size, times) when last listed, and {@link WatchedFolder.rescan} lists it again
 * and reports every file that is new, gone or different: the watch runs it before each
 * burst is handed on, so a burst is complete whatever the queue dropped.
 * @module
 */
import { join } from "node:path";
import { formatDuration } from "../model/duration.ts";

/** How often each watched folder is looked at for having gone, come back or been replaced (ms). */
export const FOLDER_CHECK_MS = 1000;

/** What a {@link WatchedFolder} reports to its watch. */
export interface FolderEvents {
  /** Paths that changed (absolute, not yet matched against the globs). */
  changed(paths: string[]): void;
  /** One line about the watch itself (no newline). */
  notice(message: string): void;
  /** True for a path the trigger's globs match: what a scan of a new folder keeps. */
  matches(path: string): boolean;
  /** The watcher said events were lost (an overflow): a rescan is due. */
  lost(): void;
}

/** A matching file as last listed: path -> `ino:size:mtime:ctime` (ms). */
type Listing = Map<string, { sig: string; at: number }>;

type State = "new" | "watching" | "missing" | "failed";

/** How a look at the folder found it. */
type Found = { kind: "folder"; id: string } | { kind: "missing" } | {
  kind: "error";
  reason: string;
};

/** One watched folder; `check()` once to start, then on a timer; `close()` to stop. */
export class WatchedFolder {
  readonly #base: string;
  readonly #on: FolderEvents;
  #watcher: Deno.FsWatcher | null = null;
  /** The loop reading #watcher's events; ends once it is closed. */
  #pumping: Promise<void> | null = null;
  /** dev:ino:birth time of the folder the watch is armed on; null: re-arm at the next look. */
  #id: string | null = null;
  #state: State = "new";
  /** False until a watch was armed once: "exists now" rather than "is back". */
  #watchedOnce = false;
  #closed = false;
  #checking: Promise<void> | null = null;
  #again = false;
  /** The matching files when last listed; null while not watching. */
  #known: Listing | null = null;

  constructor(base: string, on: FolderEvents) {
    this.#base = base;
    this.#on = on;
  }

  /**
   * Looks at the folder now and arms, re-arms or drops the watch as found. Calls while
   * one runs make it look once more after it, so no two looks overlap.
   */
  check(): Promise<void> {
    if (this.#checking) {
      this.#again = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      try {
        do {
          this.#again = false;
          await this.#look();
        } while (this.#again && !this.#closed);
      } catch (e) {
        // Never an unhandled rejection in the daemon: the next check tries again.
        this.#on.notice(`checking ${this.#base} failed: ${message(e)}`);
      } finally {
        this.#checking = null;
      }
    })();
    return this.#checking;
  }

  /** Stops watching; a look in progress changes nothing any more. */
  close(): void {
    this.#closed = true;
    void this.#disarm();
  }

  async #look(): Promise<void> {
    const found = await identify(this.#base);
    if (this.#closed) return;
    if (found.kind === "folder" && found.id === this.#id && this.#watcher) return;
    const before = this.#state;
    const base = this.#base;
    // Deno's watcher of the old folder must be gone before one is opened on the same path:
    // a watch opened while it closes is never told anything (seen with deno 2.9).
    await this.#disarm();
    if (this.#closed) return;
    if (found.kind === "missing") {
      this.#state = "missing";
      if (before === "new") {
        this.#on.notice(`folder ${base} does not exist; it is watched once it is created`);
      } else if (before !== "missing") {
        this.#on.notice(`folder ${base} went away; it is watched again once it is back`);
      }
      return;
    }
    let watcher: Deno.FsWatcher;
    try {
      if (found.kind === "error") throw new Error(found.reason);
      watcher = Deno.watchFs(base, { recursive: true });
    } catch (e) {
      if (before !== "failed") {
        this.#on.notice(
          `cannot watch ${base}: ${message(e)}; trying again every ${
            formatDuration(FOLDER_CHECK_MS)
          }`,
        );
      }
      this.#state = "failed";
      return;
    }
    this.#watcher = watcher;
    this.#id = (found as { id: string }).id;
    this.#state = "watching";
    this.#pumping = this.#pump(watcher);
    // Armed first, then listed: a file made meanwhile is in the list or an event (or both).
    const listing = await listMatching(base, this.#on.matches);
    if (this.#closed || watcher !== this.#watcher) return;
    this.#known = listing;
    if (before === "new") {
      this.#watchedOnce = true;
      return;
    } // there from the start: nothing changed yet
    const files = [...listing.keys()].sort();
    const what = before === "watching"
      ? `folder ${base} was replaced; watching the new one`
      : before === "missing" && this.#watchedOnce
      ? `folder ${base} is back; watching it again`
      : before === "missing"
      ? `folder ${base} exists now; watching it`
      : `watching ${base} now`;
    this.#watchedOnce = true;
    const count = files.length > 0
      ? `; ${files.length} matching file(s) in it count as changed`
      : "";
    this.#on.notice(what + count);
    if (files.length > 0) this.#on.changed(files);
  }

  async #pump(watcher: Deno.FsWatcher): Promise<void> {
    try {
      for await (const event of watcher) {
        if (event.kind === "other" && event.flag === "rescan") {
          this.#on.notice(`the watch of ${this.#base} lost events; listing it again`);
          this.#on.lost();
          continue;
        }
        if (event.kind === "access" || event.kind === "any") continue;
        if (event.paths.includes(this.#base)) {
          // The folder itself removed or renamed: this watch is dead even when a new folder
          // there got the same inode number (a freed one is handed out again), so it is
          // re-armed whatever the look finds.
          if ((event.kind === "remove" || event.kind === "rename") && watcher === this.#watcher) {
            this.#id = null;
          }
          this.check();
        }
        // A folder created or moved in: files made in it before its own watch was added
        // are reported by no event.
        if (event.kind === "create" || event.kind === "rename") {
          for (const path of event.paths) this.#scanIfFolder(path);
        }
        this.#on.changed(event.paths);
      }
      if (!this.#closed && watcher === this.#watcher) this.#lost("it ended");
    } catch (e) {
      if (!this.#closed && watcher === this.#watcher) this.#lost(message(e));
    }
  }

  async #scanIfFolder(path: string): Promise<void> {
    if (path === this.#base) return;
    try {
      if (!(await Deno.lstat(path)).isDirectory) return;
    } catch {
      return; // gone again
    }
    const files = [...(await listMatching(path, this.#on.matches)).keys()];
    if (!this.#closed && files.length > 0) this.#on.changed(files);
  }

  /**
   * Lists the folder again and compares it with the last listing: the matching files that
   * are new, gone or different since, each with when it changed (its newest of mtime and
   * ctime, ms; now for a gone one). Nothing while the folder is not watched (its return
   * is reported by the check that re-arms it).
   */
  async rescan(): Promise<Array<[string, number]>> {
    const before = this.#known;
    if (!before || !this.#watcher) return [];
    const watcher = this.#watcher;
    const after = await listMatching(this.#base, this.#on.matches);
    if (this.#closed || watcher !== this.#watcher) return [];
    this.#known = after;
    const found: Array<[string, number]> = [];
    for (const [path, file] of after) {
      if (before.get(path)?.sig !== file.sig) found.push([path, file.at]);
    }
    const gone = Date.now();
    for (const path of before.keys()) if (!after.has(path)) found.push([path, gone]);
    return found;
  }

  /** The watch failed while the folder was there: said once, tried again at each check. */
  #lost(reason: string): void {
    void this.#disarm();
    this.#state = "failed";
    this.#on.notice(
      `watching ${this.#base} stopped: ${reason}; trying again every ${
        formatDuration(FOLDER_CHECK_MS)
      }`,
    );
  }

  /** Closes the watch; resolves once its events have ended. */
  #disarm(): Promise<void> {
    const watcher = this.#watcher;
    const pumping = this.#pumping;
    this.#watcher = null;
    this.#pumping = null;
    this.#id = null;
    this.#known = null;
    try {
      watcher?.close();
    } catch { /* already closed */ }
    return pumping ?? Promise.resolve();
  }
}

async function identify(path: string): Promise<Found> {
  try {
    const info = await Deno.stat(path);
    if (!info.isDirectory) return { kind: "error", reason: "it is not a folder" };
    // With its birth time where the system has one: an inode number alone is reused.
    return { kind: "folder", id: `${info.dev}:${info.ino}:${info.birthtime?.getTime() ?? ""}` };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
      return { kind: "missing" };
    }
    return { kind: "error", reason: message(e) };
  }
}

/**
 * Files (and links) under `dir` that `matches` keeps, each with what it looks like (its
 * lstat: a link itself, links to folders are not followed).
 */
async function listMatching(dir: string, matches: (path: string) => boolean): Promise<Listing> {
  const found: Listing = new Map();
  const folders = [dir];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    try {
      for await (const entry of Deno.readDir(folder)) {
        const path = join(folder, entry.name);
        if (entry.isDirectory) folders.push(path);
        else if (matches(path)) found.set(path, await look(path));
      }
    } catch {
      // Gone or unreadable meanwhile: its files are reported by events, if any.
    }
  }
  return found;
}

/** A file's signature and when it last changed (ms); gone meanwhile: a signature of its own. */
async function look(path: string): Promise<{ sig: string; at: number }> {
  try {
    const info = await Deno.lstat(path);
    const m = info.mtime?.getTime() ?? 0;
    const c = info.ctime?.getTime() ?? 0;
    return { sig: `${info.ino}:${info.size}:${m}:${c}`, at: Math.max(m, c) || Date.now() };
  } catch {
    return { sig: "gone", at: Date.now() };
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
