/**
 * How one run stops: why (Ctrl-C, its workflow timeout, a fault, its caller's stop), the
 * workflow timer, the grace window callbacks get after a timeout, and the scopes and
 * signals that carry a stop to the run's tasks, its callbacks and its child runs. When
 * the run may then finish is the scheduler's (scheduler.ts); the run (run.ts) asks.
 * @module
 */
import { AbortScope } from "./abort.ts";
import type { CallerStop } from "./context.ts";
import type { LaunchQueue } from "./launch_queue.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";

/** Why a whole run stops: Ctrl-C, its workflow timeout, a fault, its caller's timeout. */
export type RunStop = "signal" | "workflow_timeout" | "fault" | CallerStop["stop"];

/** What the stop state asks of its run: whether it ended, and to look again whether it may. */
export interface StopHooks {
  finished(): boolean;
  /** Called after each stop step: the run finishes if nothing runs any more. */
  changed(): void;
}

/** The stop state of one run. */
export class RunStops {
  /** The main tasks' scope (RunContext.scope). */
  readonly scope = new AbortScope();
  /**
   * Callbacks run here, not in `scope`: the workflow timeout stops the main tasks at
   * once, while callbacks get the grace window after it (Ctrl-C stops both).
   */
  readonly callbackScope = new AbortScope();
  /**
   * Aborted when Ctrl-C or a fault closes the callbacks: a child run that its caller's
   * timeout stopped earlier (so its calling task's signal is spent) still hears of it
   * and stops its callbacks too (child.ts).
   */
  readonly userStop = new AbortController();
  /** Aborted by kill(): the spawner kills every process at once, no grace (run.ts). */
  readonly hardKill = new AbortController();
  #reason: RunStop | null = null;
  #workflowTimer: LongTimeout | undefined;
  /** False once no callback may be called any more: after Ctrl-C or the grace window. */
  #callbacksOpen = true;
  #graceTimer: LongTimeout | undefined;

  /** `graceMs`: the callbacks' window after a timeout; `queue`: the run's ready queue. */
  constructor(
    private readonly graceMs: number,
    private readonly queue: LaunchQueue,
    private readonly hooks: StopHooks,
  ) {}

  /** The first reason the run was stopped for; null while it was not. */
  get reason(): RunStop | null {
    return this.#reason;
  }

  /** False once no callback may be called any more: after Ctrl-C or the grace window. */
  get callbacksOpen(): boolean {
    return this.#callbacksOpen;
  }

  /** Stops the run with `workflow_timeout` after `ms` milliseconds. */
  startWorkflowTimer(ms: number): void {
    this.#workflowTimer = setLongTimeout(() => this.halt("workflow_timeout"), ms);
  }

  /** Clears both timers (the run finished). */
  clearTimers(): void {
    clearLongTimeout(this.#workflowTimer);
    clearLongTimeout(this.#graceTimer);
  }

  /**
   * Stops the main tasks. On the workflow timeout or the caller's (a child run),
   * callbacks (running, queued or called by the tasks it ends) keep going for the grace
   * window; on a signal, a fault or "not needed" they are stopped too.
   */
  halt(reason: RunStop): void {
    if (this.hooks.finished()) return;
    this.#reason ??= reason;
    this.scope.abort(reason);
    clearLongTimeout(this.#workflowTimer);
    const timedOut = reason === "workflow_timeout" || reason === "caller_timeout" ||
      reason === "caller_workflow_timeout";
    if (!timedOut) this.closeCallbacks(reason);
    else if (this.#callbacksOpen && this.#graceTimer === undefined) {
      this.queue.keepOnly((node) => node.callback);
      this.#graceTimer = setLongTimeout(
        () => this.closeCallbacks("callback_window"),
        this.graceMs,
      );
    }
    this.hooks.changed();
  }

  /** No callback starts any more; running ones are stopped with `reason`. */
  closeCallbacks(reason: RunStop | "callback_window"): void {
    this.#callbacksOpen = false;
    clearLongTimeout(this.#graceTimer);
    this.queue.clear();
    this.callbackScope.abort(reason);
    if (reason === "signal" || reason === "fault") this.userStop.abort(reason);
    this.hooks.changed();
  }
}
