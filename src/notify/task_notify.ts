/**
 * Tasks' own `notifications` (`notifications: {channels, on_success, on_failure,
 * on_completion}` on a top-level task): when such a task ends — succeeded, or failed or
 * timed out — its channels are told at once, while the run goes on, with the last lines
 * it printed (taken from the engine's masked output events). Skipped and cancelled tasks
 * notify nobody. Without any `on_*` flag every outcome is told.
 * @module
 */
import type { EngineEvent, TaskRecord } from "../engine/events.ts";
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
  readonly #tails = new Map<string, string[]>();
  readonly #sends: Promise<NotificationRecord>[] = [];
  #runId = "";
  #workflow = "";

  /** Per task and stream: the start of a line printed with pauses, until its end. */
  readonly #held = new Map<string, string>();

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
      // A long line is shown by its first piece; a line printed with pauses (early
      // pieces, tasks/byte_lines.ts), whole.
      const key = `${event.taskId}\0${event.stream}`;
      let line = event.line;
      if (event.early) {
        line = (this.#held.get(key) ?? "") + line;
        this.#held.delete(key);
        if (event.continues) return void this.#held.set(key, line);
      } else if (event.continuation) return;
      const tail = this.#tails.get(event.taskId) ?? [];
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      this.#tails.set(event.taskId, tail);
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
          tail: this.#tails.get(task.id) ?? [],
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
