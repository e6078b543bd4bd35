import assert from "node:assert/strict";
import {
  compileCondition,
  compileTemplate,
  evaluateCondition,
  ExpressionError,
  type Scope,
  stringify,
  truthy,
  type Value,
} from "../src/expr/mod.ts";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** A scope over nested plain data, as the engine will build one. */
function scopeOf(data: Record<string, Value>): Scope {
  return (root, path) => {
    let value: Value = data[root];
    for (const key of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = Array.isArray(value) ? value[Number(key)] : value[key];
    }
    return value;
  };
}

const empty: Scope = () => undefined;
const evaluate = (text: string, scope: Scope = empty) => compileCondition(text).evaluate(scope);

/** Asserts that compiling throws an ExpressionError at `offset`, returning it. */
function syntaxError(compile: () => unknown, offset: number): ExpressionError {
  try {
    compile();
  } catch (error) {
    assert.ok(error instanceof ExpressionError, `expected ExpressionError, got ${error}`);
    assert.equal(error.offset, offset, `offset of "${error.message}"`);
    return error;
  }
  assert.fail("expected a syntax error");
}

Deno.test("literals: strings, numbers, booleans, null", () => {
  assert.equal(evaluate("'single'"), "single");
  assert.equal(evaluate('"double"'), "double");
  assert.equal(evaluate("42"), 42);
  assert.equal(evaluate("3.25"), 3.25);
  assert.equal(evaluate("1e3"), 1000);
  assert.equal(evaluate("true"), true);
  assert.equal(evaluate("false"), false);
  assert.equal(evaluate("null"), null);
});

Deno.test("string escapes", () => {
  assert.equal(evaluate(String.raw`'it\'s'`), "it's");
  assert.equal(evaluate(String.raw`"say \"hi\""`), 'say "hi"');
  assert.equal(evaluate(String.raw`'a\nb\tc\\d'`), "a\nb\tc\\d");
  assert.equal(evaluate(String.raw`'\u00e9\u{1F600}'`), "é😀");
  assert.equal(evaluate(String.raw`'\q'`), "q", "an unknown escape stands for the character");
  assert.equal(evaluate(`"it's"`), "it's");
  syntaxError(() => compileCondition(String.raw`'\uZZ'`), 1);
});

Deno.test("precedence and associativity", () => {
  assert.equal(evaluate("1 + 2 * 3"), 7);
  assert.equal(evaluate("(1 + 2) * 3"), 9);
  assert.equal(evaluate("10 - 4 - 3"), 3, "left associative");
  assert.equal(evaluate("100 / 10 / 5"), 2);
  assert.equal(evaluate("7 % 4 * 2"), 6);
  assert.equal(evaluate("-2 * 3"), -6);
  assert.equal(evaluate("- -2"), 2);
  assert.equal(evaluate("1 + 2 == 3"), true, "arithmetic binds tighter than ==");
  assert.equal(evaluate("1 < 2 == true"), true, "relational binds tighter than ==");
  assert.equal(evaluate("true || false && false"), true, "&& binds tighter than ||");
  assert.equal(evaluate("(true || false) && false"), false);
  assert.equal(evaluate("!false && !0"), true);
  assert.equal(evaluate("!(1 == 1)"), false);
  assert.equal(evaluate("!1 == false"), true, "unary ! binds tighter than ==");
});

Deno.test("&& and || give booleans and short-circuit", () => {
  const seen: string[] = [];
  const scope: Scope = (root) => {
    seen.push(root);
    return root === "yes" ? "value" : undefined;
  };
  assert.equal(evaluate("yes && yes", scope), true);
  assert.equal(evaluate("no && yes", scope), false);
  assert.equal(evaluate("yes || no", scope), true);
  assert.deepEqual(seen, ["yes", "yes", "no", "yes"], "right sides skipped when decided");
  assert.equal(evaluate("'' || 0"), false);
});

Deno.test("=== and !== mean == and !=", () => {
  assert.equal(evaluate("'1' === 1"), true);
  assert.equal(evaluate("'a' !== 'a'"), false);
  assert.equal(evaluate("1 !== 2"), true);
});

Deno.test("comparison: a string meets a number as a number; ordering of numeric strings is numeric", () => {
  assert.equal(evaluate("'10' > '9'"), true, "numeric strings compare as numbers");
  assert.equal(evaluate("'10' > '9a'"), false, "otherwise as text");
  assert.equal(evaluate("' 5 ' == 5"), true, "whitespace around numbers is ignored");
  assert.equal(evaluate("'5.0' == 5"), true);
  assert.equal(evaluate("'' == 0"), false, "an empty string is not a number");
  assert.equal(evaluate("'0x10' == 16"), false, "only decimal numbers");
  assert.equal(evaluate("'abc' < 'abd'"), true);
  assert.equal(evaluate("'B' < 'a'"), true, "code unit order");
  assert.equal(evaluate("true == 'true'"), true, "booleans compare as text");
  assert.equal(evaluate("false != 'false'"), false);
  assert.equal(evaluate("1 == true"), false);
  assert.equal(evaluate("2 >= 2 && 2 <= 2 && !(2 < 2) && !(2 > 2)"), true);
});

Deno.test("absent values: equal to '' and null, never ordered", () => {
  assert.equal(evaluate("missing == ''"), true);
  assert.equal(evaluate("missing == null"), true);
  assert.equal(evaluate("null == ''"), true);
  assert.equal(evaluate("missing != 0"), true);
  for (const op of ["<", "<=", ">", ">="]) {
    assert.equal(evaluate(`missing ${op} 1`), false, op);
    assert.equal(evaluate(`1 ${op} missing`), false, op);
  }
  // The seed's alert must not fire when the expected duration is not known.
  assert.equal(
    evaluate(
      "execution.duration > workflow.expected_duration * 2",
      scopeOf({ execution: { duration: 5 } }),
    ),
    false,
  );
});

Deno.test("arithmetic: + adds numbers or joins text; others need numbers", () => {
  assert.equal(evaluate("'1' + '2'"), 3);
  assert.equal(evaluate("'a' + 1"), "a1");
  assert.equal(evaluate("1 + 'a'"), "1a");
  assert.equal(evaluate("'v' + missing"), "v");
  // A missing value and a number: arithmetic on the missing value, empty as with `-`.
  for (const text of ["missing + 1", "1 + missing", "missing + '2'", "-3.5 + missing"]) {
    assert.equal(evaluate(text), null, text);
  }
  assert.equal(evaluate("(missing + 1) == ''"), true);
  assert.equal(evaluate("missing + missing"), "");
  assert.equal(evaluate("'6' * '7'"), 42);
  // Text that spells no number fails (expr_arithmetic_operands_test.ts); blank text is missing.
  assert.throws(() => evaluate("'a' * 2"), ExpressionError);
  assert.throws(() => evaluate("-'x'"), ExpressionError);
  assert.equal(evaluate("' ' * 2"), null);
  assert.equal(evaluate("7 / 2"), 3.5);
  // A missing operand stays null: the seed's alert is false while the duration is unknown.
  assert.equal(evaluate("missing * 2"), null);
});

Deno.test("arithmetic: division by zero and overflow throw at the operator, never an empty value", () => {
  for (
    const [text, offset, message] of [
      ["1 / 0", 2, "division by zero: 1 / 0"],
      ["10 % '0'", 3, "division by zero: 10 % 0"],
      // Past a float's range results are exact (expr_exact_numbers_test.ts), up to 1000 digits.
      ["1e999 * 10", 6, "has more than 1000 digits"],
      ["-9e999 - 1e999", 7, "has more than 1000 digits"],
      ["1e308 * 1e308 * 1e308 * 1e308", 22, "has more than 1000 digits"],
    ] as const
  ) {
    assert.throws(
      () => evaluate(text),
      (e: unknown) =>
        e instanceof ExpressionError && e.offset === offset && e.message.includes(message),
      text,
    );
  }
  // In a template, the error names the ${...} it comes from.
  assert.throws(
    () => compileTemplate("echo ${100 / params.n}").render((_r, _p) => "0"),
    (e: unknown) =>
      e instanceof ExpressionError &&
      e.message === "division by zero: 100 / 0 in ${100 / params.n}",
  );
});

Deno.test("numbers become text in plain decimal, never with an exponent", () => {
  const empty = () => undefined;
  assert.equal(
    compileTemplate("${1e21 + 1}|${0.000001 / 10}|${-2.5e-8}|${1.5e22}|${0.1 + 0.2}").render(empty),
    "1000000000000000000000|0.0000001|-0.000000025|15000000000000000000000|0.30000000000000004",
  );
  assert.equal(stringify(1e-7), "0.0000001");
  assert.equal(stringify(123e20), "12300000000000000000000");
  assert.equal(stringify(-0), "0");
});

Deno.test("truthy", () => {
  for (const value of [false, 0, "", "false", "0", null, undefined, NaN, "FALSE", " 0\n"]) {
    assert.equal(truthy(value), false, JSON.stringify(value));
  }
  for (const value of [true, 1, -1, "true", "no", "00", "0.0x", [], {}, "f"]) {
    assert.equal(truthy(value), true, JSON.stringify(value));
  }
});

Deno.test("stringify", () => {
  assert.equal(stringify(undefined), "");
  assert.equal(stringify(null), "");
  assert.equal(stringify("x"), "x");
  assert.equal(stringify(12.5), "12.5");
  assert.equal(stringify(false), "false");
  assert.equal(stringify([1, "a"]), '[1,"a"]');
  assert.equal(stringify({ a: { b: true } }), '{"a":{"b":true}}');
});

Deno.test("the seed's conditions parse and evaluate", () => {
  const skip = "${env.SKIP_TESTS} != 'true'";
  assert.equal(evaluateCondition(skip, scopeOf({ env: { SKIP_TESTS: "true" } })), false);
  assert.equal(evaluateCondition(skip, scopeOf({ env: {} })), true);

  const deploy = "${tasks.test.exit_code} == 0 && ${env.DEPLOY_ENABLED} == 'true'";
  const data = { tasks: { test: { exit_code: 0 } }, env: { DEPLOY_ENABLED: "true" } };
  assert.equal(evaluateCondition(deploy, scopeOf(data)), true);
  assert.equal(
    evaluateCondition(deploy, scopeOf({ ...data, tasks: { test: { exit_code: 1 } } })),
    false,
  );
  assert.equal(evaluateCondition(deploy, scopeOf({ ...data, env: {} })), false);
  assert.deepEqual(
    compileCondition(deploy).references.map((r) => [r.root, r.path, r.offset, r.length]),
    [["tasks", ["test", "exit_code"], 0, 23], ["env", ["DEPLOY_ENABLED"], 32, 21]],
  );
});

Deno.test("the seed's alert conditions parse and evaluate", () => {
  const failed = "execution.status === 'failed'";
  assert.equal(evaluateCondition(failed, scopeOf({ execution: { status: "failed" } })), true);
  assert.equal(evaluateCondition(failed, scopeOf({ execution: { status: "success" } })), false);

  const rate = "metrics.successRate < 90";
  assert.equal(evaluateCondition(rate, scopeOf({ metrics: { successRate: 85.5 } })), true);
  assert.equal(evaluateCondition(rate, scopeOf({ metrics: { successRate: 99 } })), false);

  const slow = "execution.duration > workflow.expected_duration * 2";
  const data = (duration: number) =>
    scopeOf({ execution: { duration }, workflow: { expected_duration: 1000 } });
  assert.equal(evaluateCondition(slow, data(2500)), true);
  assert.equal(evaluateCondition(slow, data(1500)), false);
  assert.deepEqual(
    compileCondition(slow).references.map((r) => [r.root, r.path, r.offset, r.length]),
    [["execution", ["duration"], 0, 18], ["workflow", ["expected_duration"], 21, 26]],
  );
});

Deno.test("references: hyphens, digits, brackets, nested ${ }", () => {
  const refs = (text: string) =>
    compileCondition(text).references.map((r) => [r.root, ...r.path].join("|"));
  assert.deepEqual(refs("tasks.pre-build.exit_code"), ["tasks|pre-build|exit_code"]);
  assert.deepEqual(refs("a - b"), ["a", "b"], "spaced '-' is subtraction");
  assert.deepEqual(refs("a-b"), ["a", "b"], "a '-' in the root is subtraction");
  assert.deepEqual(refs("x.a-b-c.d"), ["x|a-b-c|d"]);
  assert.deepEqual(refs("x.a--b"), ["x|a", "b"], "'-' must sit between identifier characters");
  assert.deepEqual(refs("items.0.name"), ["items|0|name"]);
  assert.deepEqual(refs(`tasks["pre-build"].exit_code`), ["tasks|pre-build|exit_code"]);
  assert.deepEqual(refs("tasks[ 'a b' ][2]"), ["tasks|a b|2"]);
  assert.deepEqual(refs("item"), ["item"], "a lone identifier is still reported");
  assert.deepEqual(refs("${ a.b + c }"), ["a|b", "c"]);
  assert.deepEqual(refs("${a} == b.c || ${ d }"), ["a", "b|c", "d"], "source order");

  const data = scopeOf({ tasks: { "pre-build": { exit_code: 3 } }, items: ["x", "y"] });
  assert.equal(evaluate("tasks.pre-build.exit_code", data), 3);
  assert.equal(evaluate(`tasks["pre-build"].exit_code - 1`, data), 2);
  assert.equal(evaluate("items.1", data), "y");
});

Deno.test("reference offsets cover ${...} or the bare path", () => {
  const text = "x == ${ tasks.a.b } && y.z";
  const [x, braced, bare] = compileCondition(text).references;
  assert.equal(text.slice(x.offset, x.offset + x.length), "x");
  assert.equal(text.slice(braced.offset, braced.offset + braced.length), "${ tasks.a.b }");
  assert.equal(text.slice(bare.offset, bare.offset + bare.length), "y.z");
  const inside = compileCondition("${ a + b.c }").references[1];
  assert.deepEqual([inside.offset, inside.length], [7, 3], "inside a larger ${ } only the path");
});

Deno.test("the scope receives root and path; paths cannot be mutated", () => {
  const calls: [string, string[]][] = [];
  const scope: Scope = (root, path) => {
    calls.push([root, [...path]]);
    assert.throws(() => path.push("x"));
    return 1;
  };
  compileCondition("tasks.build.exit_code == ${env.X}").evaluate(scope);
  assert.deepEqual(calls, [["tasks", ["build", "exit_code"]], ["env", ["X"]]]);
});

Deno.test("strings inside conditions interpolate ${...}", () => {
  const scope = scopeOf({ env: { X: "yes" } });
  assert.equal(evaluate("'${env.X}' == 'yes'", scope), true);
  assert.equal(evaluate(`"<\${env.X}>"`, scope), "<yes>");
  assert.equal(evaluate("'$${env.X}'", scope), "${env.X}", "$${ is a literal ${");
  assert.equal(evaluate(String.raw`'\${env.X}'`, scope), "${env.X}", "so is \\${");
  const [ref] = compileCondition("'a ${env.X}'").references;
  assert.deepEqual([ref.offset, ref.length], [3, 8]);
});

Deno.test("syntax errors carry offsets, messages and hints", () => {
  let e = syntaxError(() => compileCondition("a = 1"), 2);
  assert.match(e.hint!, /==/);
  e = syntaxError(() => compileCondition("${env.X"), 0);
  assert.match(e.message, /unterminated \$\{/);
  assert.equal(e.hint, "close it with }");
  e = syntaxError(() => compileCondition("a == ${ }"), 5);
  assert.match(e.message, /empty/);
  e = syntaxError(() => compileCondition("a & b"), 2);
  assert.match(e.hint!, /&&/);
  e = syntaxError(() => compileCondition("a | b"), 2);
  assert.match(e.hint!, /\|\|/);
  e = syntaxError(() => compileCondition("a and b"), 2);
  assert.match(e.hint!, /&&/);
  e = syntaxError(() => compileCondition("x == 1 or y"), 7);
  assert.match(e.hint!, /\|\|/);
  e = syntaxError(() => compileCondition("'open"), 0);
  assert.match(e.message, /unterminated string/);
  e = syntaxError(() => compileCondition("(a == 1"), 0);
  assert.match(e.hint!, /\)/);
  e = syntaxError(() => compileCondition("a == "), 5);
  assert.match(e.message, /expected a value/);
  e = syntaxError(() => compileCondition("a b"), 2);
  assert.match(e.message, /unexpected 'b'/);
  syntaxError(() => compileCondition(""), 0);
  syntaxError(() => compileCondition("   "), 0);
  syntaxError(() => compileCondition("a."), 1);
  syntaxError(() => compileCondition("a == 1)"), 6);
  syntaxError(() => compileCondition("a }"), 2);
  syntaxError(() => compileCondition("$a"), 0);
  syntaxError(() => compileCondition("a # b"), 2);
  syntaxError(() => compileCondition("a ? b : c"), 2);
  syntaxError(() => compileCondition("t[x]"), 2);
  syntaxError(() => compileCondition("t['x'"), 5);
  syntaxError(() => compileCondition("== 1"), 0);
  e = syntaxError(() => compileCondition("1 == ${a ="), 9);
  assert.match(e.hint!, /==/);
});

Deno.test("a negation compared with a number literal is no 'compares with text' error", () => {
  // As `! x == 5` is not: a number kept as its digits (`12345678901234567890.5`, past
  // what a float holds) is still written as a number, not text (exact_numbers.ts).
  for (
    const text of ["!env.X == 5", "!env.X == 12345678901234567890.5", "9007199254740993 != !a"]
  ) {
    assert.doesNotThrow(() => compileCondition(text), text);
  }
  syntaxError(() => compileCondition("!env.X == '12345678901234567890.5'"), 7);
});

Deno.test("pathological input is refused, not a stack overflow", () => {
  syntaxError(() => compileCondition("(".repeat(5000) + "1" + ")".repeat(5000)), 64);
  syntaxError(() => compileCondition("!".repeat(5000) + "1"), 64);
  assert.throws(() => compileCondition(Array(5000).fill("1").join(" + ")), ExpressionError);
  assert.equal(evaluate(Array(200).fill("1").join(" + ")), 200);
});

Deno.test("templates: rendering, references, literal detection", () => {
  const t = compileTemplate("deploy ${params.app} to ${ env.STAGE }");
  const scope = scopeOf({ params: { app: "web" }, env: { STAGE: "qa" } });
  assert.equal(t.render(scope), "deploy web to qa");
  assert.deepEqual(t.references.map((r) => r.root), ["params", "env"]);
  assert.equal(t.references[0].offset, 7);
  assert.equal(t.references[0].length, 13);
  assert.equal(t.isLiteral, false);

  assert.equal(compileTemplate("npm run build").isLiteral, true);
  assert.equal(compileTemplate("cost: $5 and $$").isLiteral, true);
  assert.equal(compileTemplate("$${HOME}").isLiteral, false, "escapes change the text");
  assert.equal(compileTemplate("").render(empty), "");

  assert.equal(compileTemplate("${1 + 2}-${'a' + 'b'}").render(empty), "3-ab");
  assert.equal(compileTemplate("${missing}|${null}|${true}").render(empty), "||true");
  const list = scopeOf({ params: { list: ["a", "b"] } });
  assert.equal(compileTemplate("${params.list}").render(list), '["a","b"]');
  assert.deepEqual(compileTemplate("${params.list}").evaluateValue(list), ["a", "b"]);
  assert.equal(compileTemplate("x${params.list}").evaluateValue(list), 'x["a","b"]');
  assert.equal(compileTemplate("${ 'a}b' }").render(empty), "a}b", "a } inside a string");
  assert.equal(
    compileTemplate("Workflow ${workflow.name} failed: ${error.message}").references.length,
    2,
  );
});

Deno.test("templates: $${ escapes a literal ${", () => {
  assert.equal(compileTemplate("echo $${HOME}").render(empty), "echo ${HOME}");
  assert.equal(compileTemplate("$${a} ${b}").render(scopeOf({ b: 1 })), "${a} 1");
  assert.equal(compileTemplate("$$${x}").render(empty), "$${x}", "left to right: $ then $${");
  assert.equal(compileTemplate("a $ b $$ c").render(empty), "a $ b $$ c");
  assert.deepEqual(compileTemplate("$${a}").references, []);
});

Deno.test("templates: errors point into the template", () => {
  let e = syntaxError(() => compileTemplate("echo ${env.X"), 5);
  assert.equal(e.hint, "close it with }");
  e = syntaxError(() => compileTemplate("ok ${a} then ${"), 13);
  e = syntaxError(() => compileTemplate("a ${}"), 2);
  e = syntaxError(() => compileTemplate("echo ${HOME:-/tmp}"), 11);
  assert.match(e.hint!, /\$\$\{/, "shell syntax hints at the escape");
  syntaxError(() => compileTemplate("echo ${'x}"), 7);
});

Deno.test("evaluateCondition caches and rethrows syntax errors", () => {
  const scope = scopeOf({ n: 3 });
  for (let i = 0; i < 1000; i++) assert.equal(evaluateCondition(`n > ${i % 5}`, scope), i % 5 < 3);
  assert.throws(() => evaluateCondition("n =", scope), ExpressionError);
  assert.throws(() => evaluateCondition("n =", scope), ExpressionError);
});

Deno.test("weft run: division by zero fails the task naming the ${...}; numbers in plain decimal", async () => {
  const dir = testTempDir("expr-");
  Deno.writeTextFileSync(
    join(dir, "w.yml"),
    `name: arith
params:
  n: "0"
tasks:
  - id: t
    command: echo "ratio=[\${100 / params.n}]"
  - id: u
    condition: "\${100 / params.n} > 5"
    command: echo u-ran
  - id: v
    command: echo "sci=[\${1e21 + 1}] small=[\${0.000001 / 10}]"
`,
  );
  const run = await weft(["run", "w.yml", "-v"], { cwd: dir });
  assert.equal(run.code, 1, run.stderr);
  const text = run.stdout + run.stderr;
  assert.match(text, /✖ t failed: division by zero: 100 \/ 0 in \$\{100 \/ params\.n\}/);
  assert.match(text, /✖ u failed: condition: division by zero: 100 \/ 0/);
  assert.match(text, /\[v\] sci=\[1000000000000000000000\] small=\[0\.0000001\]/);
  assert.doesNotMatch(text, /ratio=|u-ran/);
});

Deno.test("GitHub Actions' ${{ ... }} is refused with weft's spelling as the hint", () => {
  for (
    const [text, hint] of [
      ["echo ${{ env.HOME }}", "write ${env.HOME}"],
      ["${{ secrets.TOKEN }}", "write ${env.TOKEN}"],
      ["v=${{ inputs.version }}", "write ${params.version}"],
      ["${{ matrix.os }}", "write ${item.os}"],
      ["${{ needs.build.outputs.tag }}", "write ${tasks.build.outputs.tag}"],
      ["${{ env.X", "write ${env.NAME}, ${params.NAME} or ${tasks.ID.outputs.KEY}"],
    ] as const
  ) {
    assert.throws(
      () => compileTemplate(text),
      (e: unknown) =>
        e instanceof ExpressionError && e.offset === text.indexOf("${{") &&
        e.message === "${{ ... }} is GitHub Actions' syntax: weft's is ${...}, with one brace" &&
        e.hint === hint,
      text,
    );
  }
  assert.throws(
    () => compileCondition("${{ env.X == 'y' }}"),
    (e: unknown) => e instanceof ExpressionError && e.hint === "write ${env.X == 'y'}",
  );
  // Escaped, it is text.
  assert.equal(compileTemplate("$${{ env.HOME }}").render(() => undefined), "${{ env.HOME }}");
});

Deno.test("weft validate: ${{ env.X }} in a command and a condition gets the one-brace hint", async () => {
  const dir = testTempDir("expr-");
  Deno.writeTextFileSync(
    join(dir, "gh.yml"),
    `name: gh
tasks:
  - id: a
    command: echo "\${{ env.HOME }}"
  - id: c
    condition: \${{ env.X == 'y' }}
    command: echo c
`,
  );
  const checked = await weft(["validate", "gh.yml"], { cwd: dir });
  assert.equal(checked.code, 2);
  const text = checked.stdout + checked.stderr;
  assert.match(
    text,
    /4:20: command in task "a": \$\{\{ \.\.\. \}\} is GitHub Actions' syntax.*\n\s+hint: write \$\{env\.HOME\}\n/,
  );
  assert.match(text, /6:16: condition in task "c": .*\n\s+hint: write \$\{env\.X == 'y'\}\n/);
});
