/**
 * Opening the run store of a WEFT_HOME folder.
 *
 * For writing (`weft run`, `history prune`): creates the folder (0700, only if weft
 * creates it: an existing folder keeps its mode), opens the KV file (0600), and runs
 * crash recovery, so no verb ever sees a dead run as "running"; the space reserves dead
 * wefts held are removed first (run_reserve.ts). A home that cannot be
 * written is a StorageError naming it (exit 2: nothing ran).
 *
 * For reading (`history`, `status`, `logs`, `metrics`, with `readOnly`): creates and
 * changes nothing that is not there. A missing home or KV file reads as an empty
 * history; a KV file that cannot be opened in place (read-only mount, unwritable
 * folder) is read from a private copy; crash recovery is best-effort (skipped on a
 * copy, its write errors reported through `onRecoveryFailed`, e.g. on a full disk).
 * A write lock another process holds past READ_LOCK_WAIT_MS (a `weft run` stopped with
 * Ctrl-Z) is not waited out either: what is committed is read from a private copy,
 * runs whose process died read as interrupted, and `onLocked` names the holder. A home
 * that cannot be read (a file in its place, no permission, a damaged KV file) is a
 * StorageError naming it, exit 2 as for writing ({@link homeFault}).
 *
 * Once recovery has run, the work folders of wefts that died before their run's journal
 * named them are removed too (stray_work_dirs.ts).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { isDiskFull, refineFault, StorageError } from "./faults.ts";
import { KvRunStore } from "./kv.ts";
import {
  createPrivateFile,
  databaseFiles,
  LockWaitExpired,
  openableForWriting,
  READ_LOCK_WAIT_MS,
  restrictFiles,
  withinLockWait,
} from "./kv_file.ts";
import { type LockHolder, writeLockHolder } from "./kv_lock_holder.ts";
import { isBusyError } from "./retry.ts";
import { ensurePrivateDir } from "./log_files.ts";
import { MemoryRunStore } from "./memory.ts";
import { deadRuns, withDeadRuns } from "./dead_runs.ts";
import { recoverInterrupted } from "./recovery.ts";
import { removeStrayWorkDirs } from "./stray_work_dirs.ts";
import { releaseReserve } from "./reserve.ts";
import { sweepDeadReserves } from "./run_reserve.ts";
import { checkSmallFile } from "./small_file.ts";
import { openOnCopy } from "./kv_copy.ts";
import type { RunRecord, RunStore } from "./run_store.ts";

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Skip crash recovery (only for tools that must not write, e.g. benchmarks' seeders). */
  recover?: boolean;
  /**
   * Called for each run recovery marks interrupted (e.g. to tell the user), with how
   * many of its process groups were still running and were ended.
   */
  onRecovered?: (run: RunRecord, endedGroups: number, containers: string[]) => void;
  /** See RecoveryOptions.onEndedForOther (recovery.ts): another process marked it first. */
  onEndedForOther?: (run: RunRecord, endedGroups: number, containers: string[]) => void;
  /** Open for reading: create nothing, change no mode, never fail for want of writing. */
  readOnly?: boolean;
  /**
   * Open for writing only a history that is there (`history prune`, `mark-interrupted`:
   * verbs that change recorded runs): where `home` holds no KV file, it is opened as
   * with `readOnly` (an empty history), so that such a verb creates no home, `logs/`
   * or `weft.kv` where there was nothing to change.
   */
  existingOnly?: boolean;
  /**
   * With `readOnly`: called when crash recovery could not be done because the store
   * cannot be written (runs whose process died still read as running).
   */
  onRecoveryFailed?: (error: StorageError) => void;
  /**
   * With `readOnly`: called when another process held the history's write lock past
   * READ_LOCK_WAIT_MS (kv_file.ts), e.g. a `weft run` stopped with Ctrl-Z. The store
   * then reads what is committed from a private copy, without crash recovery (runs
   * whose process died read as interrupted); `holder` is that process when known, and
   * `unlocked` settles once the lock is let go (to open the store afresh then).
   */
  onLocked?: (holder: LockHolder | null, unlocked: Promise<unknown>) => void;
  /**
   * The verb frees space or settles state (`history prune`, `history mark-interrupted`,
   * `schedule pause/resume/remove`): on a disk too full to open the history for writing,
   * the idle weft.reserve is deleted (reserve.ts: its room is for such a write; never one a
   * run in flight holds, run_reserve.ts) and opening is tried once more. The next run that
   * finds room makes the reserve again.
   */
  spendReserve?: boolean;
}

/**
 * The error of a history folder (WEFT_HOME) whose history cannot be opened, for reading
 * or for writing: a file where the folder should be, a folder without permission, a
 * `weft.kv` that is damaged or cannot be read, no room to open it for a run. The one
 * place every verb gets it from (`run`, `daemon`, `schedule`, and the reading verbs
 * `history`, `status`, `logs`, `metrics`, `monitor`, `alerts`), so that all of them exit
 * alike: 2, as for invalid input (README "Exit codes": nothing ran, nothing was read or
 * changed; the path and hint say what to fix). A fault met while a verb works (a log
 * line a run cannot write) stays exit 1.
 */
export function homeFault(what: string, path: string, cause: unknown): StorageError {
  return new StorageError(what, path, cause, ExitCode.Invalid);
}

/** The KV file inside a WEFT_HOME folder. */
export function kvPath(home: string): string {
  return `${home}/weft.kv`;
}

/** The log folder inside a WEFT_HOME folder. */
export function logsPath(home: string): string {
  return `${home}/logs`;
}

/**
 * Opens the store in `home` (an absolute folder) and marks runs of this host whose
 * process died as interrupted. Close it with `store.close()`. Throws StorageError
 * (a WeftError: path, reason, hint) when the home cannot be created, written or read.
 * @example
 * const store = await openStore(home, { readOnly: true });
 * try { console.log(await store.listRuns({ limit: 10 })); } finally { store.close(); }
 */
export async function openStore(home: string, options: OpenStoreOptions = {}): Promise<RunStore> {
  const readOnly = options.readOnly || (options.existingOnly === true && !holdsHistory(home));
  // The reserves of wefts killed with -9 (run_reserve.ts) are nobody's now: their room
  // back first, before this open may need it.
  if (!readOnly) await sweepDeadReserves(home);
  const store = readOnly
    ? await openForReading(home)
    : await openForWriting(home).catch(async (e) => {
      // A verb that frees the disk must not be refused for want of the room weft holds.
      if (!options.spendReserve || !isDiskFull(e) || !await releaseReserve(home)) throw e;
      return await openForWriting(home);
    });
  if (store.locked) {
    options.onLocked?.(store.locked.holder, store.locked.read);
    if (options.recover === false) return store.store;
    // Not written (the copy is thrown away): read as recovery would write them.
    const cause = new StorageError("cannot write run history", home, store.locked);
    return withDeadRuns(store.store, await deadRuns(store.store, Deno.hostname(), cause));
  }
  if (options.recover === false || store.snapshot) return store.store;
  try {
    await recoverInterrupted(store.store, Deno.hostname(), {
      onRecovered: options.onRecovered,
      onEndedForOther: options.onEndedForOther,
      running: store.running,
    });
  } catch (e) {
    if (!readOnly) {
      store.store.close();
      throw e instanceof StorageError ? e : new StorageError("cannot write run history", home, e);
    }
    // Deno KV's own words ("Can not write to a read-only database") said as the machine's
    // fault they stand for: a test write tells a read-only mount from a full disk.
    const error = e instanceof StorageError
      ? e
      : new StorageError("cannot write run history", home, await refineFault(e, home));
    options.onRecoveryFailed?.(error);
    // Until it can be written, a run whose process is gone reads as interrupted.
    return withDeadRuns(store.store, await deadRuns(store.store, Deno.hostname(), error));
  }
  // After recovery, which ends a recorded run's tasks before removing its folder: what is
  // left are the folders of wefts that died before their run's journal named them.
  removeStrayWorkDirs();
  return store.store;
}

/**
 * Whether `home` holds a KV file (or something in its place, which the write path then
 * names): false only when nothing is there, the folder included.
 */
export function holdsHistory(home: string): boolean {
  try {
    Deno.lstatSync(kvPath(home));
    return true;
  } catch (e) {
    return !(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory);
  }
}

interface Opened {
  store: RunStore;
  /** Read from a private copy: writing it would change nothing the user sees. */
  snapshot: boolean;
  /** The runs recorded as running, when opening read them (for recovery). */
  running?: RunRecord[];
  /** Read from a copy because another process held the write lock (see onLocked). */
  locked?: LockWaitExpired;
}

/**
 * The folders, the KV file's creation and the modes are made with synchronous calls:
 * each is a single system call of a few µs, where its async form costs a hop to a
 * thread and back (~0.1-0.2 ms each, nine of them before a run can start), and nothing
 * else waits on this thread meanwhile but the run about to start.
 */
async function openForWriting(home: string): Promise<Opened> {
  const step = homeStep(home);
  await prepareHome(home);
  const kv = kvPath(home);
  // A FIFO or device there would hang or mislead SQLite: said as it is (exit 2).
  for (const file of databaseFiles(kv)) await checkDatabaseFile(file);
  await step("cannot create the history database", kv, () => createPrivateFile(kv));
  for (const file of databaseFiles(kv)) {
    await step("cannot write the history database", file, () => openableForWriting(file));
  }
  const store = await step("cannot open the history database", kv, async () => {
    try {
      return await KvRunStore.open(kv, logsPath(home));
    } catch (e) {
      // SQLite's own busy answer while opening: said with the holder, as after the wait.
      if (isBusyError(e)) throw new LockWaitExpired(0, writeLockHolder(kv), Promise.resolve());
      throw e;
    }
  });
  let running: RunRecord[];
  try {
    // The first read, as in awaitUnlocked; the one crash recovery needs first, so that
    // recovery does not read again (a round trip on every run's way to its first task).
    running = await withinLockWait(store.findRunning(), kv);
  } catch (e) {
    // Not closed: closing waits for the read still blocked on the lock (exit ends it).
    throw homeFault("cannot open the history database", kv, e);
  }
  try {
    restrictFiles(kv);
  } catch (e) {
    store.close();
    throw homeFault("cannot make the history database private", kv, e);
  }
  return { store, snapshot: false, running };
}

/**
 * A step of making the home ready (or, in `weft self-check`, of foretelling it): its
 * fault said as a {@link homeFault} naming `path` (exit 2), a vague one made precise
 * (refineFault).
 */
export function homeStep(home: string) {
  return async <T>(what: string, path: string, fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      // A full disk met by SQLite reads as "disk I/O error": find out which it is.
      throw homeFault(what, path, await refineFault(e, home));
    }
  };
}

/**
 * Makes `home` and its log folder (private) unless they are there: the one check of a
 * home every verb that writes there makes first (`weft run`, `schedule`, `daemon`), so
 * a link to nothing, a loop of links, a read-only or full disk are said alike. Throws
 * StorageError (exit 2) naming the folder and the cause (tester22 F6).
 */
export async function prepareHome(home: string): Promise<void> {
  const step = homeStep(home);
  await step("cannot create the history folder", home, () => ensurePrivateDir(home));
  await step(
    "cannot create the log folder",
    logsPath(home),
    () => ensurePrivateDir(logsPath(home)),
  );
}

async function openForReading(home: string): Promise<Opened> {
  const kv = kvPath(home);
  // Nothing recorded yet: an empty history, and nothing created for it. A folder, FIFO
  // or device in place of the database or of SQLite's side files (a folder there makes
  // Deno KV panic, a FIFO makes it wait) is said as it is (exit 2).
  if (await checkDatabaseFile(kv) === null) {
    return { store: new MemoryRunStore(logsPath(home)), snapshot: false };
  }
  for (const file of databaseFiles(kv).slice(1)) await checkDatabaseFile(file);
  let store: RunStore;
  try {
    store = await KvRunStore.open(kv, logsPath(home));
  } catch (inPlace) {
    // SQLite cannot open a WAL database where it cannot write its side files
    // (read-only mount, folder of another user): read a private copy instead.
    try {
      return { store: await openCopy(kv, logsPath(home)), snapshot: true };
    } catch {
      throw homeFault("cannot read run history", kv, inPlace);
    }
  }
  try {
    await awaitUnlocked(store, kv);
  } catch (e) {
    // Not closed now: closing waits for the read still blocked on the lock.
    if (!(e instanceof LockWaitExpired)) throw homeFault("cannot read run history", kv, e);
    // Deno KV takes the write lock before its first read (it deletes expired keys), so a
    // writer holding it (stopped, say) would keep a reader waiting: read a copy instead.
    e.read.then(() => store.close(), () => {});
    try {
      return { store: await openCopy(kv, logsPath(home)), snapshot: true, locked: e };
    } catch (copying) {
      throw homeFault("cannot read run history", kv, copying);
    }
  }
  return { store, snapshot: false };
}

/**
 * The stat of the database file `file` (weft.kv or a side file), null when there is none;
 * a WeftError (exit 2, naming it and what it is) when it is no regular file.
 */
function checkDatabaseFile(file: string): Promise<Deno.FileInfo | null> {
  return checkSmallFile(file, {
    limit: Number.MAX_SAFE_INTEGER,
    hint: "move it away: weft keeps its history there (a new one is started without it)",
  }).catch((e) => {
    if (e instanceof WeftError) throw e;
    throw homeFault("cannot read run history", file, e);
  });
}

/**
 * Reads one run, failing after kv_file.ts READ_LOCK_WAIT_MS with a "database is locked" error
 * (store/faults.ts explains it): Deno KV waits out SQLite's busy lock without a limit,
 * so a process holding weft.kv locked (an open `sqlite3` transaction) would otherwise
 * leave every weft command waiting without a word. The store cannot be closed after
 * that failure (closing waits for the blocked read): the command exits with its error.
 */
function awaitUnlocked(store: RunStore, kv: string): Promise<void> {
  return withinLockWait(store.listRuns({ limit: 1 }), kv, READ_LOCK_WAIT_MS).then(() => {});
}

/** Copies the KV file and its write-ahead log to a private temp folder and opens that. */
function openCopy(kv: string, logsDir: string): Promise<RunStore> {
  return openOnCopy(kv, (path) => KvRunStore.open(path, logsDir));
}
