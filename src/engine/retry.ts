/**
 * Retry policy: how many tries and how long to wait between them.
 * @module
 */

/** A task's `retry` block as parsed (milliseconds). */
export interface RetryPolicy {
  attempts: number;
  delay?: number;
  backoff?: "fixed" | "exponential";
  max_delay?: number;
}

/**
 * Milliseconds to wait after failed attempt `attempt` (1-based) before the next, or
 * null when `attempt` was the last allowed. Exponential backoff doubles the delay
 * each retry (`delay * 2^(attempt-1)`), capped by `max_delay`.
 * @example retryDelayMs({ attempts: 4, delay: 100, backoff: "exponential" }, 3) // 400
 */
export function retryDelayMs(policy: RetryPolicy | undefined, attempt: number): number | null {
  if (!policy || attempt >= policy.attempts) return null;
  const base = policy.delay ?? 0;
  let delay = policy.backoff === "exponential" ? base * 2 ** (attempt - 1) : base;
  if (policy.max_delay !== undefined) delay = Math.min(delay, policy.max_delay);
  return delay;
}
