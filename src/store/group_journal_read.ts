/**
 * Reading back a run's process-group journal (group_journal.ts, which says its lines),
 * for crash recovery (recovery.ts): the groups the run started and did not end, with
 * their leaders' start times where known (the proof a pid is still ours), and the run's
 * work folder.
 * @module
 */
import { journalPath } from "./group_journal.ts";
import type { GroupRef } from "./process_groups.ts";
import { leaderTicksIfOfRun } from "./run_leaders.ts";
import { readSmallText } from "./small_file.ts";

/**
 * Most bytes of a journal read back (64 MiB): about 40 bytes per process group, so a
 * million groups in one run; more is no journal weft wrote (e.g. a symlink to a device).
 */
const JOURNAL_MAX_BYTES = 64 * 1024 * 1024;

/** What a run's journal says: its groups still running and its work folder. */
export interface JournalContents {
  groups: GroupRef[];
  workDir: string | null;
}

/**
 * Reads the journal of `runId`: the groups started and not recorded as ended, and the
 * work folder. Null when there is no journal. Lines it does not understand (a line cut
 * by the crash) are skipped. A group without a `T` line gets the start time of its
 * leader when that leader's environment names this run (`WEFT_RUN_ID`), else null
 * (never signalled).
 */
export async function readJournal(logsDir: string, runId: string): Promise<JournalContents | null> {
  const text = await readSmallText(journalPath(logsDir, runId), {
    limit: JOURNAL_MAX_BYTES,
    hint: "it is weft's record of a run's process groups: remove it (its processes are then " +
      "not ended by weft)",
  });
  if (text === null) return null;
  const running = new Map<number, number | null>();
  let workDir: string | null = null;
  const lines = text.split("\n");
  lines.pop(); // "" after the last newline, or a line the crash cut: its numbers may be cut too
  for (const line of lines) {
    const [kind, first, second] = line.split(" ");
    if (kind === "W") {
      try {
        const path = JSON.parse(line.slice(2));
        if (typeof path === "string") workDir = path;
      } catch { /* cut line */ }
      continue;
    }
    const pid = Number(first);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (kind === "E") running.delete(pid);
    else if (kind === "S") running.set(pid, null);
    else if (kind === "T" && running.has(pid) && Number.isInteger(Number(second))) {
      running.set(pid, Number(second));
    }
  }
  const groups = [...running].map(([pid, ticks]) => ({
    pid,
    startTicks: ticks ?? leaderTicksIfOfRun(pid, runId),
  }));
  return { groups, workDir };
}
