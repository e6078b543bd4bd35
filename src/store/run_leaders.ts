/**
 * Telling a run's task processes by their environment. Weft gives every task
 * `WEFT_RUN_ID=<run>` (engine/attempt_context.ts) and starts it as the leader of a new
 * session (tasks/spawner.ts, tasks/spawn_ffi.ts), so its leader has pid = process group
 * id = session id, and /proc/<pid>/environ (proc(5): the environment the process was
 * exec'd with, NUL-separated) names the run: a task can change its own variables but not
 * what that file shows, short of exec'ing another program.
 *
 * Recovery uses this twice: to prove a journaled group whose start time the crash kept
 * from the journal (group_journal.ts), and to find what a crashed run left running that
 * the journal does not name: the groups it started but had not journaled yet (a group
 * is journaled once it ran for a few ms, group_journal.ts, and a SIGKILL can land
 * before), and what left a task's group — a `set -m` job, a `setsid` or
 * double-forked child — which the live weft ends at the task's end (tasks/_escapes.ts)
 * and a crash leaves behind. Its environment still names the run: the variables are
 * inherited through fork and exec.
 * @module
 */
import type { GroupRef } from "./process_groups.ts";
import { environValues, type ProcStat, readEnviron, readProcStat } from "../proc.ts";

/** Whether the environment of `pid` holds exactly `WEFT_RUN_ID=<runId>`; false when unreadable. */
function environNamesRun(pid: number, runId: string): boolean {
  const environ = readEnviron(pid); // null: gone, or not ours to read
  return environ !== null && `\0${environ}`.includes(`\0WEFT_RUN_ID=${runId}\0`);
}

/**
 * The value of variable `name` in the environment `pid` was exec'd with (the first, as
 * getenv(3) reads it), or null when it has none or it cannot be read (gone, not ours).
 */
export function environValue(pid: number, name: string): string | null {
  return environValues(pid, [name])?.get(name) ?? null;
}

/**
 * The start ticks of the live process `pid` if its environment holds
 * `WEFT_RUN_ID=<runId>`, else null. `before` is its stat when already read.
 */
export function leaderTicksIfOfRun(
  pid: number,
  runId: string,
  before: ProcStat | "absent" | null = readProcStat(pid),
): number | null {
  if (before === null || before === "absent") return null;
  if (!environNamesRun(pid, runId)) return null;
  // The same process throughout: the pid was not recycled between the two reads.
  const after = readProcStat(pid);
  return after !== null && after !== "absent" && after.startTicks === before.startTicks
    ? before.startTicks
    : null;
}

/**
 * The live processes of run `runId` found in /proc, in one pass: those of this user
 * (`uid`, default Deno.uid(); null: any) whose environment names the run, not zombies,
 * each with its start ticks as proof (see process_groups.ts). One that leads its process
 * group (a task's session leader, a `set -m` job) is given as its group; any other (what
 * a `setsid` or a double fork left in a group whose leader is gone) as itself
 * (`alone`), unless a group found holds it. Never this process's session (a task of the
 * crashed run may be the one recovering it) nor one of its ancestors. Empty without a
 * readable /proc. Reads every process's stat: call it only for a run known to have
 * crashed.
 */
export function findRunProcesses(runId: string, uid: number | null = Deno.uid()): GroupRef[] {
  const own = readProcStat(Deno.pid);
  const ownSession = own && own !== "absent" ? own.session : Deno.pid;
  const ancestors = ancestorsOf(Deno.pid);
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync("/proc")];
  } catch {
    return [];
  }
  const groups: GroupRef[] = [];
  const alone: GroupRef[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    if (pid <= 1 || pid === Deno.pid || ancestors.has(pid)) continue;
    const stat = readProcStat(pid);
    if (stat === null || stat === "absent") continue;
    if (stat.session === ownSession || stat.state === "Z" || stat.state === "X") continue;
    if (uid !== null && !ownedBy(pid, uid)) continue;
    const startTicks = leaderTicksIfOfRun(pid, runId, stat);
    if (startTicks === null) continue;
    if (stat.pgrp === pid) groups.push({ pid, startTicks });
    else alone.push({ pid, startTicks, alone: true, pgrp: stat.pgrp });
  }
  const led = new Set(groups.map((group) => group.pid));
  return [...groups, ...alone.filter((a) => !led.has(a.pgrp!))];
}

/**
 * `groups` without those that hold this process or one of its ancestors: a command run
 * inside a task of the crashed run (a `weft status` in a script) must not end the group
 * it runs in, nor the task that started it, before it has marked the run. Those go on
 * until they end by themselves; everything else of the run is ended.
 */
export function spareOwnLine(groups: readonly GroupRef[]): GroupRef[] {
  const line = new Set([Deno.pid, ...ancestorsOf(Deno.pid)]);
  // The groups (and sessions) this process and its ancestors are in.
  const lineGroups = new Set<number>();
  for (const pid of line) {
    const stat = readProcStat(pid);
    if (stat && stat !== "absent") lineGroups.add(stat.pgrp).add(stat.session);
  }
  return groups.filter((ref) => !line.has(ref.pid) && (ref.alone || !lineGroups.has(ref.pid)));
}

/** The pids `pid` descends from (its parent, the parent's parent, ... up to init). */
function ancestorsOf(pid: number): Set<number> {
  const found = new Set<number>();
  for (let at = pid; at > 1 && found.size < 4096;) {
    const stat = readProcStat(at);
    if (stat === null || stat === "absent" || found.has(stat.ppid)) break;
    at = stat.ppid;
    found.add(at);
  }
  return found;
}

/** Whether /proc/<pid> belongs to `uid` (the process's real owner); false when gone. */
function ownedBy(pid: number, uid: number): boolean {
  try {
    return Deno.statSync(`/proc/${pid}`).uid === uid;
  } catch {
    return false;
  }
}
