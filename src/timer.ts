/**
 * Timers for durations of any length. `setTimeout` holds at most 2^31-1 ms (about
 * 24.8 days): a longer delay fires after 1 ms with a "TimeoutOverflowWarning" on
 * stderr (the WHATWG/Node rule Deno follows). Every timer weft sets from a duration
 * the user wrote (a task's or workflow's `timeout`, a retry `delay`, the daemon's
 * `--grace`, a trigger's `debounce`, a schedule's next fire) goes through
 * {@link setLongTimeout}, which chains timers of at most that length, so each
 * documented duration works as written.
 * @module
 */

/** The longest delay one `setTimeout` holds: 2^31-1 ms (HTML "timer initialisation steps"). */
export const TIMER_MAX_MS = 2 ** 31 - 1;

type Timer = ReturnType<typeof setTimeout>;

/** A chain of timers: `link` is the one pending now. */
export class TimerChain {
  link: Timer | undefined;
}

/** A timer of {@link setLongTimeout}: a plain timer, or a chain of them. */
export type LongTimeout = Timer | TimerChain;

/**
 * Calls `fn` once after `ms` milliseconds (measured on the monotonic clock), however
 * long. Up to {@link TIMER_MAX_MS} this is one plain `setTimeout` (no extra cost on the
 * hot path of a task's timeout); beyond, timers of at most `chunkMs` are chained until
 * the deadline. A non-finite `ms` (Infinity) never fires. Cancel with
 * {@link clearLongTimeout}. `chunkMs` exists for tests only.
 */
export function setLongTimeout(fn: () => void, ms: number, chunkMs = TIMER_MAX_MS): LongTimeout {
  if (!(ms > chunkMs)) return setTimeout(fn, ms);
  const chain = new TimerChain();
  const deadline = performance.now() + ms;
  const step = () => {
    const left = deadline - performance.now();
    chain.link = left > chunkMs ? setTimeout(step, chunkMs) : setTimeout(fn, Math.max(0, left));
  };
  step();
  return chain;
}

/** Cancels a timer of {@link setLongTimeout}; undefined or an already fired one is a no-op. */
export function clearLongTimeout(timer: LongTimeout | undefined): void {
  if (timer === undefined) return;
  clearTimeout(timer instanceof TimerChain ? timer.link : timer);
}
