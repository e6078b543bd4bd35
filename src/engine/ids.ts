/**
 * Run ids: UTC start time to the millisecond first, so they sort by start time as plain
 * strings, then a random suffix so runs started in the same millisecond (by other
 * processes or hosts) still differ.
 *
 * Format: `YYYYMMDDTHHMMSS.mmmZ-` + 10 hex digits (40 random bits), e.g.
 * `20261126T002650.123Z-3f9a1c0b7e`. Ids written by earlier versions
 * (`20261126T002650Z-3f9a1c`, whole seconds) share the first 15 characters, so old and
 * new ids of different seconds compare by time; within one second an old id sorts
 * after the new ones ('Z' > '.'), which retention and listings tolerate (see
 * ID_ORDER_SLACK_MS in store/records.ts).
 * @module
 */

/** Random bytes in a run id's suffix: 40 bits make a clash within one millisecond negligible. */
const RANDOM_BYTES = 5;

/**
 * A new run id for a run started at `now`.
 * @example newRunId(new Date("2026-11-26T00:26:50.123Z")) // "20261126T002650.123Z-xxxxxxxxxx"
 */
export function newRunId(now: Date = new Date()): string {
  // toISOString: "2026-11-26T00:26:50.123Z" → "20261126T002650.123Z"
  const stamp = now.toISOString().replace(/[-:]/g, "");
  const random = crypto.getRandomValues(new Uint8Array(RANDOM_BYTES));
  const suffix = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${stamp}-${suffix}`;
}
