/** pushAll and maxOf (src/arrays.ts): lists past the ~100,000 arguments a spread can pass. */
import assert from "node:assert/strict";
import { concatBytes, maxOf, pushAll } from "../src/arrays.ts";

Deno.test("pushAll appends in order, past what push(...items) can pass", () => {
  const many = Array.from({ length: 500_000 }, (_, i) => i);
  assert.throws(() => [].push(...(many as never[])), RangeError, "the spread's limit is real");
  const into = [-1];
  assert.equal(pushAll(into, many), into);
  assert.equal(into.length, 500_001);
  assert.equal(into[0], -1);
  assert.equal(into[500_000], 499_999);
  assert.deepEqual(pushAll([1], new Set([2, 3])), [1, 2, 3]);
});

Deno.test("maxOf: the largest value or the floor, for any count", () => {
  assert.equal(maxOf([]), 0);
  assert.equal(maxOf([], 8), 8);
  assert.equal(maxOf([3, 9, 2]), 9);
  assert.equal(maxOf([3, 4], 8), 8);
  assert.equal(maxOf(Array.from({ length: 500_000 }, (_, i) => i)), 499_999);
});

Deno.test("concatBytes: chunks in order; a smaller total keeps the first bytes", () => {
  const chunks = [new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3, 4, 5])];
  assert.deepEqual([...concatBytes(chunks)], [1, 2, 3, 4, 5]);
  assert.deepEqual([...concatBytes(chunks, 5)], [1, 2, 3, 4, 5]);
  assert.deepEqual([...concatBytes(chunks, 3)], [1, 2, 3]);
  assert.equal(concatBytes([]).byteLength, 0);
});
