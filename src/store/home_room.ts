/**
 * Whether a run would find room in a WEFT_HOME, told without making anything there (for
 * `weft self-check`: a check creates nothing, verifier V2 F3). A run that starts makes
 * the history database when there is none and a space reserve (run_reserve.ts) when
 * weft.reserve is missing; here the room those need is compared with what the file
 * system says is free.
 *
 * Deno has no statfs: glibc's statvfs is called through FFI (libc.ts). Without FFI, a
 * temporary file of the bytes needed is written and removed again, and only inside a
 * home that is there already and belongs to this user (never in another user's).
 * @module
 */
import { cString, declareLibcOnce } from "../libc.ts";
import { RESERVE_BYTES } from "./reserve.ts";

/**
 * Bytes a new history database takes on its first run: weft.kv, its write-ahead log and
 * its shared-memory file (~100 KiB measured on tmpfs, where the last counts as well).
 */
export const NEW_HISTORY_BYTES = 100 * 1024;
/**
 * Bytes opening a history that has no write-ahead log takes: SQLite makes its
 * shared-memory file (32 KiB) and the log's first frames.
 */
export const OPEN_HISTORY_BYTES = 64 * 1024;

const calls = declareLibcOnce({ statvfs: { parameters: ["buffer", "buffer"], result: "i32" } });

/**
 * Bytes free for this user on the file system holding `path` (an existing path), from
 * statvfs: `f_bavail × f_frsize`, or `f_bfree × f_frsize` for root (who may use the
 * blocks kept for root). Null when it cannot be told (not 64-bit Linux with glibc, no
 * FFI permission, the call failed).
 */
export function freeBytes(path: string): number | null {
  if (Deno.build.os !== "linux" || !["x86_64", "aarch64"].includes(Deno.build.arch)) return null;
  const c = calls();
  if (!c || path.includes("\0")) return null;
  // struct statvfs on 64-bit Linux: 11 unsigned longs, then int __f_spare[6] (112 bytes).
  const buffer = new Uint8Array(128);
  if (c.statvfs(cString(path), buffer) !== 0) return null;
  const view = new DataView(buffer.buffer);
  const frsize = view.getBigUint64(8, true);
  const blocks = view.getBigUint64(Deno.uid() === 0 ? 24 : 32, true);
  return Number(frsize * blocks);
}

/**
 * Whether `bytes` more fit on the file system of `home`'s nearest existing folder
 * (`at`): by {@link freeBytes}, else by a temporary file of that size written in `home`
 * and removed (only when `home` is `at` and belongs to this user). Null when it cannot
 * be told. Never throws.
 */
export async function roomFor(home: string, at: string, bytes: number): Promise<boolean | null> {
  if (bytes <= 0) return true;
  const free = freeBytes(at);
  if (free !== null) return free >= bytes;
  try {
    if (home !== at || Deno.statSync(home).uid !== Deno.uid()) return null;
  } catch {
    return null;
  }
  const probe = `${home}/.self-check-room-${crypto.randomUUID()}`;
  try {
    const data = new Uint8Array(bytes);
    for (let i = 0; i < data.length; i += 65536) {
      crypto.getRandomValues(data.subarray(i, i + 65536)); // compressing file systems too
    }
    await Deno.writeFile(probe, data, { createNew: true, mode: 0o600 });
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === "ENOSPC" || code === "EDQUOT" ? false : null;
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
}

/**
 * Bytes a run starting in a home takes before its first task to open its history at
 * `kv` (weft.kv): a new database when there is none, SQLite's side files when there is
 * no write-ahead log or no whole 32 KiB shared-memory file, nothing more otherwise.
 */
export function openingNeeds(kv: string): number {
  if (sizeOf(kv) === null) return NEW_HISTORY_BYTES;
  const open = sizeOf(`${kv}-wal`) !== null && (sizeOf(`${kv}-shm`) ?? 0) >= SHM_BYTES;
  return open ? 0 : OPEN_HISTORY_BYTES;
}

/** SQLite's shared-memory file of a database opened in WAL mode. */
const SHM_BYTES = 32 * 1024;

/** The size of what `path` names (not followed if a link), or null when nothing is there. */
function sizeOf(path: string): number | null {
  try {
    return Deno.lstatSync(path).size;
  } catch {
    return null;
  }
}

/** Bytes weft.reserve takes to make, given the size of the one there (null: none). */
export function reserveNeeds(reserveSize: number | null): number {
  // A whole one is taken as it is; else the run makes one whole under a name of its own
  // (run_reserve.ts holdReserve).
  return reserveSize !== null && reserveSize >= RESERVE_BYTES ? 0 : RESERVE_BYTES;
}
