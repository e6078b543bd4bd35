/**
 * Sending with retries: a notification is tried {@link NOTIFY_TRIES} times, waiting
 * {@link BACKOFF_MS} × 2^(try−1) between tries (0.5 s, then 1 s), so a brief outage of
 * the receiving service does not lose it.
 * @module
 */

/** Tries per notification. */
export const NOTIFY_TRIES = 3;
/** Wait before the second try, in ms; doubled before each further try. */
export const BACKOFF_MS = 500;

/** How a send went: `attempts` tries, and the last error when none succeeded. */
export interface SendOutcome {
  ok: boolean;
  attempts: number;
  error?: string;
}

/** Calls `send` until it resolves, at most `tries` times; never throws. */
export async function withBackoff(
  send: () => Promise<void>,
  tries = NOTIFY_TRIES,
  backoffMs = BACKOFF_MS,
): Promise<SendOutcome> {
  let error = "";
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      await send();
      return { ok: true, attempts: attempt };
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      if (attempt < tries) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
  }
  return { ok: false, attempts: tries, error };
}
