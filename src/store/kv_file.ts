/**
 * The history database's file (weft.kv) and SQLite's side files (-wal, -shm), as
 * opening the store checks them: created private, writable before anything runs, made
 * private without adding bits, and a first read that gives up on another process's lock
 * after {@link LOCK_WAIT_MS} (see open.ts, which runs these in order).
 * @module
 */
import { isKvOpenHere } from "./kv_handles.ts";
import { formatDuration } from "../model/duration.ts";
import { holderText, type LockHolder, writeLockHolder } from "./kv_lock_holder.ts";

/** How long opening the history for writing waits for another process's lock on it, in ms. */
export const LOCK_WAIT_MS = 10_000;

/**
 * How long a verb that only reads waits for the lock before reading what is committed
 * from a copy instead (open.ts): a write of weft's holds it for milliseconds, so only a
 * writer that is stopped (Ctrl-Z, a debugger) or stuck holds it this long; 3 s rather than
 * 1 s leaves room for a writer slowed by a loaded machine (a CI runner), whose readers would
 * otherwise read a copy and say so without need.
 */
export const READ_LOCK_WAIT_MS = 3_000;

/**
 * The error {@link withinLockWait} rejects with once the wait is over: `holder` is the
 * process holding the lock when it could be found (kv_lock_holder.ts), and `read` the
 * read still waiting, which settles once the lock is let go.
 */
export class LockWaitExpired extends Error {
  constructor(
    readonly waitedMs: number,
    readonly holder: LockHolder | null,
    readonly read: Promise<unknown>,
  ) {
    super(
      `database is locked (${waitedMs ? `waited ${formatDuration(waitedMs)}` : "busy"}${
        holder ? `; held by ${holderText(holder)}` : ""
      })`,
    );
    this.name = "LockWaitExpired";
  }

  /** Closes what the read waits in, once it is back (set by the opener; no-op here). */
  close: () => void = () => {};
}

/**
 * `read` (a first read of the KV file `kv`), or a {@link LockWaitExpired} once it has
 * taken `waitMs`: why, see open.ts awaitUnlocked.
 */
export async function withinLockWait<T>(
  read: Promise<T>,
  kv: string,
  waitMs: number = LOCK_WAIT_MS,
): Promise<T> {
  // Timed by Atomics.waitAsync, not setTimeout: the first timer of a process loads
  // Deno's timers (~5 ms of CPU), which every command would pay here before its first
  // record. The wait keeps nothing alive, and is woken (ended) once the read is back.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const wait = Atomics.waitAsync(cell, 0, 0, waitMs);
  const expired = (wait.async ? wait.value : Promise.resolve(wait.value)).then((how) => {
    if (how === "timed-out") throw new LockWaitExpired(waitMs, writeLockHolder(kv), read);
    return new Promise<never>(() => {}); // woken: the read won
  });
  try {
    return await Promise.race([read, expired]);
  } finally {
    Atomics.notify(cell, 0);
  }
}

/**
 * Creates the KV file empty with mode 0600 before SQLite opens it (an empty file is an
 * empty database), so it is never readable by others, and SQLite gives its -wal and
 * -shm files the same mode.
 */
export function createPrivateFile(path: string): void {
  try {
    Deno.openSync(path, { write: true, createNew: true, mode: 0o600 }).close();
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
}

/** The KV file at `path` and SQLite's side files beside it (`-wal`, `-shm`). */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/**
 * Opens `file`, if it exists, for writing and closes it, changing nothing: SQLite opens a
 * file it cannot write (mode 0444, `chattr +i`, another owner) read-only without a word
 * and fails at the first write, which for a run is after its tasks have started.
 * Throws the OS error (PermissionDenied, …); a missing file is fine (SQLite creates it).
 * Skipped for a database this process has open (see kv_handles.ts).
 */
export function openableForWriting(file: string): void {
  // Held open here already (the daemon's stores): opening and closing it would drop
  // SQLite's locks (kv_handles.ts); and it was checked when first opened.
  if (isKvOpenHere(file.replace(/-(wal|shm)$/, ""))) return;
  try {
    Deno.openSync(file, { write: true }).close();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Makes the KV file and SQLite's side files readable by the owner only, taking away the
 * group's and others' bits and adding none: a file the user made read-only stays so.
 */
export function restrictFiles(path: string): void {
  if (Deno.build.os === "windows") return;
  for (const file of databaseFiles(path)) {
    try {
      // The file itself: a link's target is not weft's to change (checkOwnFile refuses it).
      const info = Deno.lstatSync(file);
      if (!info.isFile) continue;
      const mode = info.mode ?? 0;
      if ((mode & 0o077) !== 0) Deno.chmodSync(file, mode & 0o700);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}
