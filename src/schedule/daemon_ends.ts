/**
 * The daemon's log line for a run's end: its status and, when it did not succeed, why,
 * so that `weft daemon`'s log alone tells a failed run's cause (weft's own reason for
 * stopping it, e.g. a full disk, or which tasks failed and how).
 * @module
 */

/** What the daemon knows of a run's end (a RunReport, as launch.ts resolves it). */
export interface RunEnd {
  status: string;
  /** Why weft stopped the run itself (RunReport.error). */
  error?: string;
  tasks?: ReadonlyArray<
    { id: string; status: string; error?: string | null; reason?: string | null }
  >;
  /** Why its end is not (all) in history, said after the run ended (launch.ts). */
  unrecorded?: string;
}

/** Tasks named in a failed run's line, at most. */
const MAX_NAMED = 3;
/** Characters of one task's error kept on the line. */
const MAX_ERROR = 200;

/**
 * `run ID ended STATUS`, then `: REASON` for a run that did not succeed and
 * `; its end could not be recorded: WHY` when so. The reason is the run's `error`, else
 * its failed or timed-out tasks (`task build failed: exited with code 2`, at most
 * {@link MAX_NAMED}, then how many more).
 */
export function endedLine(runId: string, end: RunEnd): string {
  let line = `run ${runId} ended ${end.status}`;
  const why = end.status === "success" ? null : reasonOf(end);
  if (why) line += `: ${why}`;
  if (end.unrecorded) line += `; its end could not be recorded: ${end.unrecorded}`;
  return line;
}

function reasonOf(end: RunEnd): string | null {
  if (end.error) return firstLine(end.error);
  const failed = (end.tasks ?? []).filter((t) => t.status === "failed" || t.status === "timed_out");
  if (failed.length === 0) return null;
  const named = failed.slice(0, MAX_NAMED).map((t) => {
    const detail = t.error ?? t.reason;
    return `task ${t.id} ${t.status.replace("_", " ")}${detail ? `: ${firstLine(detail)}` : ""}`;
  });
  const more = failed.length - named.length;
  return named.join("; ") + (more > 0 ? `; and ${more} more task(s)` : "");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0];
  return line.length > MAX_ERROR ? `${line.slice(0, MAX_ERROR)}…` : line;
}
