/**
 * What the live board says of a task between two attempts: its back-off counted down at
 * each frame (`failed, retry in 1.2s`), then what its next attempt waits for, as the engine
 * says (`attempt_waiting`): a snapshot taken when the attempt ended would go on showing a
 * back-off long over.
 * @module
 */
import type { AttemptWait, EngineEvent, TaskState } from "../../engine/events.ts";
import { formatDuration } from "../../model/duration.ts";
import { STATE_WORDS } from "./format.ts";

/** What a retry's next attempt waits for, once its back-off is over, in the board's words. */
const WAITING: Record<AttemptWait, string> = {
  // As README says of a task that has to wait for the concurrency limit.
  slot: "waiting for a free slot",
  alone: "waiting to run alone",
};

/** A failed attempt whose task tries again. */
export interface Retry {
  /** How the attempt ended (`failed`, `timed out`). */
  status: TaskState;
  /** How long the attempt took. */
  attemptMs: number;
  /** When the back-off ends (the attempt's end plus the delay, by the engine's clock). */
  dueAtMs: number;
  /** What the next attempt waits for once the back-off is over; null until the engine says. */
  waitingFor: AttemptWait | null;
}

/** The retry an `attempt_finished` event announces, `retryInMs` after its end. */
export function retryOf(
  event: Extract<EngineEvent, { type: "attempt_finished" }>,
  retryInMs: number,
): Retry {
  const endedAtMs = Date.parse(event.finishedAt);
  return {
    status: event.status,
    attemptMs: Math.max(0, endedAtMs - Date.parse(event.startedAt)),
    dueAtMs: endedAtMs + retryInMs,
    waitingFor: null,
  };
}

/**
 * `failed, retry in 1.2s` at `nowMs`; once the back-off is over, what the next attempt
 * waits for (`failed, waiting for a free slot`), or `failed, retry starting` while it starts.
 */
export function retryNote(retry: Retry, nowMs: number): string {
  return `${STATE_WORDS[retry.status]}, ${retryBrief(retry, nowMs)}`;
}

/**
 * {@link retryNote} without how the attempt ended, which the row's `retrying` already
 * implies: `retry in 1.2s`, `waiting for a free slot`, `retry starting` — what a narrow
 * board keeps of it.
 */
export function retryBrief(retry: Retry, nowMs: number): string {
  if (retry.waitingFor) return WAITING[retry.waitingFor];
  const left = retry.dueAtMs - nowMs;
  // Rounded up to a tenth of a second: `retry in 0ms` never shows while it still waits.
  return left > 0 ? `retry in ${formatDuration(Math.ceil(left / 100) * 100)}` : "retry starting";
}
