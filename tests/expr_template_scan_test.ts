/**
 * The shell's positional and special parameters written with braces (`${1}`, `${#}`,
 * `${@:2}`) in a shell command are refused at their `$` (expr/template_scan.ts), not
 * read as weft's number 1; weft's own expressions that start with a digit or `-`/`!`
 * stay weft's, and other templates are not shell commands.
 */
import assert from "node:assert/strict";
import { compileShellTemplate, compileTemplate, ExpressionError } from "../src/expr/mod.ts";

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
    ["${#name}", /length of a parameter/, /write \$\$\{#name\}/],
    ["${@}", /special parameter @/, /or \$@ /],
    ["${@:2}", /special parameter @/, /write \$\$\{@:2\} \(/],
    ["${*}", /special parameter \*/, /or \$\* /],
    ["${?}", /special parameter \?/, /or \$\? /],
    ["${$}", /special parameter \$/, /or \$\$ /],
    ["${!}", /special parameter !/, /or \$! /],
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
