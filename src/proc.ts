/**
 * Reading a process's facts from Linux's /proc (proc(5)), for the store (crash recovery,
 * the group journal, run leaders) and the tasks (escaped processes, tasks/_escapes.ts):
 * neither may import the other (DESIGN.md §3), as with libc.ts.
 *
 * /proc/<pid>/stat fields used (1-based, as in proc(5)): 3 state, 4 ppid, 5 pgrp,
 * 6 session, 22 starttime (clock ticks after boot).
 * @module
 */

/** What we read of /proc/<pid>/stat. */
export interface ProcStat {
  /** Field 3: R, S, D, Z (zombie), X (dead), ... */
  state: string;
  /** Field 4: the parent's pid (0 for the kernel's own). */
  ppid: number;
  /** Field 5. */
  pgrp: number;
  /** Field 6: the session id (a session leader's own pid). */
  session: number;
  /** Field 22: start time in clock ticks after boot. */
  startTicks: number;
}

/** Parses the text of /proc/<pid>/stat; null when it is not in that format. */
export function parseProcStat(text: string): ProcStat | null {
  // Field 2 (the command) is in parentheses and may itself contain spaces or ')'.
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/); // fields[0] is field 3
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const session = Number(fields[3]);
  const startTicks = Number(fields[19]);
  if (!fields[0] || ![ppid, pgrp, session, startTicks].every(Number.isInteger)) return null;
  return { state: fields[0], ppid, pgrp, session, startTicks };
}

/**
 * /proc/<pid>/stat of a process: its stat, "absent" when there is no such process, or
 * null when it cannot be read (no /proc, no permission, unexpected format).
 */
export function readProcStat(pid: number): ProcStat | "absent" | null {
  let text: string;
  try {
    text = readSmallFile(`/proc/${pid}/stat`);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "absent" : null;
  }
  return parseProcStat(text);
}

/** One read serves a stat line (a few hundred bytes): read once per task of a run. */
const statBuffer = new Uint8Array(4096);
const decoder = new TextDecoder();

/**
 * The text of a /proc file in one read() (readTextFileSync reads /proc files, which
 * report size 0, in doubling pieces from 32 bytes: six reads for a stat line), or in
 * pieces when it does not fit. Throws what opening it threw.
 */
export function readSmallFile(path: string): string {
  const file = Deno.openSync(path);
  try {
    const n = file.readSync(statBuffer) ?? 0;
    if (n < statBuffer.length) return decoder.decode(statBuffer.subarray(0, n));
  } finally {
    file.close();
  }
  return Deno.readTextFileSync(path);
}

/**
 * The environment `pid` was exec'd with (/proc/<pid>/environ: `NAME=value` entries, each
 * ended by a NUL), or null when it cannot be read (gone, or not ours to read).
 */
export function readEnviron(pid: number): string | null {
  try {
    return readSmallFile(`/proc/${pid}/environ`);
  } catch {
    return null;
  }
}

/**
 * The value of each of `names` in the environment `pid` was exec'd with — the first
 * entry of a name, as getenv(3) reads it — or null when it cannot be read.
 */
export function environValues(
  pid: number,
  names: readonly string[],
): Map<string, string> | null {
  const environ = readEnviron(pid);
  if (environ === null) return null;
  const found = new Map<string, string>();
  for (const entry of environ.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!found.has(name) && names.includes(name)) found.set(name, entry.slice(eq + 1));
  }
  return found;
}

/**
 * This kernel's boot id (/proc/sys/kernel/random/boot_id: a random UUID made at each
 * boot, the same in every container of that kernel), or null without /proc.
 */
export function readBootId(): string | null {
  try {
    return readSmallFile("/proc/sys/kernel/random/boot_id").trim() || null;
  } catch {
    return null;
  }
}

/**
 * The PID namespace of this process, as the kernel names it (`pid:[4026531836]`, the
 * link /proc/self/ns/pid, namespaces(7)): pids mean something only within it. Null
 * where it cannot be read.
 */
export function readPidNamespace(): string | null {
  try {
    return Deno.readLinkSync("/proc/self/ns/pid");
  } catch {
    return null;
  }
}

/** When this kernel booted, in ms since the epoch (/proc/stat `btime`), or null. */
export function readBootTimeMs(): number | null {
  try {
    const match = /^btime (\d+)$/m.exec(Deno.readTextFileSync("/proc/stat"));
    return match ? Number(match[1]) * 1000 : null;
  } catch {
    return null;
  }
}
