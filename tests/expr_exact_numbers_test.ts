/**
 * src/expr/exact_numbers.ts: numbers a 64-bit float does not hold — integers past 2^53
 * (the float would round `9007199254740993` to …992) and decimals with more digits than
 * it keeps (`12345678901234567890.5` would be …567000) — are compared and computed
 * exactly, with a number as the result where a float holds it and the digits otherwise;
 * what has no exact decimal result is an error. Numbers a float holds keep float
 * arithmetic (`0.1 + 0.2`).
 */
import assert from "node:assert/strict";
import { asNumber, compileCondition, ExpressionError, type Scope } from "../src/expr/mod.ts";
import {
  compareDecimals,
  decimalOf,
  decimalText,
  fromDecimal,
  MAX_DIGITS,
  roughText,
} from "../src/expr/exact_numbers.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { weft } from "./_run_cli.ts";
import type { RunReport } from "../src/engine/mod.ts";

const FIXTURES = new URL("./fixtures/exact_numbers/", import.meta.url).pathname;

const params: Scope = (root, path) =>
  root === "params"
    ? ({
      id: "9007199254740993",
      near: "9007199254740992",
      small: "7",
      written: "9007199254740993.0",
      x: "12345678901234567890.5",
      y: "12345678901234567890.6",
      x0: "12345678901234567890.50",
      d: "9007199254740993.5",
      tiny: "1e-400",
      tinier: "1e-99999999",
      long: "0.1000000000000000000001",
      huge: "1e400",
      huger: "1e401",
      nine: "9e400",
      over: "2e308",
      past: "1e99999999999999999999",
    } as Record<string, string>)[
      path[0]
    ]
    : undefined;
const evaluate = (text: string) => compileCondition(text).evaluate(params);

/** The message of the ExpressionError `text` throws, its data marks resolved. */
function failure(text: string): string {
  try {
    evaluate(text);
  } catch (e) {
    if (e instanceof ExpressionError) return resolveQuoted(e.message);
    throw e;
  }
  assert.fail(`${text} did not fail`);
}

Deno.test("exact numbers: == and ordering past 2^53 tell neighbours apart", () => {
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

Deno.test("exact numbers: decimals a float rounds are ordered and compared exactly", () => {
  assert.equal(evaluate("${params.x} < ${params.y}"), true);
  assert.equal(evaluate("${params.x} > ${params.y}"), false);
  assert.equal(evaluate("${params.x} <= ${params.y}"), true);
  assert.equal(evaluate("${params.x} >= ${params.y}"), false);
  assert.equal(evaluate("${params.x} == ${params.y}"), false);
  assert.equal(evaluate("${params.x} != ${params.y}"), true);
  assert.equal(evaluate("12345678901234567890.5 < 12345678901234567890.6"), true);
  assert.equal(evaluate("${params.d} > 9007199254740993"), true);
  assert.equal(evaluate("${params.d} < 9007199254740994"), true);
  assert.equal(evaluate("${params.long} > 0.1"), true);
  assert.equal(evaluate("${params.tiny} > 0"), true, "1e-400 is no float, but not zero");
  assert.equal(evaluate("-${params.x} < -${params.near}"), true);
  // Two strings stay text for ==, whatever they spell (README: `'0012' == '12'` is false)…
  assert.equal(evaluate("${params.x} == ${params.x0}"), false);
  // …but a number written in the expression is a number, even one kept as its digits.
  assert.equal(evaluate("${params.x0} == 12345678901234567890.5"), true);
  assert.equal(evaluate("${params.x0} != 12345678901234567890.5"), false);
  assert.equal(evaluate("${params.written} == 9007199254740993"), true);
  assert.equal(evaluate("${params.x + 0} == ${params.x0}"), true, "an arithmetic result too");
  assert.equal(evaluate("${params.x} == 12345678901234567890.6"), false);
  // Floats are unchanged: 1.5 < 2, versions compare as text, a missing value is unordered.
  assert.equal(evaluate("1.5 < 2"), true);
  assert.equal(evaluate("'3.10' == '3.1'"), false);
  assert.equal(evaluate("'1.10.0' > '1.9.0'"), false);
  assert.equal(evaluate("${params.none} < ${params.x}"), false);
});

Deno.test("exact numbers: integer arithmetic past 2^53 is exact", () => {
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
  // What had no exact integer result has an exact decimal one.
  assert.equal(evaluate("${params.id} / 2"), "4503599627370496.5");
  assert.equal(evaluate("${params.id} * 1.5"), "13510798882111489.5");
});

Deno.test("exact numbers: decimal arithmetic a float rounds is exact", () => {
  assert.equal(evaluate("${params.x} - ${params.y}"), -0.1, "a float holds -0.1: a number");
  assert.equal(evaluate("${params.d} + 0"), "9007199254740993.5");
  assert.equal(evaluate("${params.x} + 1"), "12345678901234567891.5");
  assert.equal(evaluate("-${params.x}"), "-12345678901234567890.5");
  assert.equal(evaluate("${params.x} * 2"), "24691357802469135781");
  assert.equal(evaluate("${params.x} / 2"), "6172839450617283945.25");
  assert.equal(evaluate("${params.x} % 1"), 0.5);
  assert.equal(evaluate("-${params.x} % 1"), -0.5, "the dividend's sign, as JavaScript's %");
  assert.equal(evaluate("${params.long} - 0.1"), 1e-22, "exact, and a float holds it");
  assert.equal(evaluate("${params.long} * 10"), "1.000000000000000000001");
  assert.equal(evaluate("12345678901234567890.5 - 12345678901234567890"), 0.5);
  // Numbers a float holds keep float arithmetic (README; tests/expr_test.ts).
  assert.equal(evaluate("0.1 + 0.2"), 0.30000000000000004);
  assert.equal(evaluate("1e21 + 1"), 1e21);
  assert.equal(evaluate("1.5 * 2"), 3);
});

Deno.test("exact numbers: no exact decimal result fails, naming the values", () => {
  assert.equal(
    failure("${params.x} / 3"),
    "12345678901234567890.5 / 3 has no exact decimal result",
  );
  assert.equal(failure("${params.id} / 7"), "9007199254740993 / 7 has no exact decimal result");
  assert.throws(
    () => evaluate("1 + ${params.x} / 3"),
    (e: unknown) => e instanceof ExpressionError && e.offset === 16,
    "at the operator",
  );
  // 1e-400 has no float, but it is not zero: no division by zero, and no rounding.
  assert.equal(evaluate("1 / ${params.tiny} > 1e300"), true);
  assert.equal(evaluate("${params.tiny} + 1 > 1"), true);
  // A result too long to write is refused rather than made (10^99999999 digits).
  assert.match(failure("${params.tinier} + 1"), new RegExp(`more than ${MAX_DIGITS} digits`));
  assert.match(failure("-${params.tinier}"), new RegExp(`more than ${MAX_DIGITS} digits`));
  assert.equal(failure("${params.x} / 0"), "division by zero: 12345678901234567890.5 / 0");
});

/** `digit` and then `zeros` zeros: `10^zeros × digit` in plain decimal. */
const power = (digit: string, zeros: number) => digit + "0".repeat(zeros);

Deno.test("exact numbers: text past a float's range is a number, compared exactly", () => {
  // Its float is Infinity, which it is not: no text joined, no Infinity compared.
  assert.equal(asNumber("1e400"), Infinity, "a number, read exactly where it matters");
  assert.equal(evaluate("${params.huge} == 1e400"), true);
  assert.equal(evaluate("${params.huge} > 1e399"), true);
  assert.equal(evaluate("${params.huge} < 1e399"), false);
  assert.equal(evaluate("${params.nine} < ${params.huger}"), true);
  assert.equal(evaluate("${params.nine} > ${params.huger}"), false);
  assert.equal(evaluate("${params.huge} == ${params.huger}"), false);
  assert.equal(evaluate("${params.over} > 1e308"), true);
  assert.equal(evaluate("${params.over} == 2e308"), true);
  assert.equal(evaluate("1e400 == 10e399"), true);
  assert.equal(evaluate("1e400 != 1e401"), true);
  assert.equal(evaluate("-${params.huge} < 0"), true);
  // Any exponent text may write is still ordered (10^99999999999999999999 is past 1e401).
  assert.equal(evaluate("${params.past} > ${params.huger}"), true);
  assert.match(failure("-${params.past} < 0"), /more than 1000 digits/, "its -, as -1e-99999999");
});

Deno.test("exact numbers: arithmetic past a float's range is exact, up to 1000 digits", () => {
  assert.equal(evaluate("${params.huge} + 1"), power("1", 399) + "1", "added, not joined");
  assert.equal(evaluate("1 + ${params.huge}"), power("1", 399) + "1");
  assert.equal(evaluate("${params.huge} - 1"), "9".repeat(400));
  assert.equal(evaluate("${params.huge} + 0.5"), power("1", 400) + ".5");
  assert.equal(evaluate("-${params.huge}"), "-" + power("1", 400));
  assert.equal(evaluate("${params.huge} * ${params.huge}"), power("1", 800));
  assert.equal(evaluate("${params.huge} / ${params.huge}"), 1, "a float holds 1: a number");
  assert.equal(evaluate("${params.huge} % 7"), 4, "10^400 mod 7");
  assert.equal(evaluate("${params.huge} * ${params.tiny}"), 1);
  assert.equal(evaluate("${params.past} * 0"), 0);
  assert.equal(evaluate("1e400 * 2"), power("2", 400), "a literal past the range too");
  assert.equal(evaluate("${params.over} - 1e308"), power("1", 308));
  // A literal longer than 400 characters is one number.
  assert.equal(evaluate(power("1", 500) + " + 1"), power("1", 499) + "1");
  // Results of numbers a float holds past its range: never Infinity, never 0.
  assert.equal(evaluate("1e300 * 1e300"), power("1", 600));
  assert.equal(evaluate("1e308 + 1e308"), power("2", 308));
  assert.equal(evaluate("1e300 / 1e-300"), power("1", 600));
  assert.equal(evaluate("1e-300 * 1e-300"), `0.${"0".repeat(599)}1`);
  assert.equal(evaluate("1e-300 * 1e-300 > 0"), true);
  assert.equal(evaluate("1e-300 / 1e300 == 0"), false);
  assert.equal(evaluate("0 * 1e-300"), 0, "a product with 0 is 0");
  // Past 1000 digits, or with no exact decimal, it fails naming the values.
  assert.equal(
    failure("${params.huge} * 1e700"),
    "the exact result of 1e400 * 1e700 has more than 1000 digits",
  );
  assert.equal(
    failure("${params.past} + 1"),
    "the exact result of 1e99999999999999999999 + 1 has more than 1000 digits",
  );
  assert.match(failure("1e999 * 10"), /more than 1000 digits/);
  assert.equal(failure("${params.huge} / 3"), "1e400 / 3 has no exact decimal result");
  assert.equal(failure("${params.huge} / 0"), "division by zero: 1e400 / 0");
  // Numbers a float holds keep float arithmetic (README).
  assert.equal(evaluate("0.1 + 0.2"), 0.30000000000000004);
  assert.equal(evaluate("1e21 + 1"), 1e21);
  assert.equal(evaluate("1e308 * 1"), 1e308);
});

Deno.test("exact numbers: decimals, their text, and which text a float rounds", () => {
  const text = (s: string) => decimalText(decimalOf(s)!);
  assert.equal(text(" -0012.500 "), "-12.5");
  assert.equal(text("1e+21"), "1000000000000000000000");
  assert.equal(text(".5e-3"), "0.0005");
  assert.equal(text("-0"), "0");
  assert.equal(decimalOf("1.2.3"), undefined);
  assert.equal(decimalOf("abc"), undefined);
  const cmp = (a: string, b: string) => compareDecimals(decimalOf(a)!, decimalOf(b)!);
  assert.equal(cmp("12345678901234567890.5", "12345678901234567890.6"), -1);
  assert.equal(cmp("-1", "-2"), 1);
  assert.equal(cmp("1e-99999999", "1"), -1, "no 10^99999999 made");
  assert.equal(cmp("1.50", "1.5"), 0);
  assert.equal(cmp("0", "-0.0"), 0);
  assert.equal(cmp("1e99999999999999999999", "1e99999999999999999998"), 1, "any exponent");
  assert.equal(cmp("1e400", "10e399"), 0);
  for (
    const s of [
      "9007199254740993",
      "12345678901234567890.5",
      "9007199254740992.0",
      "1e-400",
      "1e400",
      "-2e308",
      power("1", 400),
      "1e99999999999999999999",
      "1e-99999999999999999999",
    ]
  ) {
    assert.equal(roughText(s), true, s);
  }
  for (const s of ["0.1", "1.5", "9007199254740991", "1e21", "3.10", "abc", " 12 "]) {
    assert.equal(roughText(s), false, s);
  }
  assert.equal(roughText(9007199254740993), false, "a number is the float it is");
  assert.equal(fromDecimal(decimalOf("-0.1")!), -0.1);
  assert.equal(fromDecimal(decimalOf("9007199254740992")!), "9007199254740992");
  assert.equal(fromDecimal(decimalOf("0.1000000000000000000001")!), "0.1000000000000000000001");
});

Deno.test("cli run: ids past 2^53 in conditions and commands keep their digits", async () => {
  const run = await weft(["run", "-v", "--json", `${FIXTURES}ids.yml`]);
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
  assert.match(task("uneven").error ?? "", /9007199254740993 \/ 7 has no exact decimal result/);
});

Deno.test("cli run: decimals a float rounds compare and compute exactly", async () => {
  const run = await weft(["run", "-v", "--json", `${FIXTURES}decimals.yml`]);
  const report = JSON.parse(run.stdout) as RunReport;
  const task = (id: string) => report.tasks.find((t) => t.id === id)!;
  assert.match(
    run.stderr,
    /^\[a\] lt=true gt=false eq=false diff=-0\.1 d=9007199254740993\.5 next=12345678901234567891\.5$/m,
  );
  assert.equal(task("gate").status, "success");
  assert.match(run.stderr, /^\[gate\] ran$/m);
  assert.equal(task("same").status, "success");
  assert.equal(task("third").status, "failed");
  assert.match(
    task("third").error ?? "",
    /12345678901234567890\.5 \/ 3 has no exact decimal result in \$\{params\.x \/ 3\}/,
  );
});

Deno.test("cli run: numbers past a float's range compare and compute exactly", async () => {
  const run = await weft(["run", "-v", "--json", `${FIXTURES}huge.yml`]);
  const report = JSON.parse(run.stdout) as RunReport;
  const task = (id: string) => report.tasks.find((t) => t.id === id)!;
  const a = run.stderr.split("\n").find((line) => line.startsWith("[a] "));
  assert.equal(
    a,
    `[a] p1=${power("1", 399)}1 m1=${"9".repeat(400)} lit=true cmp=true`,
    "added, not joined; compared as numbers",
  );
  const literals = run.stderr.split("\n").find((line) => line.startsWith("[literals] "));
  assert.equal(
    literals,
    `[literals] same=true dbl=${power("2", 400)} sq=${power("1", 600)}`,
    "literals past the range pass validation and compute exactly",
  );
  assert.equal(task("lt").status, "success", "9e400 < 1e401");
  assert.equal(task("gt").status, "skipped");
  assert.equal(task("long").status, "failed");
  assert.match(
    task("long").error ?? "",
    /the exact result of 1e400 \* 1e700 has more than 1000 digits in \$\{params\.x \* 1e700\}/,
  );
});

Deno.test("exact numbers: a literal of more digits than any exact result is refused where it is", () => {
  const digits = "7".repeat(2000);
  assert.throws(
    () => compileCondition(`1 + ${digits} > 0`),
    (e: unknown) =>
      e instanceof ExpressionError && e.offset === 4 &&
      /a number written with 2000 characters: .* at most 1000 digits/.test(e.message),
  );
  assert.equal(evaluate(`${"1".repeat(900)} + 1 > ${"1".repeat(899)}`), true);
});
