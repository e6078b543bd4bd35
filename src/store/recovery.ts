/**
 * Crash recovery: nothing stays "running" forever. A run recorded as running by this
 * host whose process is gone (killed with -9, power loss) is marked `interrupted`,
 * with its unfinished tasks `interrupted` (reason "crash"); everything recorded
 * before the crash is kept. The process groups the run had started and that are still
 * running (recorded in the run's journal within a few ms of their start,
 * group_journal.ts, or by older versions in the store, and those started but not yet
 * recorded, found in /proc by their leader's `WEFT_RUN_ID`, run_leaders.ts) are ended
 * first, and with them every other live process whose environment names the run — what
 * left a task's group (`set -m` jobs, `setsid` and double-forked children), which a live
 * weft ends at the task's end (tasks/_escapes.ts): SIGTERM, then SIGKILL after a short
 * grace — only groups and processes proven the run's by their start time
 * (process_groups.ts), never a recycled pid nor a process without the run's mark. What
 * they forked meanwhile is looked for again once they are gone. Then the run's work
 * folder (its `$WEFT_OUTPUT` files) is removed, and so are the temporary files of the
 * data_processor tasks it was running (`.<output>.weft-<run>-<attempt>.tmp` beside their
 * output, and its `.inputs` list): found in the environment of the live processor
 * (`WEFT_OUTPUT_FILE`), so a crash while no processor runs (between writing the list and
 * the start, or between the processor's end and weft's rename, both short) leaves them.
 * The containers of its running docker tasks are removed (`docker rm -f`,
 * recovery_containers.ts): ending a docker client does not stop its container.
 * Every verb that opens the store runs this first.
 * @module
 */
import { readRecordsJournal, removeRecordsJournal } from "./records_journal.ts";
import { removeJournal } from "./group_journal.ts";
import { readJournal } from "./group_journal_read.ts";
import { endGroups, type GroupRef, hasProcfs } from "./process_groups.ts";
import { readProcStat } from "../proc.ts";
import { environValue, findRunProcesses, leaderTicksIfOfRun, spareOwnLine } from "./run_leaders.ts";
import { removeContainers, runContainers } from "./recovery_containers.ts";
import type { RunRecord, RunStore } from "./run_store.ts";
import { ownerPlace } from "./run_owner.ts";

/**
 * When a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat),
 * or null where /proc is unavailable. Two processes with the same pid differ here.
 */
export function processStartTicks(pid: number): number | null {
  const stat = readProcStat(pid);
  return stat && stat !== "absent" ? stat.startTicks : null;
}

/**
 * Whether the process `pid` is still the one that recorded the run: it exists, is not
 * a zombie, and (when known) started at `startTicks`. Without /proc, asks `kill -0`.
 */
export async function isProcessAlive(pid: number, startTicks: number | null): Promise<boolean> {
  if (pid <= 0) return false;
  if (hasProcfs()) {
    const stat = readProcStat(pid);
    if (stat === "absent") return false;
    if (stat === null) return true; // unreadable: assume alive rather than corrupt a live run
    if (stat.state === "Z" || stat.state === "X") return false;
    if (startTicks !== null && stat.startTicks !== startTicks) return false;
    return true;
  }
  try {
    const { code } = await new Deno.Command("kill", {
      args: ["-0", String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return true;
  }
}

/** Options of {@link recoverInterrupted}. */
export interface RecoveryOptions {
  /**
   * Called for each run marked interrupted, with how many of its process groups were
   * still running and were ended, and the containers removed (recovery_containers.ts).
   */
  onRecovered?: (run: RunRecord, endedGroups: number, containers: string[]) => void;
  /**
   * Called instead for a run another process marked interrupted first (two commands
   * recovering it at once) when this one had ended some of its groups or removed some of
   * its containers meanwhile: those are said by the command that did it, since the other
   * found them gone.
   */
  onEndedForOther?: (run: RunRecord, endedGroups: number, containers: string[]) => void;
  /** Decides whether a recorded process is alive (tests pass their own). */
  isAlive?: (pid: number, startTicks: number | null) => Promise<boolean>;
  /** Grace between SIGTERM and SIGKILL for the run's groups (default REAP_GRACE_MS). */
  graceMs?: number;
  /**
   * `store.findRunning()`, when the caller has just read it (store/open.ts, opening the
   * store): not read again. A run that ended since is not marked (markInterrupted checks).
   */
  running?: RunRecord[];
}

/**
 * Marks runs of this `host` whose process is gone as interrupted, after ending the
 * process groups they left running. Runs of other hosts, boots or PID namespaces are
 * left alone: their pids mean nothing here (run_owner.ts). Returns the runs it marked.
 */
export async function recoverInterrupted(
  store: RunStore,
  host: string,
  options: RecoveryOptions = {},
): Promise<RunRecord[]> {
  const isAlive = options.isAlive ?? isProcessAlive;
  const recovered: RunRecord[] = [];
  for (const run of options.running ?? await store.findRunning()) {
    const place = ownerPlace(run, host);
    if (place === "elsewhere") continue;
    if (place === "here" && await isAlive(run.pid, run.pidStartTicks)) continue;
    const journal = store.logsDir ? await readJournal(store.logsDir, run.id) : null;
    // After a reboot no recorded group can be the run's (a pid and start time may recur
    // from boot to boot): only leaders whose environment names the run would be.
    const groups = spareOwnLine(withUnrecorded(
      run.id,
      place === "here" ? [...await store.listProcesses(run.id), ...journal?.groups ?? []] : [],
    ));
    // Read before the processors are ended: their environment names their temporary file.
    const temps = processorTempFiles(run.id, groups);
    const containers = runContainers(run.id, groups);
    const ended = groups.length ? await endRunProcesses(run.id, groups, options.graceMs) : 0;
    // Ending a docker client leaves its container running: removed once the client is gone.
    const removed = await removeContainers(containers);
    // The states the run wrote last, which it had not given the store yet.
    const records = store.logsDir ? await readRecordsJournal(store.logsDir, run.id) : null;
    if (await store.markInterrupted(run.id, records ?? undefined)) {
      if (journal?.workDir) removeWorkDir(journal.workDir);
      for (const temp of temps) removeIfThere(temp);
      if (store.logsDir) removeRecordsJournal(store.logsDir, run.id);
      if (journal) removeJournal(store.logsDir, run.id);
      recovered.push(run);
      options.onRecovered?.(run, ended, removed);
    } else if (ended > 0 || removed.length > 0) {
      options.onEndedForOther?.(run, ended, removed);
    }
  }
  return recovered;
}

/** Rounds of {@link endRunProcesses}: a process forking while it is ended is rare. */
const END_ROUNDS = 3;

/**
 * Ends `groups` of the crashed run `runId` (endGroups), then looks in /proc again for
 * processes of the run that they forked between the scan and their end, ending those
 * too (at most {@link END_ROUNDS} rounds). Returns how many groups and processes it
 * signalled, each counted once.
 */
async function endRunProcesses(
  runId: string,
  groups: GroupRef[],
  graceMs: number | undefined,
): Promise<number> {
  const seen = new Set<string>();
  let ended = 0;
  for (let round = 0, next = groups; round < END_ROUNDS && next.length; round++) {
    const fresh = next.filter((group) => !seen.has(`${group.pid}:${group.startTicks}`));
    if (!fresh.length) break;
    for (const group of fresh) seen.add(`${group.pid}:${group.startTicks}`);
    const count = await endGroups(fresh, { graceMs });
    ended += count;
    if (count === 0 || !hasProcfs()) break;
    next = spareOwnLine(findRunProcesses(runId));
  }
  return ended;
}

/**
 * `recorded` plus the run's groups and processes found by their environment that no
 * record names (run_leaders.ts): a task execs before weft records its group, so a crash
 * can come in between, and what left a task's group is never recorded. A pid recorded
 * twice, or recorded and found, counts once; a leader found now carries its current
 * start time, a proof at least as good as a recorded one (a recorded pid without one, or
 * with another, would not be signalled).
 */
function withUnrecorded(runId: string, recorded: GroupRef[]): GroupRef[] {
  const groups = new Map<number, GroupRef>();
  for (const group of recorded) {
    const known = groups.get(group.pid);
    if (!known || known.startTicks === null) groups.set(group.pid, group);
  }
  if (hasProcfs()) {
    for (const group of findRunProcesses(runId)) {
      // One alone in a recorded group (its leader gone) is ended with that group.
      if (group.alone && group.pgrp !== undefined && groups.has(group.pgrp)) continue;
      groups.set(group.pid, group);
    }
  }
  return [...groups.values()];
}

/**
 * Removes a crashed run's work folder, named in its journal. Only a folder weft makes
 * (engine/work_dir.ts: `weft-run-` prefix) is removed, whatever the journal says.
 */
function removeWorkDir(path: string): void {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (!path.startsWith("/") || !name.startsWith("weft-run-")) return;
  try {
    Deno.removeSync(path, { recursive: true });
  } catch { /* gone already, or not ours to remove */ }
}

/**
 * The temporary files of the data_processor tasks (tasks/data_processor.ts) the crashed
 * run `runId` left in its output folders: `$WEFT_OUTPUT_FILE` of each group leader proven
 * the run's (its environment names the run) and its `.inputs` list — only a path weft
 * names so (`/…/.<name>.weft-<run>-<attempt>.tmp`, this run's id), whatever the
 * environment says.
 */
function processorTempFiles(runId: string, groups: GroupRef[]): string[] {
  const pattern = new RegExp(
    `^\\..+\\.weft-${runId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+\\.tmp$`,
  );
  const found: string[] = [];
  for (const group of groups) {
    if (leaderTicksIfOfRun(group.pid, runId) === null) continue;
    const temp = environValue(group.pid, "WEFT_OUTPUT_FILE");
    if (temp === null || !temp.startsWith("/")) continue;
    if (!pattern.test(temp.slice(temp.lastIndexOf("/") + 1))) continue;
    found.push(temp, `${temp}.inputs`);
  }
  return found;
}

/** Removes a file weft made (a symlink itself, never what it points to); never a folder. */
function removeIfThere(path: string): void {
  try {
    if (Deno.lstatSync(path).isDirectory) return;
    Deno.removeSync(path);
  } catch { /* gone already, or not ours to remove */ }
}
