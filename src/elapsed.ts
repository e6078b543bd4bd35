/**
 * Durations that a step of the wall clock cannot bend. Records keep wall-clock times
 * (ISO strings: what a user compares with other clocks), but a duration taken as the
 * difference of two of them goes negative when the clock is stepped back during a run
 * (NTP, a VM resumed, `date -s`) and grows by the step when it is stepped forward
 * (tester15 F6). So each time weft's run clock reads ({@link stampNow}) is remembered
 * with the monotonic clock's reading at that moment (`performance.now()`, which no step
 * moves), and {@link elapsedMs} between two such times uses the monotonic readings;
 * between times not stamped here (another process, a test's own clock) it falls back to
 * the wall-clock difference. Either way it is never negative.
 * @module
 */

/** Most times remembered (oldest forgotten first): ~100 bytes each. */
const MAX_STAMPS = 50_000;

/** ISO time → the monotonic reading (ms) when the run clock read it. */
const stamps = new Map<string, number>();

/**
 * The wall-clock time now, as a run's clock (engine/run.ts), remembered with the
 * monotonic reading for {@link elapsedMs}. The first reading of an ISO time is kept (a
 * clock stepped back may read it again later).
 */
export function stampNow(): Date {
  const mono = performance.now();
  const now = new Date();
  const key = now.toISOString();
  if (!stamps.has(key)) {
    if (stamps.size >= MAX_STAMPS) stamps.delete(stamps.keys().next().value!);
    stamps.set(key, mono);
  }
  return now;
}

/**
 * Milliseconds from `from` (an ISO time) to `to` (a Date or ISO time): measured on the
 * monotonic clock when both were read by {@link stampNow} in this process, else the
 * wall-clock difference; never negative.
 */
export function elapsedMs(from: string, to: Date | string): number {
  const toIso = typeof to === "string" ? to : to.toISOString();
  const start = stamps.get(from);
  const end = stamps.get(toIso);
  const ms = start !== undefined && end !== undefined
    ? Math.round(end - start)
    : Date.parse(toIso) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
