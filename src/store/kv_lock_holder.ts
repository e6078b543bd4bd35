/**
 * Who holds weft.kv's write lock, to name them when weft gives up waiting for it
 * (kv_file.ts withinLockWait). SQLite in WAL mode takes its write lock as a POSIX
 * record lock on byte 120 of the `-shm` file (sqlite.org/walformat.html, "WAL_WRITE_LOCK"),
 * which Linux lists in /proc/locks with the holder's pid; a stopped holder (Ctrl-Z,
 * a debugger) is said as such, since it never lets go by itself. Linux only: elsewhere,
 * or when /proc cannot be read, the holder is unknown (null).
 * @module
 */

/** The byte of the -shm file whose lock is SQLite's WAL write lock. */
const WAL_WRITE_LOCK_BYTE = 120;

/** The process holding the write lock: its pid, and whether it is stopped (state T). */
export interface LockHolder {
  pid: number;
  stopped: boolean;
}

/** `holder` in words: "pid 123" or "pid 123, stopped". */
export function holderText(holder: LockHolder): string {
  return `pid ${holder.pid}${holder.stopped ? ", stopped" : ""}`;
}

/**
 * The process holding the write lock of the KV file `kv` (from /proc/locks), or null
 * when none is found or this is not Linux. Never throws.
 */
export function writeLockHolder(kv: string): LockHolder | null {
  if (Deno.build.os !== "linux") return null;
  try {
    const shm = Deno.statSync(`${kv}-shm`);
    const device = `${hex(major(shm.dev))}:${hex(minor(shm.dev))}:${shm.ino}`;
    for (const line of Deno.readTextFileSync("/proc/locks").split("\n")) {
      // "7: POSIX  ADVISORY  WRITE 8665 fe:00:2516788 120 120"; "7: -> POSIX …" waits.
      const fields = line.trim().split(/\s+/);
      if (fields[1] === "->" || fields[3] !== "WRITE" || fields[5] !== device) continue;
      const start = Number(fields[6]);
      const end = fields[7] === "EOF" ? Infinity : Number(fields[7]);
      if (start > WAL_WRITE_LOCK_BYTE || end < WAL_WRITE_LOCK_BYTE) continue;
      const pid = Number(fields[4]);
      if (Number.isSafeInteger(pid) && pid > 0) return { pid, stopped: isStopped(pid) };
    }
  } catch { /* no -shm (no WAL), no /proc: unknown */ }
  return null;
}

/** Whether process `pid` is stopped (/proc/PID/stat state T, or t when traced). */
function isStopped(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // "pid (comm) S …": comm may hold spaces and parentheses, the state follows the last ")".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "T" || state === "t";
  } catch {
    return false;
  }
}

/** /proc/locks prints device numbers as two hex digits at least. */
function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}

// Linux's dev_t encoding (glibc's gnu_dev_major/minor); Deno gives dev as a number.
function major(dev: number | null): number {
  const d = BigInt(dev ?? 0);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
}

function minor(dev: number | null): number {
  const d = BigInt(dev ?? 0);
  return Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
}
