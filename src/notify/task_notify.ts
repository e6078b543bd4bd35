/**
 * Tasks' own `notifications` (`notifications: {channels, on_success, on_failure,
 * on_completion}` on a top-level task): when such a task ends — succeeded, or failed or
 * timed out — its channels are told at once, while the run goes on, with the last lines
 * it printed (taken from the engine's masked output events). Skipped and cancelled tasks
 * notify nobody. Without any `on_*` flag every outcome is told.
 * @module
 */
import type { EngineEvent, TaskRecord } from "../engine/events.ts";
import { LineAssembler } from "../engine/line_pieces.ts";
import { MAX_PIECE_BYTES } from "../tasks/byte_lines.ts";
import type { NotificationRecord } from "../store/run_store.ts";
import { type RunMessage, TAIL_LINES, taskDetail } from "./message.ts";
import { outcomesWanted } from "./wanted.ts";

interface TaskRule {
  on_completion?: boolean;
  on_success?: boolean;
  on_failure?: boolean;
}

/** Starts the sends for one task's message; `body` is what webhooks get. */
export type StartSends = (message: RunMessage, body: unknown) => Promise<NotificationRecord>[];

/** Watches a run's events for tasks with their own notifications. */
export class TaskNotifications {
  readonly #rules = new Map<string, TaskRule>();
  /** Per task, the last lines of its attempt, put together from their pieces. */
  readonly #tails = new Map<string, LineAssembler>();
  readonly #sends: Promise<NotificationRecord>[] = [];
  #runId = "";
  #workflow = "";

  constructor(
    tasks: ReadonlyArray<{ id: string; notifications?: TaskRule }>,
    private readonly start: StartSends,
  ) {
    for (const task of tasks) if (task.notifications) this.#rules.set(task.id, task.notifications);
  }

  /** Feeds one engine event. */
  see(event: EngineEvent): void {
    if (this.#rules.size === 0) return;
    if (event.type === "run_started") {
      this.#runId = event.run.id;
      this.#workflow = event.run.workflow;
    } else if (event.type === "output" && this.#rules.has(event.taskId)) {
      // Lines in pieces (long, or printed with pauses) are put back together as in
      // the log's tail (engine/line_pieces.ts), each kept to a display's length.
      let tail = this.#tails.get(event.taskId);
      if (!tail) {
        this.#tails.set(event.taskId, tail = new LineAssembler(TAIL_LINES, MAX_PIECE_BYTES));
      }
      tail.push({
        stream: event.stream,
        text: event.bytes ?? event.line, // bytes when it has them: no decoding
        continuation: event.continuation === true,
        continues: event.continues === true,
      });
    } else if (event.type === "task_started" && this.#rules.has(event.taskId)) {
      this.#tails.delete(event.taskId); // a new attempt: the tail is of the last one
    } else if (event.type === "task_finished") {
      const rule = this.#rules.get(event.task.id);
      if (rule && wanted(rule, event.task)) this.#notify(event.task);
    }
  }

  /** Waits for every send started and gives their records. */
  async done(): Promise<NotificationRecord[]> {
    return await Promise.all(this.#sends);
  }

  #notify(task: TaskRecord): void {
    const failed = task.status !== "success";
    const message: RunMessage = {
      workflow: this.#workflow,
      runId: this.#runId,
      status: task.status,
      durationMs: task.durationMs ?? 0,
      failed: failed
        ? [{
          id: task.id,
          name: task.name,
          status: task.status,
          detail: taskDetail(task),
          tail: this.#tails.get(task.id)?.lines().map((line) => line.text) ?? [],
        }]
        : [],
      statusCommand: `weft status ${this.#runId}`,
      task: task.id,
    };
    const body = { runId: this.#runId, workflow: this.#workflow, task };
    this.#sends.push(...this.start(message, body));
  }
}

function wanted(rule: TaskRule, task: TaskRecord): boolean {
  const when = outcomesWanted(rule);
  if (task.status === "success") return when.success;
  if (task.status === "failed" || task.status === "timed_out") return when.failure;
  return false;
}
