/**
 * The failure recap printed under the summary line of a run:
 * for each task that failed or timed out, its reason and its last output lines, each
 * marked with the stream it came from. It is shown whatever the flags (`-q`, `-v`,
 * `live_output`), so the reason a run failed is always at the bottom of the report,
 * not scrolled away among other tasks' lines.
 * @module
 */
import type { EngineEvent, OutputStream, RunReport, TaskRecord } from "../../engine/events.ts";
import { isFailure, type Paint, STATE_WORDS } from "./format.ts";
import { displayedReason, splitAtCr } from "./cut.ts";
import { OutputRing } from "./output_ring.ts";
import { terminalSafe } from "../../safe_text.ts";
import { TAIL_LINES } from "./tails.ts";

/** Keeps the last lines of each task's current attempt, and of every failed task. */
export class FailureRecap {
  readonly #tails = new Map<string, OutputRing>();

  constructor(private readonly color: boolean, readonly limit: number = TAIL_LINES) {}

  /** Takes one engine event into account. */
  apply(event: EngineEvent): void {
    if (event.type === "task_started") {
      // Only the last attempt's output explains the task's final state.
      this.#tails.set(event.taskId, new OutputRing(this.limit));
    } else if (event.type === "output") {
      let tail = this.#tails.get(event.taskId);
      if (!tail) this.#tails.set(event.taskId, tail = new OutputRing(this.limit));
      // Kept as bytes, decoded and escaped only when shown: most lines never are.
      tail.push(event);
    } else if (event.type === "task_finished" && !isFailure(event.task.status)) {
      this.#tails.delete(event.task.id); // nothing to recap: free its lines
    }
  }

  /**
   * The recap for a finished run, ending in a newline; "" when no task failed (a task
   * with `continue_on_error` may fail in a run that succeeds: it is recapped too). One
   * block per failed task, in the report's order:
   * `✖ deploy failed: exited with code 1 — last 2 lines:` then `    stderr │ text`.
   */
  text(report: RunReport, p: Paint): string {
    const failed = report.tasks.filter((t) => isFailure(t.status));
    if (failed.length === 0) return "";
    return failed.map((task) => {
      const tail = this.#tails.get(task.id);
      // A progress bar's CRs end lines here as in `weft logs` (cut.ts crLines).
      const { lines: kept, added } = splitAtCr(tail?.lines() ?? [], this.limit);
      const lines = kept.map((l) => ({ ...l, text: terminalSafe(l.text, this.color) }));
      return failureBlock(task, lines, (tail?.total ?? 0) + added, p);
    }).join("");
  }
}

/**
 * One failed task with its last lines, ending in a newline, the same under `weft run`'s
 * summary and in `weft status`: `✖ deploy failed: exited with code 1 — last 10 of 17
 * lines:` then one `    stderr │ text` per line. `lines` are already made terminal-safe;
 * `total` is how many lines the attempt printed (null when not known: the header then
 * says `last 10 lines`).
 */
export function failureBlock(
  task: TaskRecord,
  lines: readonly { stream: OutputStream; text: string }[],
  total: number | null,
  p: Paint,
  /** What follows the reason when there are no lines (a caller that says why gives ""). */
  noLines = p.dim(" — no output"),
): string {
  let text = `${p.red("✖")} ${task.id} ${STATE_WORDS[task.status]}${reasonText(task)}`;
  if (lines.length === 0) return text + noLines + "\n";
  text += p.dim(` — ${tailHeader(lines.length, total)}:`) + "\n";
  for (const line of lines) {
    const mark = line.stream === "stderr" ? p.red("stderr") : p.dim("stdout");
    text += `    ${mark} ${p.dim("│")}${line.text ? ` ${line.text}` : ""}\n`;
  }
  return text;
}

/**
 * `last 10 of 17 lines` when earlier lines were left out, `last 3 lines` (`last 1 line`)
 * when all are shown or their number (`total`: null) is not known.
 */
export function tailHeader(shown: number, total: number | null): string {
  if (total !== null && total > shown) return `last ${shown} of ${total} lines`;
  return `last ${shown} line${shown === 1 ? "" : "s"}`;
}

/** `: exited with code 1`, `: timed out after 5s`, or "" when the record says nothing. */
function reasonText(task: TaskRecord): string {
  const why = task.error ?? task.reason;
  return why ? `: ${terminalSafe(displayedReason(why.split("\n")[0]), false)}` : "";
}
