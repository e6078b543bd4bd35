/**
 * src/expr/value.ts parseJsonKeepingText: JSON text from a run (a loop's items) keeps
 * each number's written text where String() would spell it otherwise.
 */
import assert from "node:assert/strict";
import { parseJsonKeepingText, stringify } from "../src/expr/value.ts";

Deno.test("parseJsonKeepingText: re-spelled numbers keep their text, at any depth", () => {
  assert.deepEqual(
    parseJsonKeepingText(
      '[1.10, 1E3, 1e+3, -0, -0.0, 100000000000000000000001, 0.1, 10, 2.5, true, null, "007"]',
    ),
    [
      "1.10",
      "1E3",
      "1e+3",
      "-0",
      "-0.0",
      "100000000000000000000001",
      0.1,
      10,
      2.5,
      true,
      null,
      "007",
    ],
  );
  assert.deepEqual(parseJsonKeepingText('{"a": {"b": [3.10]}, "c": 3}'), {
    a: { b: ["3.10"] },
    c: 3,
  });
  assert.equal(stringify(parseJsonKeepingText("[1.10]") as string[]), '["1.10"]');
});

Deno.test("parseJsonKeepingText: invalid JSON throws SyntaxError as JSON.parse does", () => {
  assert.throws(() => parseJsonKeepingText("[007]"), SyntaxError);
  assert.throws(() => parseJsonKeepingText("[1.10,"), SyntaxError);
});
