/** unchanged.ts: which final task records still need a write, and the equality behind it. */
import assert from "node:assert/strict";
import { sameValue, unwrittenTasks } from "../src/store/unchanged.ts";
import { pendingTaskRecord, type TaskRecord } from "../src/engine/events.ts";

Deno.test("sameValue: deep equality of JSON-like values", () => {
  assert.ok(sameValue({ a: [1, "x", null, { b: true }] }, { a: [1, "x", null, { b: true }] }));
  assert.ok(sameValue({ a: 1, gone: undefined }, { a: 1 }), "an undefined key counts as absent");
  assert.ok(sameValue({ a: 1 }, { a: 1, gone: undefined }));
  assert.ok(sameValue(NaN, NaN));
  assert.ok(!sameValue({ a: 1 }, { a: 2 }));
  assert.ok(!sameValue({ a: 1 }, { a: 1, b: null }), "null is a value");
  assert.ok(!sameValue([1, 2], [1, 2, 3]));
  assert.ok(!sameValue([1], { 0: 1 }));
  assert.ok(!sameValue({ a: "1" }, { a: 1 }));
  assert.ok(!sameValue(null, {}));
  const when = new Date(0);
  assert.ok(sameValue({ when }, { when }), "the same Date object");
  assert.ok(!sameValue({ when }, { when: new Date(0) }), "other objects compare by identity");
});

Deno.test("unwrittenTasks keeps records that differ or were never queued", () => {
  const done = (id: string): TaskRecord => ({
    ...pendingTaskRecord(id),
    status: "success",
    attempts: 1,
    exitCode: 0,
    outputs: { k: "v" },
  });
  const queued = new Map([["a", done("a")], ["b", done("b")]]);
  const final = [
    structuredClone(done("a")), // equal content, another object
    { ...done("b"), outputs: { k: "w" } }, // changed since it was queued
    done("c"), // never queued
  ];
  assert.deepEqual(unwrittenTasks(final, queued).map((t) => t.id), ["b", "c"]);
  assert.deepEqual(unwrittenTasks([], queued), []);
});
