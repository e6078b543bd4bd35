/**
 * The space reserve: a small file ({@link RESERVE_BYTES}) held so that a run stopped by a
 * full disk can still be recorded as `failed`. When a write fails because the disk is
 * full, the recorder's owner releases (deletes) it before the final records are written.
 * Each run in flight holds one of its own (run_reserve.ts); between runs the home keeps
 * one idle, `WEFT_HOME/weft.reserve` (made by `weft daemon` as it starts, handed back by
 * each run that did not spend its own), which the next run takes, and which the verbs that
 * free space spend (store/open.ts `spendReserve`). The technique is the "ballast file" kept
 * by databases and log servers.
 *
 * The bytes are random, so compressing or deduplicating file systems still allocate
 * them. Making it is best-effort, but a run is not started where a full disk leaves no
 * room for it (run_reserve.ts): such a run could not be sure to record its end.
 * @module
 */
import { removeStaleTemporaries } from "../stale_temporaries.ts";
import { checkOwnFile } from "./small_file.ts";

/** Size of the reserve: room for the final record of a run of a few hundred tasks. */
export const RESERVE_BYTES = 128 * 1024;

/** The reserve file inside a WEFT_HOME folder. */
export function reservePath(home: string): string {
  return `${home}/weft.reserve`;
}

/**
 * Makes the idle reserve in `home` (an existing folder) unless it is there: `weft daemon`
 * as it starts, so that a disk that fills before its first run still leaves room to record
 * that run. Resolves to null when it is there afterwards, else to the error that kept it
 * from being made (e.g. ENOSPC: the disk has not even {@link RESERVE_BYTES} left, so a run
 * started now could not be sure to record its end; or a WeftError when `weft.reserve` is a
 * symbolic link or no regular file, small_file.ts checkOwnFile: weft never writes through
 * it). Never throws, and leaves no half-written reserve: it is written under a new name
 * (O_EXCL: no link followed) and renamed into place.
 */
export async function makeReserve(home: string): Promise<unknown> {
  const path = reservePath(home);
  try {
    const info = checkOwnFile(path, "remove it: weft makes its own weft.reserve");
    if (info !== null && info.size >= RESERVE_BYTES) return null;
  } catch (e) {
    return e;
  }
  const temporary = `${path}.${Deno.pid}.tmp`;
  await Deno.remove(temporary).catch(() => {}); // left by a crash of this pid
  const failed = await writeReserveFile(temporary);
  if (failed !== null) return failed;
  try {
    await Deno.rename(temporary, path);
    // Another weft killed mid-write left its own (stale_temporaries.ts).
    const name = path.slice(path.lastIndexOf("/") + 1);
    await removeStaleTemporaries(path.slice(0, path.lastIndexOf("/")), (base) => base === name);
    return null;
  } catch (e) {
    await Deno.remove(temporary).catch(() => {});
    return e;
  }
}

/**
 * Writes a new reserve file (private, {@link RESERVE_BYTES} random bytes) at `path`, where
 * nothing is (O_EXCL: no link followed); resolves to null, or to the error that kept it
 * from being written whole (e.g. ENOSPC), nothing being left at `path` then.
 */
export async function writeReserveFile(path: string): Promise<unknown> {
  const bytes = new Uint8Array(RESERVE_BYTES);
  // getRandomValues fills at most 64 KiB per call (Web Crypto's limit).
  for (let at = 0; at < bytes.length; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, at + 65536));
  }
  try {
    await Deno.writeFile(path, bytes, { createNew: true, mode: 0o600 });
    return null;
  } catch (e) {
    // Not when it was there already: that file is not this write's.
    if (!(e instanceof Deno.errors.AlreadyExists)) await Deno.remove(path).catch(() => {});
    return e;
  }
}

/**
 * Deletes the idle reserve in `home` to give its space back (not one a run holds,
 * run_reserve.ts); resolves to whether there was one.
 */
export async function releaseReserve(home: string): Promise<boolean> {
  try {
    await Deno.remove(reservePath(home));
    return true;
  } catch {
    return false;
  }
}
