/**
 * Progress for pipes and log files: one timestamped line per event, no cursor
 * movement — `12:00:01 ▶ build started (attempt 1/3)`.
 * @module
 */
import type { EngineEvent, TaskRecord } from "../../engine/events.ts";
import { formatDuration } from "../../model/duration.ts";
import {
  attemptText,
  clockTime,
  isFailure,
  isUncalledCallback,
  outcomeDetails,
  type Paint,
  paint,
  paintState,
  type RenderOptions,
  STATE_WORDS,
  summaryLine,
  SYMBOLS,
  taskCounts,
} from "./format.ts";
import { crLines, LineJoiner } from "./cut.ts";
import { terminalSafe } from "../../safe_text.ts";
import { formatTail, OutputTails } from "./tails.ts";
import { FailureRecap } from "./recap.ts";

/** Turns each engine event into zero or more lines of text. Pure apart from its own state. */
export class PlainRenderer {
  readonly #options: RenderOptions;
  readonly #paint: Paint;
  /** Lines a task printed with pauses, shown whole (cut.ts). */
  readonly #joiner = new LineJoiner();
  readonly #tails: OutputTails;
  readonly #recap: FailureRecap;

  constructor(options: RenderOptions) {
    this.#options = options;
    this.#paint = paint(options.color);
    this.#tails = new OutputTails(options.color);
    this.#recap = new FailureRecap(options.color);
  }

  /** The text (ending in a newline, or empty) to print for one event. */
  render(event: EngineEvent): string {
    this.#recap.apply(event);
    const p = this.#paint;
    const { quiet } = this.#options;
    switch (event.type) {
      case "run_started": {
        if (quiet) return "";
        const counts = taskCounts(event.tasks);
        return this.#line(
          event.run.startedAt,
          `run ${event.run.id} started: ${
            p.bold(terminalSafe(event.run.workflow, false))
          } (${counts})`,
        );
      }
      case "task_started": {
        this.#tails.reset(event.taskId);
        if (quiet) return "";
        const attempt = attemptText(event.attempt, this.#maxAttempts(event.taskId));
        return this.#line(
          event.at,
          `${paintState(p, "running", SYMBOLS.running)} ${event.taskId} started${
            attempt ? ` (${attempt})` : ""
          }`,
        );
      }
      case "output": {
        if (!quiet && this.#showsLive(event.taskId)) {
          const key = `${event.taskId}\0${event.attempt}\0${event.stream}`;
          const shown = this.#joiner.shown(key, event);
          if (shown === null) return "";
          // A progress bar's CRs end lines here as in `weft logs` (cut.ts crLines).
          return crLines(shown).map((text) =>
            `${p.dim(`[${event.taskId}]`)} ${terminalSafe(text, this.#options.color)}\n`
          ).join("");
        }
        // Kept as bytes, decoded only if the attempt fails and is retried.
        this.#tails.push(event.taskId, event);
        return "";
      }
      case "attempt_finished": {
        if (quiet || event.retryInMs === null) return "";
        // A retry means more than one try, also where the count is not known here.
        const attempt = attemptText(event.attempt, this.#maxAttempts(event.taskId)) ||
          `attempt ${event.attempt}`;
        const exit = event.exitCode !== null && event.exitCode !== 0
          ? ` exit ${event.exitCode}`
          : "";
        let text = this.#line(
          event.finishedAt,
          `${paintState(p, "retry", SYMBOLS.retry)} ${event.taskId} ${
            STATE_WORDS[event.status]
          }${exit}` +
            ` (${attempt}), retrying in ${formatDuration(event.retryInMs)}`,
        );
        text += formatTail(this.#tails.take(event.taskId), p);
        return text;
      }
      case "task_finished":
        return this.#taskFinished(event.task);
      case "run_finished":
        return summaryLine(event.report, p) + "\n" + this.#recap.text(event.report, p);
      case "tasks_added": // each is shown as it starts and ends
      case "attempt_waiting": // the retry's line said when; its start says it started
      case "process_started":
      case "process_exited":
        return ""; // bookkeeping for crash recovery, nothing to show
    }
  }

  /** A line for a message from weft itself. */
  notice(message: string): string {
    return this.#line(Date.now(), this.#paint.yellow(terminalSafe(message, false)));
  }

  #taskFinished(task: TaskRecord): string {
    const p = this.#paint;
    if (isUncalledCallback(task)) return "";
    const failed = isFailure(task.status);
    this.#tails.take(task.id);
    if (this.#options.quiet && !failed) return "";
    const details = outcomeDetails(task);
    // A failure's last lines are shown once, in the recap under the summary line.
    return this.#line(
      task.finishedAt ?? Date.now(),
      `${paintState(p, task.status, SYMBOLS[task.status])} ${task.id} ${
        paintState(p, task.status, STATE_WORDS[task.status])
      }${details ? ` ${details}` : ""}`,
    );
  }

  #line(at: string | number, text: string): string {
    return `${this.#paint.dim(clockTime(at))} ${text}\n`;
  }

  #showsLive(taskId: string): boolean {
    return this.#options.verbose || this.#options.liveOutput.has(taskId);
  }

  #maxAttempts(taskId: string): number {
    return this.#options.maxAttempts.get(taskId) ?? 1;
  }
}
