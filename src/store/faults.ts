/**
 * Faults of the machine in plain words: what an OS or database error means for the
 * person at the terminal, and what they can do about it. The one place that knows
 * errno codes (ENOSPC, EROFS, EACCES, ...) and SQLite's messages ("database or disk is
 * full", "database is locked"); the store wraps its I/O errors here with the path they
 * concern, and the CLI (cli/main.ts) maps any stray one the same way, so no fault the
 * machine caused is reported as an internal error.
 *
 * Codes are POSIX errno names as Deno puts them on `error.code` (see `man 3 errno`);
 * the SQLite texts are sqlite3_errstr() results (https://sqlite.org/rescode.html).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { formatDuration } from "../model/duration.ts";
import { HEARTBEAT_FRESH_MS } from "./heartbeat.ts";
import { RunSettledError } from "./settled.ts";
import { NotRegularFileError } from "./regular_open.ts";
import { LockWaitExpired } from "./kv_file.ts";
import { holderText } from "./kv_lock_holder.ts";

/** A fault explained: `reason` completes "cannot write X: …"; `hint` says what to do. */
export interface FaultText {
  reason: string;
  hint: string;
}

/** The setting that chooses the folder of weft's own files (history, logs). */
export const HOME_SETTING = "WEFT_HOME (or --home)";

/**
 * A fault's words. With `elsewhere`, moving to another folder is a way out, and the
 * hint names the setting that chose the path — only that one: a bad `TMPDIR` is not
 * fixed by moving WEFT_HOME (see {@link describeFault}).
 */
interface FaultEntry extends FaultText {
  elsewhere?: true;
}

const BY_CODE: Record<string, FaultEntry> = {
  ENOSPC: { reason: "no space left on the device", hint: "free some space there", elsewhere: true },
  EDQUOT: { reason: "disk quota exceeded", hint: "free some space there", elsewhere: true },
  EFBIG: {
    reason: "the file is too large for its file system",
    hint: "use another file system",
    elsewhere: true,
  },
  EROFS: { reason: "the file system is read-only", hint: "remount it writable", elsewhere: true },
  EACCES: { reason: "permission denied", hint: "check the owner and mode", elsewhere: true },
  EPERM: { reason: "operation not permitted", hint: "check the owner and mode", elsewhere: true },
  ENOENT: { reason: "no such file or folder", hint: "check the path" },
  ENOTDIR: {
    reason: "a part of the path is a file, not a folder",
    hint: "move that file away",
    elsewhere: true,
  },
  EISDIR: { reason: "it is a folder, not a file", hint: "give the path of a file" },
  EEXIST: { reason: "it exists and is not a folder", hint: "move it away", elsewhere: true },
  EIO: {
    reason: "input/output error (the disk or its connection may be failing)",
    hint: "check the disk (e.g. dmesg), then try again",
  },
  EMFILE: {
    reason: "too many open files",
    hint: "raise the limit (ulimit -n) or lower max_parallel",
  },
  ENFILE: { reason: "too many open files on the system", hint: "lower max_parallel and try again" },
  ENAMETOOLONG: { reason: "the path is too long", hint: "use a shorter path", elsewhere: true },
  ELOOP: { reason: "too many symbolic links in the path", hint: "check the links in the path" },
};

/** SQLite's "unable to open database file": no errno, so the cause is unknown. */
const CANNOT_OPEN: FaultEntry = {
  reason: "the history database cannot be opened",
  hint: "check that the folder and weft.kv can be read and written",
  elsewhere: true,
};

/**
 * SQLite's "attempt to write a readonly database": a read-only mount, or a weft.kv or
 * folder (where its journal goes) this user may not write — a permission problem as
 * often (a root-owned home): {@link refineFault}'s test write tells which.
 */
const READONLY_DB: FaultEntry = {
  reason: "the history database cannot be written",
  hint: "check that the folder and weft.kv can be written (owner and mode)",
  elsewhere: true,
};

/** What a failed test write can tell of a vague fault (see {@link refineFault}). */
const PROBED = ["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM"];

const BY_MESSAGE: [RegExp, FaultEntry][] = [
  [/database or disk is full|no space left on device/i, BY_CODE.ENOSPC],
  [/read-only file system/i, BY_CODE.EROFS],
  [/attempt to write a readonly database|can ?not write to a read-?only database/i, READONLY_DB],
  [/database is locked|database table is locked/i, {
    reason: "the history database stayed locked by another process",
    hint: "try again once the other weft command (or whatever holds weft.kv open) has finished",
  }],
  [/database disk image is malformed|file is not a database/i, {
    reason: "the history database is damaged",
    hint: "move weft.kv aside to start a new history (sqlite3 can inspect the old one)",
  }],
  [/unable to open database file/i, CANNOT_OPEN],
  [/disk I\/O error|input\/output error/i, BY_CODE.EIO],
  [/permission denied/i, BY_CODE.EACCES],
];

/**
 * Explains an error that came from the machine (an OS error with an errno `code`, or a
 * SQLite error text), or returns null for anything else (a bug, a user error). Where
 * another folder is a way out, the hint names `setting`, the one that chose the path
 * (`TMPDIR`; by default {@link HOME_SETTING}); with null (the path's origin is not
 * known) it names none. A run another weft marked interrupted (settled.ts) is explained
 * here too: to the recorder it is as final as a fault of the machine.
 * @example describeFault(Object.assign(new Error("No space left…"), { code: "ENOSPC" }))
 *   // { reason: "no space left on the device", hint: "free some space there, or point WEFT_HOME (or --home) at another folder" }
 */
export function describeFault(
  error: unknown,
  setting: string | null = HOME_SETTING,
): FaultText | null {
  if (error instanceof RunSettledError) {
    // Not the machine's, but as final for this run: nothing more of it can be recorded.
    return {
      reason: error.message,
      hint: `it stays interrupted in history (\`weft status ${error.runId}\`): a weft not ` +
        `heard from for ${formatDuration(HEARTBEAT_FRESH_MS)} (stopped, frozen) is taken for dead`,
    };
  }
  if (error instanceof NotRegularFileError) {
    // A log replaced by a FIFO or a device (regular_open.ts): what weft wrote is not there.
    return { reason: error.message, hint: "move it away: weft writes its own files there" };
  }
  if (error instanceof LockWaitExpired && error.holder) {
    // Named, so the user knows which process to resume or end (kv_lock_holder.ts).
    const { pid, stopped } = error.holder;
    return {
      reason: `the history database stayed locked by another process (${holderText(error.holder)})`,
      hint: stopped
        ? `it is stopped (Ctrl-Z, a debugger): resume it (\`fg\` in its terminal, or \`kill -CONT ${pid}\`) or end it, then try again`
        : `try again once process ${pid} (another weft command, or whatever holds weft.kv open) has finished`,
    };
  }
  const entry = faultEntry(error);
  if (!entry) return null;
  const { reason, hint, elsewhere } = entry;
  return {
    reason,
    hint: elsewhere && setting ? `${hint}, or point ${setting} at another folder` : hint,
  };
}

function faultEntry(error: unknown): FaultEntry | null {
  if (error === null || typeof error !== "object") return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code in BY_CODE) return BY_CODE[code];
  const message = error instanceof Error ? error.message : "";
  for (const [pattern, text] of BY_MESSAGE) if (pattern.test(message)) return text;
  return null;
}

/** Bytes the probe of {@link refineFault} writes: more than a tmpfs or ext4 keeps spare. */
const PROBE_BYTES = 64 * 1024;

/**
 * Makes a vague fault precise: SQLite (hence Deno KV's openKv) reports a full disk met
 * while opening its database as a plain "disk I/O error", and a read-only folder as
 * "unable to open database file" or "attempt to write a readonly database" (also said for
 * a folder or file it may not write), with no errno; and Deno has no statfs. When `error`
 * reads as one of these, this writes a uniquely named 64 KiB test file in `folder` (an
 * existing folder) and removes it again (a full tmpfs leaves it empty); if that write
 * fails with ENOSPC, EDQUOT, EROFS, EACCES or EPERM, resolves to an error carrying that
 * code (message: the original one plus what the test found; cause: the original), so
 * {@link describeFault} says "no space left on the device", "the file system is
 * read-only", "permission denied", ... and {@link isDiskFull} is true for a full disk. Any other error, or a
 * probe that succeeds or fails otherwise, resolves to `error` unchanged. Never throws.
 */
export async function refineFault(error: unknown, folder: string): Promise<unknown> {
  const entry = faultEntry(error);
  if (entry !== BY_CODE.EIO && entry !== CANNOT_OPEN && entry !== READONLY_DB) return error;
  const probe = `${folder}/.weft-space-probe-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(PROBE_BYTES), { createNew: true, mode: 0o600 });
    return error;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string" || !PROBED.includes(code)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return Object.assign(
      new Error(`${message} (a test write in ${folder} failed: ${BY_CODE[code].reason})`, {
        cause: error,
      }),
      { code },
    );
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
}

/**
 * The operation and path Deno names at the end of an OS error message
 * (`"… (os error 30): mkdir '/x'"`), or null when it names none.
 */
export function faultPath(error: unknown): { op: string; path: string } | null {
  const message = error instanceof Error ? error.message : "";
  const match = /\(os error \d+\): (\w+) '(.*?)'(?: -> '.*')?$/.exec(message);
  return match ? { op: match[1], path: match[2] } : null;
}

/**
 * A fault of the machine while weft used one of its own files: says what failed
 * (`what`, e.g. "cannot write the log"), at which path, why, and what to do. It is a
 * WeftError, so the CLI prints it as `path: what: reason` plus a hint, no stack.
 */
export class StorageError extends WeftError {
  /** Why, in plain words (the OS message when the fault is not a known one). */
  readonly reason: string;

  constructor(
    readonly what: string,
    readonly path: string,
    override readonly cause: unknown,
    exitCode: number = ExitCode.Failed,
  ) {
    const text = describeFault(cause);
    const reason = text?.reason ?? (cause instanceof Error ? cause.message : String(cause));
    super([{ file: path, message: `${what}: ${reason}`, hint: text?.hint }], { exitCode, cause });
    this.name = "StorageError";
    this.reason = reason;
  }

  /** One line for a report or a record: `what (path): reason`. */
  get summary(): string {
    return `${this.what} (${this.path}): ${this.reason}`;
  }
}

/** Whether `error` (or the cause of a StorageError) says the disk or a quota is full. */
export function isDiskFull(error: unknown): boolean {
  const entry = faultEntry(error instanceof StorageError ? error.cause : error);
  return entry === BY_CODE.ENOSPC || entry === BY_CODE.EDQUOT;
}

/** Whether `error` is a fault of the machine that {@link describeFault} explains. */
export function isFault(error: unknown): boolean {
  return error instanceof StorageError || describeFault(error) !== null;
}
