/**
 * AttemptCounts (src/cli/display_facts.ts): a conditional whose branches differ in their
 * count of tries gets a count only once its retries leave one count possible.
 */
import assert from "node:assert/strict";
import { AttemptCounts } from "../src/cli/display_facts.ts";
import type { EngineEvent } from "../src/engine/events.ts";

const retry = (taskId: string, attempt: number, retryInMs: number | null): EngineEvent => ({
  type: "attempt_finished",
  runId: "r",
  taskId,
  attempt,
  status: "failed",
  exitCode: 1,
  error: null,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:00:00.000Z",
  retryInMs,
});

Deno.test("AttemptCounts: branches that agree (or a lone branch) give the count at once", () => {
  const counts = new AttemptCounts();
  counts.addBranches("same", [{ attempts: 3, delay: 5 }, { attempts: 3, delay: 50 }]);
  counts.addBranches("lone", [{ attempts: 2 }]);
  counts.addBranches("none", [undefined, undefined]);
  assert.equal(counts.get("same"), 3);
  assert.equal(counts.get("lone"), 2);
  assert.equal(counts.get("none"), 1);
});

Deno.test("AttemptCounts: a retry leaves only the branches that would make it", () => {
  const counts = new AttemptCounts();
  counts.addBranches("c", [undefined, { attempts: 3, delay: 10 }, { attempts: 4, delay: 10 }]);
  assert.equal(counts.get("c"), undefined);
  counts.learn(retry("c", 1, null)); // the last try tells nothing
  counts.learn(retry("c", 1, 99)); // no branch waits 99 ms: know nothing rather than guess
  counts.learn(retry("other", 1, 10));
  assert.equal(counts.get("c"), undefined);
  counts.learn(retry("c", 1, 10)); // 3 or 4 tries
  assert.equal(counts.get("c"), undefined);
  counts.learn(retry("c", 3, 10)); // only 4 tries allow a retry after attempt 3
  assert.equal(counts.get("c"), 4);
});

Deno.test("AttemptCounts: the delay of a retry tells branches apart, backoff included", () => {
  const counts = new AttemptCounts();
  counts.addBranches("c", [
    { attempts: 3, delay: 10, backoff: "exponential" },
    { attempts: 5, delay: 20 },
  ]);
  counts.learn(retry("c", 2, 20)); // 10 * 2 after attempt 2, as fixed 20: both
  assert.equal(counts.get("c"), undefined);
  counts.learn(retry("c", 1, 20)); // only the fixed one
  assert.equal(counts.get("c"), 5);
});
