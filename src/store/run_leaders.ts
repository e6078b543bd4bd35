/**
 * Telling a run's task processes by their environment. Weft gives every task
 * `WEFT_RUN_ID=<run>` (engine/attempt_context.ts) and starts it as the leader of a new
 * session (tasks/spawner.ts, tasks/spawn_ffi.ts), so its leader has pid = process group
 * id = session id, and /proc/<pid>/environ (proc(5): the environment the process was
 * exec'd with, NUL-separated) names the run: a task can change its own variables but not
 * what that file shows, short of exec'ing another program.
 *
 * Recovery uses this twice: to prove a journaled group whose start time the crash kept
 * from the journal (group_journal.ts), and to find the groups a crashed run started but
 * had not journaled yet — a child exec's before weft's main thread hears of it and
 * appends its `S` line, and a SIGKILL can land in between.
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
 * The live process groups of run `runId` found in /proc: session leaders (pid = pgrp =
 * session, not zombies) of this user (`uid`, default Deno.uid()) whose environment names
 * the run, with their start ticks as proof (see process_groups.ts). The session of this
 * process is never one of them (a task of the crashed run may be the one recovering it).
 * Empty without a readable /proc. Reads every process's stat: call it only for a run
 * known to have crashed.
 */
export function findRunLeaders(runId: string, uid: number | null = Deno.uid()): GroupRef[] {
  const own = readProcStat(Deno.pid);
  const ownSession = own && own !== "absent" ? own.session : Deno.pid;
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync("/proc")];
  } catch {
    return [];
  }
  const found: GroupRef[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    if (pid <= 1 || pid === ownSession) continue;
    const stat = readProcStat(pid);
    if (stat === null || stat === "absent") continue;
    if (stat.pgrp !== pid || stat.session !== pid || stat.state === "Z" || stat.state === "X") {
      continue;
    }
    if (uid !== null && !ownedBy(pid, uid)) continue;
    const startTicks = leaderTicksIfOfRun(pid, runId, stat);
    if (startTicks !== null) found.push({ pid, startTicks });
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
