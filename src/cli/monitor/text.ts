/**
 * `weft monitor` without `--live`: the view printed once as plain text — running runs
 * with every task's state and duration, the last finished runs, and per-workflow
 * figures over 24 hours. Pure.
 * @module
 */
import { formatDuration } from "../../model/duration.ts";
import { SYMBOLS } from "../render/format.ts";
import { terminalSafe } from "../../safe_text.ts";
import type { MonitorView } from "./model.ts";
import { stateText } from "./screen.ts";

const time = (ms: number | null) => ms === null ? "-" : formatDuration(ms);
const safe = (text: string) => terminalSafe(text, false);

/**
 * The report, sections separated by a blank line; `table` lays rows out in columns and
 * `shownTime` turns a stored UTC time into the local time every other view shows
 * (history_shared.ts's, passed in to keep this module free of the CLI's I/O).
 */
export function monitorText(
  view: MonitorView,
  table: (rows: string[][]) => string,
  shownTime: (iso: string | null) => string,
): string {
  const parts: string[] = [];
  if (view.running.length === 0) parts.push("Running: none\n");
  else {
    let text = `Running: ${view.running.length}\n`;
    for (const run of view.running) {
      text += `\n${safe(run.workflow)}  ${run.id}  running ${time(run.elapsedMs)}  ` +
        `${run.progress.done}/${run.progress.total} tasks done  (${run.host}, pid ${run.pid})\n`;
      const rows = run.tasks.map((t) => [
        `  ${SYMBOLS[t.status]} ${t.callback ? `${t.id} (callback)` : t.id}`,
        stateText(t.status),
        time(t.durationMs),
        t.attempts > 1 ? `attempt ${t.attempts}` : "",
      ]);
      text += table(rows);
    }
    parts.push(text);
  }
  if (view.recent.length === 0) parts.push("Finished: none\n");
  else {
    const rows = [["ID", "WORKFLOW", "STATUS", "DURATION", "FINISHED"]];
    for (const run of view.recent) {
      rows.push([
        run.id,
        run.workflow,
        run.status,
        time(run.durationMs),
        shownTime(run.finishedAt),
      ]);
    }
    parts.push(`Finished: the last ${view.recent.length}\n` + table(rows));
  }
  if (view.workflows.length === 0) parts.push(`Last ${view.window.hours} hours: no runs\n`);
  else {
    const rows = [["WORKFLOW", "RUNS", "SUCCESS RATE", "MEAN DURATION", "RUNNING"]];
    for (const w of view.workflows) {
      rows.push([
        w.workflow,
        String(w.runs),
        w.successRate === null ? "n/a" : `${w.successRate.toFixed(2)}%`,
        time(w.meanDurationMs),
        String(w.running),
      ]);
    }
    parts.push(`Last ${view.window.hours} hours, per workflow\n` + table(rows));
  }
  return parts.join("\n");
}
