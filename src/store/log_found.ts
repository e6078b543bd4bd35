/**
 * Log files an attempt record does not name. The recorder writes an attempt's log as
 * its lines come and its record once the attempt ends; when the disk fills as a run
 * ends, the file may be on disk while the record never reached the store (recorder.ts,
 * full_disk.ts). `weft logs` still shows such a file, found by its name.
 * @module
 */
import { logFilePath } from "./log_format.ts";
import { emptyAttempt } from "./records.ts";
import type { AttemptRecord } from "./run_store.ts";

/**
 * The attempts of `taskIds` (tasks of run `runId`) whose log file is among `names` (the
 * file names in the run's log folder) but which `recorded` lacks, as attempt records
 * naming that file (state `running`, nothing else known; `logBytes` 0: the file may be
 * empty). Names of no task in `taskIds` are ignored.
 */
export function unrecordedLogs(
  runId: string,
  names: Iterable<string>,
  taskIds: Iterable<string>,
  recorded: readonly AttemptRecord[],
): AttemptRecord[] {
  // A task's file name, as the recorder makes it (`<task>.<attempt>.log`, made safe).
  const byName = new Map<string, string>();
  for (const id of taskIds) {
    const path = logFilePath(runId, id, 1);
    byName.set(path.slice(path.lastIndexOf("/") + 1, -".1.log".length), id);
  }
  const known = new Set(recorded.map((a) => `${a.taskId}\u0000${a.attempt}`));
  const found: AttemptRecord[] = [];
  for (const name of names) {
    const match = /^(.+)\.([1-9][0-9]{0,8})\.log$/.exec(name);
    const taskId = match ? byName.get(match[1]) : undefined;
    if (taskId === undefined) continue;
    const attempt = Number(match![2]);
    if (known.has(`${taskId}\u0000${attempt}`)) continue;
    found.push({
      ...emptyAttempt(runId, taskId, attempt),
      logPath: logFilePath(runId, taskId, attempt),
    });
  }
  return found;
}
