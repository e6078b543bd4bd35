/**
 * src/expr/exact_integers.ts: integers past 2^53 are compared and computed exactly (the
 * float would round `9007199254740993` to …992), with a number as the result where a
 * float holds it and the digits otherwise; what has no exact result is an error.
 */
import assert from "node:assert/strict";
import { compileCondition, ExpressionError, type Scope } from "../src/expr/mod.ts";
import { weft } from "./_run_cli.ts";
import type { RunReport } from "../src/engine/mod.ts";

const params: Scope = (root, path) =>
  root === "params"
    ? ({
      id: "9007199254740993",
      near: "9007199254740992",
      small: "7",
      written: "9007199254740993.0",
    } as Record<string, string>)[
      path[0]
    ]
    : undefined;
const evaluate = (text: string) => compileCondition(text).evaluate(params);

Deno.test("exact integers: == and ordering past 2^53 tell neighbours apart", () => {
  assert.equal(evaluate("${params.id} == 9007199254740992"), false);
  assert.equal(evaluate("${params.id} == 9007199254740993"), true);
  assert.equal(evaluate("${params.id} == ${params.near}"), false);
  assert.equal(evaluate("${params.id} > ${params.near}"), true);
  assert.equal(evaluate("9007199254740993 > 9007199254740992"), true);
  assert.equal(evaluate("12345678901234567891 != 12345678901234567890"), true);
  // A float past 2^53 is the integer it holds, which is not the neighbour's.
  assert.equal(evaluate("${params.id} == 9007199254740992.0"), false);
  // Small values are unchanged.
  assert.equal(evaluate("${params.small} == 7.0"), true);
  assert.equal(evaluate("'10' > '9'"), true);
});

Deno.test("exact integers: arithmetic past 2^53 is exact, or refused", () => {
  assert.equal(evaluate("9007199254740993 + 1"), "9007199254740994");
  assert.equal(evaluate("${params.id} - 1"), "9007199254740992");
  assert.equal(evaluate("${params.id} - ${params.near}"), 1);
  assert.equal(evaluate("12345678901234567890 + 0"), "12345678901234567890");
  assert.equal(evaluate("4294967296 * 4294967296"), "18446744073709551616");
  assert.equal(evaluate("-9007199254740993"), "-9007199254740993");
  assert.equal(evaluate("${params.id} % 10"), 3);
  assert.equal(evaluate("18446744073709551616 / 4294967296"), 4294967296);
  assert.equal(evaluate("7 / 2"), 3.5, "small integers divide as floats");
  assert.equal(evaluate("0.5 * 3"), 1.5);
  // An integer written with a zero fraction is that integer (t16 F12).
  assert.equal(evaluate("${params.written} + 1"), "9007199254740994");
  assert.equal(evaluate("${params.written} > ${params.near}"), true);
  assert.equal(evaluate("-${params.written}"), "-9007199254740993");
  for (const text of ["${params.id} / 2", "${params.id} * 1.5"]) {
    assert.throws(() => evaluate(text), ExpressionError, text);
  }
});

Deno.test("cli run: ids past 2^53 in conditions and commands keep their digits", async () => {
  const dir = new URL("./fixtures/exact_integers/", import.meta.url).pathname;
  const run = await weft(["run", "-v", "--json", `${dir}ids.yml`]);
  const report = JSON.parse(run.stdout) as RunReport;
  const task = (id: string) => report.tasks.find((t) => t.id === id)!;
  assert.equal(task("same").status, "skipped");
  assert.equal(task("differ").status, "success");
  assert.match(
    run.stderr,
    /^\[next\] next 9007199254740994 prev 9007199254740992 big 12345678901234567890$/m,
  );
  // Written with a zero fraction, still the integer (t16 F12).
  assert.match(run.stderr, /^\[written\] written 9007199254740994$/m);
  assert.equal(task("uneven").status, "failed");
  assert.match(task("uneven").error ?? "", /9007199254740993 \/ 2 has no exact result/);
});
