/**
 * The shell's positional and special parameters written with braces (`${1}`, `${#}`,
 * `${@:2}`) in a shell command are refused at their `$` (expr/template_scan.ts), not
 * read as weft's number 1; weft's own expressions that start with a digit or `-`/`!`
 * stay weft's, and other templates are not shell commands. One `${...}` written wrong does
 * not hide the others: each is reported, and reading goes on after it.
 */
import assert from "node:assert/strict";
import {
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
  TemplateErrors,
} from "../src/expr/mod.ts";

function refusal(text: string): ExpressionError {
  try {
    compileShellTemplate(text);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  assert.fail(`${text} compiled`);
}

Deno.test("template scan: the shell's parameters in braces are refused at their $", () => {
  const cases: [string, RegExp, RegExp][] = [
    ["${1}", /^\$\{1\} is the shell's positional parameter 1/, /write \$\$\{1\} or \$1 /],
    ["${10}", /positional parameter 10/, /write \$\$\{10\} \(/],
    ["${1:-x}", /^\$\{1:-x\} is the shell's positional parameter 1/, /write \$\$\{1:-x\} \(/],
    [
      "${1-1}",
      /positional parameter 1/,
      /for weft's arithmetic, blanks around the operator: \$\{1 - …\}/,
    ],
    ["${#}", /special parameter #/, /write \$\$\{#\} or \$# /],
    ["${#1}", /length of a parameter/, /write \$\$\{#1\} \(/],
    ["${#${params.v}}", /length of weft's value/, /^copy the value into a shell variable first/],
    ["${@}", /special parameter @/, /or \$@ /],
    ["${@:2}", /special parameter @/, /write \$\$\{@:2\} \(/],
    ["${*}", /special parameter \*/, /or \$\* /],
    ["${?}", /special parameter \?/, /or \$\? /],
    ["${$}", /special parameter \$/, /or \$\$ /],
    ["${!}", /special parameter !/, /or \$! /],
    ["${!#}", /^\$\{!#\} is the shell's indirect expansion/, /write \$\$\{!#\} \(/],
    ["${-}", /special parameter -/, /or \$- /],
  ];
  for (const [written, message, hint] of cases) {
    const text = `echo "a" ${written} b`;
    const error = refusal(text);
    assert.match(error.message, message, written);
    assert.match(error.message, /, but \$\{\.\.\.\} in a command is weft's$/, written);
    assert.match(error.hint ?? "", hint, written);
    assert.equal(error.offset, 9, written);
  }
});

Deno.test("template scan: weft's expressions, escapes, comments and other fields are left alone", () => {
  const command = compileShellTemplate(
    "echo ${1 + 2} ${-1} ${!false} $${1} $1 ${1.5} # ${1} in a comment",
  );
  assert.equal(command.references.length, 0);
  const rendered = command.renderShell(() => undefined);
  assert.match(rendered.command, /\$\{1\} \$1 .*# \$\{1\} in a comment$/);
  assert.deepEqual(Object.values(rendered.env), ["3", "-1", "true", "1.5"]);
  // Not a shell command: `${1}` is weft's literal (an args entry, a URL, a condition).
  assert.equal(compileTemplate("${1}").render(() => undefined), "1");
});

/** The TemplateErrors compiling `text` throws (as a shell command when `shell`). */
function errorsOf(text: string, shell = true): TemplateErrors {
  try {
    (shell ? compileShellTemplate : compileTemplate)(text);
  } catch (e) {
    if (e instanceof TemplateErrors) return e;
    throw e;
  }
  assert.fail(`${text} compiled`);
}

Deno.test("template scan: a bad ${...} is reported and reading goes on after its }", () => {
  const text = "echo ${params.a} ${1:-xyz} ${params.b +} ${params.c}";
  for (const shell of [true, false]) {
    const e = errorsOf(text, shell);
    assert.equal(e.errors.length, 2, String(shell));
    // The first error is also the error's own, for callers that report one.
    assert.equal(e.offset, e.errors[0].offset);
    assert.equal(e.message, e.errors[0].message);
    // The failed ones' references are dropped (`params.b` of `${params.b +}`), the others kept.
    assert.deepEqual(e.partial.references.map((r) => r.path[0]), ["a", "c"], String(shell));
  }
  // In a shell command `${1:-xyz}` is refused at its `$`, elsewhere at its `:`; `+}` at `}`.
  assert.deepEqual(errorsOf(text).errors.map((each) => each.offset), [17, 39]);
  assert.deepEqual(errorsOf(text, false).errors.map((each) => each.offset), [20, 39]);
});

Deno.test("template scan: after an unclosed ${ reading goes on at the next ${", () => {
  const e = errorsOf("echo ${params.a\necho ${parms.b} ${1:-x");
  assert.deepEqual(e.errors.map((each) => each.message), [
    // Left open at the end of its line: unterminated, not "unexpected 'echo'".
    "unterminated ${",
    "${1:… is the shell's positional parameter 1, but ${...} in a command is weft's",
  ]);
  assert.deepEqual(e.partial.references.map((r) => r.root), ["parms"]);
  // The partial template keeps the failed text as written; it is only for checking.
  assert.equal(e.partial.render(() => "v"), "echo ${params.a\necho v ${1:-x");
});

Deno.test("template scan: a template with one error throws it as before", () => {
  const e = errorsOf("curl ${env.X} ${a = b}", false);
  assert.ok(e instanceof ExpressionError);
  assert.equal(e.message, "unexpected '='");
  assert.equal(e.errors.length, 1);
  assert.deepEqual(e.partial.references.map((r) => r.path[0]), ["X"]);
});
