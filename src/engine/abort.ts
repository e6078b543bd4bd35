/**
 * Cancellation scopes. The run has one; each composite task has one inside it; each
 * attempt's AbortController and each retry wait joins the scope it runs in, so one
 * call ends everything below it, with a reason the engine maps to a task state.
 * @module
 */

import { clearLongTimeout, setLongTimeout } from "../timer.ts";

/**
 * Why work was stopped. `parent_timeout`: the enclosing composite task timed out.
 * `fault`: weft itself cannot go on (e.g. the disk holding its history is full).
 * `caller_timeout` / `caller_workflow_timeout` (child runs only): a timeout in the run
 * that called this one (sub-workflows) ran out — the calling task's own, a composite's
 * above it, or the calling workflow's; the child's RunContext.callerStop says whose.
 * `caller_not_needed`: the calling task was a `parallel` child another child outdid.
 * `callback_window`: the window callbacks get after the workflow timeout ran out.
 */
export type StopReason =
  | "timeout"
  | "parent_timeout"
  | "workflow_timeout"
  | "caller_timeout"
  | "caller_workflow_timeout"
  | "caller_not_needed"
  | "callback_window"
  | "signal"
  | "fault"
  | "not_needed";

/** Anything that can be told to stop. `AbortController` is one. */
export interface Abortable {
  abort(reason: StopReason): void;
}

/** A set of abortables stopped together; joining a stopped scope stops at once. */
export class AbortScope implements Abortable {
  #members = new Set<Abortable>();
  #reason: StopReason | null = null;
  #controller: AbortController | null = null;

  /**
   * A signal aborted (with the stop reason) when the scope stops. Attempts without a
   * timeout of their own share it instead of each making a controller.
   */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason !== null) this.#controller.abort(this.#reason);
      else this.#members.add(this.#controller);
    }
    return this.#controller.signal;
  }

  /** The reason it was stopped, or null while it runs. */
  get reason(): StopReason | null {
    return this.#reason;
  }

  /** Adds `member`; returns the function that removes it again. */
  join(member: Abortable): () => void {
    if (this.#reason !== null) {
      member.abort(this.#reason);
      return () => {};
    }
    this.#members.add(member);
    return () => this.#members.delete(member);
  }

  /** Stops every member (first reason wins). */
  abort(reason: StopReason): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    const members = [...this.#members];
    this.#members.clear();
    for (const member of members) member.abort(reason);
  }
}

/** A child scope joined to `parent`; call the returned `leave` when done with it. */
export function childScope(parent: AbortScope): { scope: AbortScope; leave: () => void } {
  const scope = new AbortScope();
  const leave = parent.join(scope);
  return { scope, leave };
}

/** Waits `ms`, or less when `scope` stops first. Resolves to the stop reason, if any. */
export function sleepIn(scope: AbortScope, ms: number): Promise<StopReason | null> {
  return new Promise((resolve) => {
    let leave = () => {};
    const timer = setLongTimeout(() => {
      leave();
      resolve(null);
    }, ms);
    leave = scope.join({
      abort(reason) {
        clearLongTimeout(timer);
        resolve(reason);
      },
    });
  });
}
