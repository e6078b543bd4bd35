/**
 * The comparisons of a reference with a literal (src/expr/comparisons.ts), and a status
 * compared with the seed's `'completed'`, read as `'success'` (src/expr/compile.ts,
 * src/model/status_words.ts).
 */
import assert from "node:assert/strict";
import { comparisons, compileCondition, literalComparisons, type Scope } from "../src/expr/mod.ts";

Deno.test("literalComparisons: each side first, required only through &&", () => {
  const found = literalComparisons(
    "${tasks.a.status} == 'failed' && 'x' != env.X && (tasks.b.status == 'y' || !(run.id == 'z'))",
  );
  assert.deepEqual(
    found.map((c) => [c.ref.root, c.ref.path.join("."), c.op, c.literal, c.required]),
    [
      ["tasks", "a.status", "==", "failed", true],
      ["env", "X", "!=", "x", true],
      ["tasks", "b.status", "==", "y", false],
      ["run", "id", "==", "z", false],
    ],
  );
  assert.deepEqual(literalComparisons("tasks.a.status =="), []);
});

Deno.test("a status compared with 'completed' means 'success'; other text is untouched", () => {
  const scope = (status: string): Scope => (root, path) =>
    root === "execution" && path[0] === "status"
      ? status
      : root === "tasks" && path[1] === "status"
      ? status
      : root === "env"
      ? "completed"
      : undefined;
  const run = compileCondition("execution.status === 'completed'");
  assert.equal(run.evaluate(scope("success")), true);
  assert.equal(run.evaluate(scope("failed")), false);
  assert.equal(
    compileCondition("'completed' != ${tasks.a.status}").evaluate(scope("success")),
    false,
  );
  // Not a status: compared as written.
  assert.equal(compileCondition("env.X == 'completed'").evaluate(scope("success")), true);
  assert.equal(
    compileCondition("tasks.a.outputs.status == 'completed'").evaluate(scope("success")),
    false,
  );
});

Deno.test("literalComparisons: a number literal kept as its digits is no quoted text", () => {
  // 12345678901234567890.5 is carried as its digits (exact_numbers.ts), but it is written
  // as a number, as `== 5` is: only quoted literals are text compared with a reference.
  const found = literalComparisons(
    "tasks.a.exit_code == 12345678901234567890.5 || tasks.a.exit_code != 9007199254740993 || " +
      "tasks.a.status == '9007199254740993'",
  );
  assert.deepEqual(found.map((c) => c.literal), ["9007199254740993"]);
});

Deno.test("comparisons: numbers and ordering, what the condition needs of each, and its value", () => {
  const found = comparisons(
    "!(${tasks.a.exit_code} == 0 || 1 < tasks.b.exit_code) && ${tasks.c.exit_code} != 0 && " +
      "!(${env.X} == 'y' && ${env.Y} > 2)",
  );
  assert.deepEqual(
    found.map((c) => [c.ref.path.join("."), c.op, c.literal, c.quoted, c.required, c.refuted]),
    [
      ["a.exit_code", "==", "0", false, false, true],
      // Read with the reference first.
      ["b.exit_code", ">", "1", false, false, true],
      ["c.exit_code", "!=", "0", false, true, false],
      // Under `!(… && …)`: neither side alone is needed false.
      ["X", "==", "y", true, false, false],
      ["Y", ">", "2", false, false, false],
    ],
  );
  // What each gives for a value, as the engine evaluates it: a missing value is not 0
  // and is not ordered.
  const [a, b, c] = found;
  assert.deepEqual([a.holds(0), a.holds("0"), a.holds(undefined), a.holds(3)], [
    true,
    true,
    false,
    false,
  ]);
  assert.deepEqual([b.holds(2), b.holds(1), b.holds(undefined)], [true, false, false]);
  assert.deepEqual([c.holds(0), c.holds(undefined)], [false, true]);
  // A status read as the engine reads 'completed'.
  const [status] = comparisons("${tasks.a.status} != 'completed'");
  assert.deepEqual([status.holds("success"), status.holds("failed")], [false, true]);
});
