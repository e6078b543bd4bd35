/**
 * Reading processes from Linux's /proc (proc(5)) and ending the process groups of a
 * crashed run without ever signalling a stranger.
 *
 * /proc/<pid>/stat fields used (1-based, as in proc(5)): 3 state, 5 pgrp, 6 session,
 * 22 starttime (clock ticks after boot). A pid is recycled only after its process is gone, and Linux
 * never hands out a pid that is still some process group's id, so:
 * - the leader still there with the recorded start time → the group is ours;
 * - the leader gone, but processes with pgrp = its pid that started no earlier than it
 *   → they are what is left of our group (a newer group with that id cannot exist while
 *   they do);
 * - anything else (the pid belongs to a process started at another time) → not ours.
 * @module
 */

/** What we read of /proc/<pid>/stat. */
export interface ProcStat {
  /** Field 3: R, S, D, Z (zombie), X (dead), ... */
  state: string;
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
  const pgrp = Number(fields[2]);
  const session = Number(fields[3]);
  const startTicks = Number(fields[19]);
  if (!fields[0] || ![pgrp, session, startTicks].every(Number.isInteger)) return null;
  return { state: fields[0], pgrp, session, startTicks };
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

/** Whether this system has a readable /proc. */
export function hasProcfs(): boolean {
  try {
    Deno.statSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

/** Pids of the live (not zombie) processes whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = readProcStat(Number(entry.name));
    if (stat && stat !== "absent" && stat.pgrp === pgid && stat.state !== "Z") {
      members.push(Number(entry.name));
    }
  }
  return members;
}

/**
 * Whether the group led by `pid`, whose leader started at `startTicks`, still has live
 * processes. False when that cannot be told apart from a recycled pid: no start time
 * recorded, no /proc (see the module comment for the rule).
 */
export function isOurGroupAlive(pid: number, startTicks: number | null): boolean {
  if (startTicks === null || pid <= 1 || !hasProcfs()) return false;
  const leader = readProcStat(pid);
  if (leader === null) return false;
  if (leader !== "absent" && leader.startTicks !== startTicks) return false;
  if (leader !== "absent" && leader.state !== "Z" && leader.state !== "X") return true;
  // The leader is gone (or a zombie): look for the rest of its group.
  for (const member of groupMembers(pid)) {
    const stat = readProcStat(member);
    if (stat && stat !== "absent" && stat.startTicks >= startTicks) return true;
  }
  return false;
}

/** A group to end: its leader's pid (= group id) and start time as recorded. */
export interface GroupRef {
  pid: number;
  startTicks: number | null;
}

/** Options of {@link endGroups}. */
export interface EndGroupsOptions {
  /** Time the groups get to exit after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Polling interval while waiting. */
  pollMs?: number;
}

/** Grace between SIGTERM and SIGKILL when recovery ends a crashed run's groups. */
export const REAP_GRACE_MS = 2_000;

/**
 * Ends the groups that are still ours (see {@link isOurGroupAlive}): SIGTERM to each
 * group, then SIGKILL to those still alive after `graceMs`. Returns how many groups
 * were alive and signalled. Never signals a group it cannot prove is ours.
 */
export async function endGroups(
  groups: GroupRef[],
  options: EndGroupsOptions = {},
): Promise<number> {
  const graceMs = options.graceMs ?? REAP_GRACE_MS;
  const pollMs = options.pollMs ?? 50;
  const alive = groups.filter((g) => isOurGroupAlive(g.pid, g.startTicks));
  for (const group of alive) signal(group.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  let left = alive;
  while (left.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    left = left.filter((g) => isOurGroupAlive(g.pid, g.startTicks));
  }
  for (const group of left) {
    if (isOurGroupAlive(group.pid, group.startTicks)) signal(group.pid, "SIGKILL");
  }
  return alive.length;
}

/** Signals a whole group; one that has just gone is fine. */
function signal(pgid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(-pgid, sig);
  } catch (e) {
    // Gone meanwhile, or not ours to signal after all: either way nothing to do.
    if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied)) throw e;
  }
}
