/**
 * The space reserve: a small file (`WEFT_HOME/weft.reserve`, {@link RESERVE_BYTES})
 * held so that a run stopped by a full disk can still be recorded as `failed`. When a
 * write fails because the disk is full, the recorder's owner releases (deletes) it
 * before the final records are written; the next run (`weft run`, or one `weft daemon`
 * starts, which also makes it when it starts) that finds room makes it again. The
 * technique is the "ballast file" kept by databases and log servers.
 *
 * The bytes are random, so compressing or deduplicating file systems still allocate
 * them. Making it is best-effort, but a run is not started where a full disk leaves no
 * room for it (store/open.ts): such a run could not be sure to record its end.
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
 * Makes the reserve in `home` (an existing folder) unless it is there; resolves to null
 * when it is there afterwards, else to the error that kept it from being made (e.g.
 * ENOSPC: the disk has not even {@link RESERVE_BYTES} left, so a run started now could
 * not be sure to record its end; or a WeftError when `weft.reserve` is a symbolic link or
 * no regular file, small_file.ts checkOwnFile: weft never writes through it). Never
 * throws, and leaves no half-written reserve: it is written under a new name
 * (O_EXCL: no link followed) and renamed into place.
 */
export async function makeReserve(home: string): Promise<unknown> {
  const path = reservePath(home);
  try {
    // Synchronous: one lstat of a few µs on a run's way to its first task (store/open.ts).
    const info = checkOwnFile(path, "remove it: weft makes its own weft.reserve");
    if (info !== null && info.size >= RESERVE_BYTES) return null;
  } catch (e) {
    return e;
  }
  const bytes = new Uint8Array(RESERVE_BYTES);
  // getRandomValues fills at most 64 KiB per call (Web Crypto's limit).
  for (let at = 0; at < bytes.length; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, at + 65536));
  }
  const temporary = `${path}.${Deno.pid}.tmp`;
  try {
    await Deno.remove(temporary).catch(() => {}); // left by a crash of this pid
    await Deno.writeFile(temporary, bytes, { createNew: true, mode: 0o600 });
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

/** Deletes the reserve in `home` to give its space back; resolves to whether there was one. */
export async function releaseReserve(home: string): Promise<boolean> {
  try {
    await Deno.remove(reservePath(home));
    return true;
  } catch {
    return false;
  }
}
