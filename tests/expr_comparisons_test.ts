/**
 * The comparisons of a reference with a literal (src/expr/comparisons.ts), and a status
 * compared with the seed's `'completed'`, read as `'success'` (src/expr/compile.ts,
 * src/model/status_words.ts).
 */
import assert from "node:assert/strict";
import { compileCondition, literalComparisons, type Scope } from "../src/expr/mod.ts";

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
