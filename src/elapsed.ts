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

/** The millisecond {@link stampNowIso} last read, and its ISO string. */
let lastMs = NaN;
let lastIso = "";

/**
 * The wall-clock time now as an ISO 8601 string (UTC, ms), as a run's clock
 * (engine/run.ts), remembered with the monotonic reading for {@link elapsedMs}. The first
 * reading of an ISO time is kept (a clock stepped back may read it again later). One
 * string per millisecond: a task's records and events read the clock about five times
 * within a millisecond or two, and formatting each reading cost more than the rest.
 */
export function stampNowIso(): string {
  const ms = Date.now();
  if (ms === lastMs) return lastIso; // this millisecond is stamped already
  const mono = performance.now();
  lastMs = ms;
  lastIso = new Date(ms).toISOString();
  if (!stamps.has(lastIso)) {
    if (stamps.size >= MAX_STAMPS) stamps.delete(stamps.keys().next().value!);
    stamps.set(lastIso, mono);
  }
  return lastIso;
}

/** {@link stampNowIso} as a Date. */
export function stampNow(): Date {
  stampNowIso();
  return new Date(lastMs);
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
