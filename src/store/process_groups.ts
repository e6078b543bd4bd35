/**
 * Reading processes from Linux's /proc (proc(5)) and ending the process groups of a
 * crashed run without ever signalling a stranger.
 *
 * A process's stat is read by ../proc.ts. A pid is recycled only after its process is
 * gone, and Linux never hands out a pid that is still some process group's id, so:
 * - the leader still there with the recorded start time → the group is ours;
 * - the leader gone, but processes with pgrp = its pid that started no earlier than it
 *   → they are what is left of our group (a newer group with that id cannot exist while
 *   they do);
 * - anything else (the pid belongs to a process started at another time) → not ours.
 * @module
 */
import { readProcStat } from "../proc.ts";

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

/**
 * A group to end: its leader's pid (= group id) and start time as recorded. With
 * `alone`, one process to end by itself (pid and start time): one of a crashed run's
 * that is in a group it does not lead (run_leaders.ts).
 */
export interface GroupRef {
  pid: number;
  startTicks: number | null;
  alone?: boolean;
  /** For one `alone`, found in /proc (run_leaders.ts): the group it was in then. */
  pgrp?: number;
}

/**
 * Whether `ref` is still there to end: its group ({@link isOurGroupAlive}), or for one
 * `alone`, the process with that start time, not a zombie.
 */
function isOurs(ref: GroupRef): boolean {
  if (!ref.alone) return isOurGroupAlive(ref.pid, ref.startTicks);
  if (ref.startTicks === null || ref.pid <= 1) return false;
  const stat = readProcStat(ref.pid);
  return stat !== null && stat !== "absent" && stat.startTicks === ref.startTicks &&
    stat.state !== "Z" && stat.state !== "X";
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
 * Ends the groups that are still ours (see {@link isOurGroupAlive}), and the processes
 * `alone` that are: SIGTERM to each, then SIGKILL to those still alive after `graceMs`.
 * Returns how many were alive and signalled. Never signals what it cannot prove is ours.
 */
export async function endGroups(
  groups: GroupRef[],
  options: EndGroupsOptions = {},
): Promise<number> {
  const graceMs = options.graceMs ?? REAP_GRACE_MS;
  const pollMs = options.pollMs ?? 50;
  const alive = groups.filter(isOurs);
  for (const group of alive) signal(group, "SIGTERM");
  const deadline = Date.now() + graceMs;
  let left = alive;
  while (left.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    left = left.filter(isOurs);
  }
  for (const group of left) {
    if (isOurs(group)) signal(group, "SIGKILL");
  }
  return alive.length;
}

/** Signals a whole group, or a process `alone`; one that has just gone is fine. */
function signal(ref: GroupRef, sig: Deno.Signal): void {
  try {
    Deno.kill(ref.alone ? ref.pid : -ref.pid, sig);
  } catch (e) {
    // Gone meanwhile, or not ours to signal after all: either way nothing to do.
    if (!(e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied)) throw e;
  }
}
