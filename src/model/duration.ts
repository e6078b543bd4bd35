/**
 * Durations. One rule everywhere: a string carries its unit (`500ms`, `30s`, `5m`,
 * `1h`, `1d`, or combined like `1h30m`); a bare number takes the unit of the field it
 * is in — seconds for timeouts and other spans, milliseconds for `retry.delay` and
 * `retry.max_delay` (the seed's `timeout: 300` and `delay: 5000`).
 * @module
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** The unit a bare number means in a given field. */
export type BareUnit = "s" | "ms";

/**
 * The longest duration weft takes: 50,000,000 days, in ms. A JavaScript date is at most
 * 100,000,000 days from 1970 either way (ECMA-262, "Time Values and Time Range"), so a
 * time this far before or after now is still a date (`--since`, an alert's `window`);
 * a longer one made "Invalid time value" errors.
 */
export const MAX_DURATION_MS = 50_000_000 * UNIT_MS.d;

/**
 * Parses a duration to milliseconds, or returns undefined when it is not one or is
 * longer than {@link MAX_DURATION_MS} ({@link durationTooLong} tells which).
 * @example parseDuration("1m30s") // 90000
 * @example parseDuration(300, "s") // 300000
 */
export function parseDuration(value: string | number, bare: BareUnit = "s"): number | undefined {
  const ms = anyDuration(value, bare);
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** How a refusal names a duration over {@link MAX_DURATION_MS}, after the value. */
export const TOO_LONG = "is longer than weft counts: at most 50000000d (50,000,000 days)";

/** Whether `value` is a duration, but longer than {@link MAX_DURATION_MS}. */
export function durationTooLong(value: string | number, bare: BareUnit = "s"): boolean {
  const ms = anyDuration(value, bare);
  return ms !== undefined && ms > MAX_DURATION_MS;
}

function anyDuration(value: string | number, bare: BareUnit): number | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return Math.round(value * (bare === "s" ? 1000 : 1));
  }
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return anyDuration(Number(text), bare);
  if (!DURATION_RE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_RE)) total += Number(amount) * UNIT_MS[unit];
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** The most hours {@link formatDuration} writes out. */
const MAX_SHOWN_HOURS = 999_999;

/**
 * Formats milliseconds for people, the one way weft prints a duration everywhere
 * (board, summary, `status`, `history`, `metrics`, error reasons): `250ms` below a
 * second, `12.3s` (tenths) below a minute, `2m03s` below an hour, then `1h02m`
 * (hours grow past 24: `26h00m`; past 999999 hours, `over 999999h`). Each form is chosen after rounding, so 59.96 s
 * reads `1m00s`, never `60.0s`. Negative or non-finite input reads `0ms`.
 * @example formatDuration(250) // "250ms"
 * @example formatDuration(123_000) // "2m03s"
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  const m = Math.round(ms / 60_000);
  // Past ~114 years (a `retry.delay` of 1e300 seconds) the hours would print as 2.7e+293.
  if (Math.floor(m / 60) > MAX_SHOWN_HOURS) return `over ${MAX_SHOWN_HOURS}h`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
