/**
 * Arithmetic on a value that is there but spells no number (expr/arithmetic_operands.ts)
 * fails the task or its condition naming the `${...}` and the value, masked when it is a
 * secret; a missing or empty value still gives an empty value. Through the real CLI.
 */
import assert from "node:assert/strict";
import { compileCondition, ExpressionError } from "../src/expr/mod.ts";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/arithmetic_operands/", import.meta.url).pathname;

Deno.test("arithmetic operands: text that spells no number throws at the operator", () => {
  const scope = (_root: string, path: string[]) =>
    ({ s: "three", n: "4", blank: " ", list: ["a"] } as Record<string, unknown>)[path[0]] as
      | string
      | undefined;
  for (
    const [text, offset] of [
      ["params.s * 2", 9],
      ["2 - params.s", 2],
      ["params.n / params.s", 9],
      ["params.s % 3", 9],
      ["-params.s", 0],
      ["params.list * 2", 12],
      ["true * 2", 5],
    ] as const
  ) {
    assert.throws(
      () => compileCondition(text).evaluate(scope),
      (e: unknown) =>
        e instanceof ExpressionError && e.offset === offset && e.message.includes("not a number"),
      text,
    );
  }
  // Missing or blank: empty, as README says; `+` still joins text.
  for (const text of ["params.none * 2", "params.blank * 2", "-params.none", "params.none - 'x'"]) {
    assert.equal(compileCondition(text).evaluate(scope), null, text);
  }
  assert.equal(compileCondition("params.s + 2").evaluate(scope), "three2");
  assert.equal(compileCondition("params.n * 2").evaluate(scope), 8);
});

Deno.test("weft run: text in arithmetic fails the task and the condition, value shown or masked", async () => {
  const run = await weft(["run", `${FIXTURES}scale.yml`, "-v", "-p", "replicas=three"], {
    env: { API_TOKEN: "hunter2-token", EMPTY: "" },
  });
  assert.equal(run.code, 1, run.stderr);
  const text = run.stdout + run.stderr;
  assert.match(text, /✖ scale failed: not a number: "three" \* 2 in \$\{params\.replicas \* 2\}/);
  assert.match(text, /✖ gate failed: condition: not a number: "three" \* 2/);
  assert.match(text, /✖ minus failed: not a number: -"three" in \$\{-params\.replicas\}/);
  assert.match(text, /✖ token failed: not a number: "\*\*\*" % 7 in \$\{env\.API_TOKEN % 7\}/);
  assert.ok(!text.includes("hunter2"), text);
  assert.match(text, /\[missing\] missing=\[\] empty=\[\]/);
  assert.doesNotMatch(text, /replicas=\[|gate-ran|minus=\[/);
  // A number still computes.
  const ok = await weft(["run", `${FIXTURES}scale.yml`, "-v"], {
    env: { API_TOKEN: "12", EMPTY: "" },
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /\[scale\] replicas=\[6\]/);
  assert.match(ok.stderr, /\[minus\] minus=\[-3\]/);
  assert.match(ok.stderr, /\[gate\] gate-ran/);
});

Deno.test("weft validate: text in arithmetic written in the file is refused at the operator", async () => {
  const result = await weft(["validate", `${FIXTURES}literal.yml`]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /literal\.yml:4:29: command in task "t": not a number: "three" \* 2 in \$\{'three' \* 2\}/,
  );
  assert.match(result.stderr, /hint: arithmetic needs numbers/);
  assert.doesNotMatch(result.stderr, /[\uE000-\uE003]/);
});
