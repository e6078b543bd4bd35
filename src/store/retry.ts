/**
 * Retries for a store shared by several processes: SQLite (under Deno KV) answers
 * "database is locked" / busy when another process holds the write lock, and the
 * right answer is to wait a moment and try again.
 * @module
 */

/** How long, in total, an operation keeps retrying before giving up. */
export const RETRY_BUDGET_MS = 5_000;

/** Whether an error means "another process holds the database; try again". */
export function isBusyError(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  return /database is locked|database table is locked|SQLITE_BUSY|\bbusy\b/i.test(message);
}

/**
 * Runs `operation`, retrying on busy errors with a short jittered exponential backoff
 * (5 ms doubling up to 250 ms) for at most `budgetMs`. Other errors pass through.
 * @example await withRetry(() => kv.get(["run", id]))
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  budgetMs: number = RETRY_BUDGET_MS,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let delay = 5;
  for (;;) {
    try {
      return await operation();
    } catch (e) {
      if (!isBusyError(e) || Date.now() >= deadline) throw e;
      // Jitter keeps two waiting processes from retrying in lockstep.
      const wait = Math.min(delay, Math.max(0, deadline - Date.now())) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, 250);
    }
  }
}
