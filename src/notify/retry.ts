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

/**
 * A send that cannot succeed by trying again (the settings themselves are wrong, such as
 * an `SMTP_TO` that is no address list): {@link withBackoff} gives up at its first try.
 */
export class NotRetried extends Error {}

/** The error of a send given up because `signal` aborted (Ctrl-C while sending). */
export const INTERRUPTED = "interrupted";

/**
 * Calls `send` until it resolves, at most `tries` times (once when it throws
 * {@link NotRetried}); never throws. When `signal`
 * aborts (the user pressed Ctrl-C while notifications went out), the try in flight is
 * abandoned (`send` gets the signal, to stop its request) and no further try or back-off
 * wait happens: the outcome is a failure with error {@link INTERRUPTED}.
 */
export async function withBackoff(
  send: (signal?: AbortSignal) => Promise<void>,
  tries = NOTIFY_TRIES,
  backoffMs = BACKOFF_MS,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  let error = "";
  const stopped = new Promise<"stopped">((resolve) => {
    if (signal?.aborted) resolve("stopped");
    signal?.addEventListener("abort", () => resolve("stopped"), { once: true });
  });
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (signal?.aborted) return { ok: false, attempts: attempt - 1, error: INTERRUPTED };
    try {
      const sent = send(signal).then(() => "sent" as const);
      sent.catch(() => {}); // an abandoned try's later failure is of no interest
      if (await Promise.race([sent, stopped]) === "stopped") {
        return { ok: false, attempts: attempt, error: INTERRUPTED };
      }
      return { ok: true, attempts: attempt };
    } catch (e) {
      if (signal?.aborted) return { ok: false, attempts: attempt, error: INTERRUPTED };
      error = e instanceof Error ? e.message : String(e);
      if (e instanceof NotRetried) return { ok: false, attempts: attempt, error };
      if (attempt < tries) await pause(backoffMs * 2 ** (attempt - 1), stopped);
    }
  }
  return { ok: false, attempts: tries, error };
}

/** Waits `ms`, or less when `stopped` resolves first. */
async function pause(ms: number, stopped: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([new Promise((r) => timer = setTimeout(r, ms)), stopped]);
  clearTimeout(timer);
}
