/**
 * Record rules shared by the stores: capping task and attempt records for storage, and how
 * crash recovery ends a dead run's unfinished tasks.
 */
import assert from "node:assert/strict";
import type { TaskRecord } from "../src/engine/events.ts";
import {
  capAttempt,
  capAttemptForWrite,
  capTask,
  capTaskForWrite,
  emptyAttempt,
  interruptedTask,
  MAX_ERROR_BYTES,
  MAX_OUTPUT_VALUE_BYTES,
  MAX_OUTPUTS_BYTES,
} from "../src/store/records.ts";
import { pendingTask } from "./fixtures/history/events.ts";

function task(overrides: Partial<TaskRecord> = {}): TaskRecord {
  return { ...pendingTask("a"), status: "success", attempts: 1, exitCode: 0, ...overrides };
}

Deno.test("capTaskForWrite: a record within the caps is stored as it is, no copy", () => {
  const small = task({ outputs: { url: "https://example.org", "ü": "ünïcode" }, error: "x" });
  const { task: stored, truncated } = capTaskForWrite(small);
  assert.equal(stored, small);
  assert.deepEqual(truncated, []);
  assert.deepEqual(capTask(small), { task: small, truncated: [] }, "capTask: an equal copy");
  assert.notEqual(capTask(small).task, small);
  const attempt = emptyAttempt("R1", "a", 1);
  assert.equal(capAttemptForWrite(attempt), attempt);
});

Deno.test("capTaskForWrite caps exactly as capTask when a value, the outputs or the error is too big", () => {
  const cases: TaskRecord[] = [
    task({ outputs: { big: "x".repeat(MAX_OUTPUT_VALUE_BYTES + 1) } }),
    // Each value within its cap, all of them together not.
    task({
      outputs: Object.fromEntries(
        Array.from({ length: 4 }, (_, i) => [`k${i}`, "y".repeat(MAX_OUTPUTS_BYTES / 3)]),
      ),
    }),
    task({ error: "é".repeat(MAX_ERROR_BYTES) }), // 2 bytes each in UTF-8: over the cap
    // Under the caps in bytes, but not surely so by length alone: still correct.
    task({ outputs: { v: "z".repeat(MAX_OUTPUT_VALUE_BYTES / 2) } }),
  ];
  for (const record of cases) {
    assert.deepEqual(capTaskForWrite(record), capTask(record));
    const attempt = { ...emptyAttempt("R1", "a", 1), outputs: record.outputs, error: record.error };
    assert.deepEqual(capAttemptForWrite(attempt), capAttempt(attempt));
  }
  assert.deepEqual(capTaskForWrite(cases[0]).truncated, ["big"]);
  assert.ok(
    new TextEncoder().encode(capTaskForWrite(cases[2]).task.error!).length <= MAX_ERROR_BYTES,
  );
  // A record with no outputs at all (an old one) is stored with empty ones, as before.
  const old = { ...task(), outputs: undefined } as unknown as TaskRecord;
  assert.deepEqual(capTaskForWrite(old).task.outputs, {});
});

Deno.test("interruptedTask: unfinished tasks are interrupted; a callback never called is skipped", () => {
  const pending = pendingTask("a");
  assert.deepEqual(interruptedTask(pending), {
    ...pending,
    status: "interrupted",
    reason: "crash",
  });
  const running = { ...pendingTask("b"), status: "running" as const, attempts: 1 };
  assert.equal(interruptedTask(running).status, "interrupted");
  // Not called before the crash: as a finished run shows it ("not called"), not a failure.
  const uncalled = { ...pendingTask("cb"), callback: true };
  assert.deepEqual(interruptedTask(uncalled), { ...uncalled, status: "skipped", reason: "crash" });
  const calling = { ...pendingTask("cb"), callback: true, status: "running" as const, attempts: 1 };
  assert.equal(interruptedTask(calling).status, "interrupted");
  assert.equal(interruptedTask(uncalled, "fault").reason, "fault");
});
