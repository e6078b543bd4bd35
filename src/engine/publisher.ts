/**
 * The order in which a run's events reach its listeners (the recorder, the progress
 * lines, notifications): every event is masked (mask_events.ts) and sent to each
 * listener in the order the run published it, but the events no caller waits on are
 * sent in a later turn of the event loop, so their listeners run while the next task's
 * process runs, not between one task's exit and the next one's start.
 * @module
 */
import type { EngineEvent, EventListener } from "./events.ts";
import { maskEvent } from "./mask_events.ts";
import type { Secrets } from "./secrets.ts";

/**
 * Events no caller waits on (their listeners' promises are not returned), sent in a later
 * turn: see {@link EventPublisher.publish}.
 */
const LATER: ReadonlySet<EngineEvent["type"]> = new Set([
  "task_started",
  "attempt_finished",
  "attempt_waiting",
  "task_finished",
  "process_exited",
]);

/** Sends one run's events, masked with `secrets`, to `listeners`. */
export class EventPublisher {
  readonly #listeners: readonly EventListener[];
  readonly #secrets: Secrets;
  /** Events of {@link LATER} not sent yet, in order. */
  #later: EngineEvent[] = [];
  /** The last promise a listener returned, and that promise with its rejection handled. */
  #lastResult: Promise<unknown> | null = null;
  #lastCaught: Promise<unknown> | null = null;

  constructor(listeners: readonly EventListener[], secrets: Secrets) {
    this.#listeners = listeners;
    this.#secrets = secrets;
  }

  /**
   * Sends an event to every listener; returns the promises listeners returned. The
   * events of {@link LATER} go out in a later turn of the event loop (setImmediate),
   * still in order: any other event first sends those waiting. Their listeners (the
   * recorder, the progress lines) then run after the next task of a chain has started,
   * while its process runs, not between one task's exit and the next one's start.
   */
  publish(event: EngineEvent): Promise<unknown>[] {
    if (LATER.has(event.type)) {
      this.#later.push(event);
      if (this.#later.length === 1) setImmediate(this.#sendLater);
      return [];
    }
    if (this.#later.length > 0) this.#sendLater();
    const pending: Promise<unknown>[] = [];
    this.#send(event, pending);
    return pending;
  }

  readonly #sendLater = (): void => {
    const events = this.#later;
    this.#later = [];
    for (const event of events) this.#send(event, null); // nobody waits on these
  };

  /** Sends `event`; the promises listeners returned go to `pending` (rejections handled). */
  #send(event: EngineEvent, pending: Promise<unknown>[] | null): void {
    const masked = maskEvent(event, this.#secrets);
    for (const listener of this.#listeners) {
      try {
        const result = listener(masked);
        if (result instanceof Promise) {
          const caught = this.#caught(result);
          pending?.push(caught);
        }
      } catch {
        // A listener's bug must not stop the run or the other listeners.
      }
    }
  }

  /**
   * `result` with its rejection handled (a listener's failure must not end the process).
   * The recorder returns the same promise for every event whose records share a write
   * (store/write_queue.ts): one handler serves them all, not one promise per event.
   */
  #caught(result: Promise<unknown>): Promise<unknown> {
    if (result !== this.#lastResult) {
      this.#lastResult = result;
      this.#lastCaught = result.catch(() => {});
    }
    return this.#lastCaught!;
  }
}
