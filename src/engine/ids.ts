/**
 * Run ids: UTC time first so they sort by start time as plain strings, then a random
 * suffix so two runs started in the same second differ.
 * @module
 */

/**
 * A new run id such as `20261126T002650Z-3f9a1c`.
 * @example newRunId(new Date("2026-11-26T00:26:50Z")) // "20261126T002650Z-xxxxxx"
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
  const random = crypto.getRandomValues(new Uint8Array(3));
  const suffix = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${stamp}-${suffix}`;
}
