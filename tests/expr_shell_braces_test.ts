/**
 * The shell's parameter expansions of a name in a shell command (`${OUT_DIR:-dist}`,
 * `${v//a/b}`, `${!ref}`) are named shell syntax at their `$`, with the escape that keeps
 * their meaning (`$${...}`), not a generic syntax error or a rewrite such as `$ref`
 * (expr/shell_braces.ts); what weft can read as its own stays weft's.
 */
import assert from "node:assert/strict";
import { compileShellTemplate, compileTemplate, ExpressionError } from "../src/expr/mod.ts";
import { closingBrace, shellBraceError } from "../src/expr/shell_braces.ts";

Deno.test("shell braces: each operator form is named shell syntax with its $${...} escape", () => {
  const cases: [string, string][] = [
    ["${OUT_DIR:-dist}", "a default value"],
    ["${v-x}", "a default value"],
    ["${v:=x}", "a default value assigned"],
    ["${v=x}", "a default value assigned"],
    ["${v:?unset}", "an error when unset or empty"],
    ["${v?unset}", "an error when unset"],
    ["${v:+x}", "an alternative value"],
    ["${v+x}", "an alternative value"],
    ["${ARCHIVE#*/}", "a prefix removed"],
    ["${ARCHIVE##*/}", "a prefix removed"],
    ["${ARCHIVE%.tar.gz}", "a suffix removed"],
    ["${ARCHIVE%%.*}", "a suffix removed"],
    ["${v/a/b}", "a replacement"],
    ["${v//a/b}", "a replacement"],
    ["${v^}", "a change to upper case"],
    ["${v^^}", "a change to upper case"],
    ["${v,}", "a change to lower case"],
    ["${v,,}", "a change to lower case"],
    ["${v:1}", "a substring"],
    ["${v: -1:2}", "a substring"],
    ["${v[0]}", "an array element"],
    ["${v@Q}", "a transformation"],
    ["${v@U}", "a transformation"],
    ["${!ref}", "an indirect expansion"],
    ["${!ref:-x}", "an indirect expansion"],
    ["${!pre*}", "the names starting with pre"],
    ["${!pre@}", "the names starting with pre"],
    ["${!arr[@]}", "an array's indexes"],
  ];
  for (const [written, what] of cases) {
    const text = `echo "a" ${written} b`;
    const error = shellBraceError(text, 9);
    assert.ok(error, written);
    assert.equal(
      error.message,
      `${written} is shell syntax (${what}), which weft does not pass through: ` +
        "${...} in a command is weft's",
    );
    // Only the whole expression escaped: `$ref` for `${!ref}` would change its meaning.
    assert.equal(error.hint, `for the shell, write $${written} (weft leaves it to the shell)`);
    assert.equal(error.offset, 9, written);
  }
});

Deno.test("shell braces: a compiled command refuses them at their $", () => {
  for (const written of ["${HOME:-x}", "${v^^}", "${v//a/b}", "${!ref}"]) {
    assert.throws(() => compileShellTemplate(`echo ${written}`), (e) => {
      assert.ok(e instanceof ExpressionError);
      assert.match(e.message, /is shell syntax/);
      assert.equal(e.offset, 5, written);
      return true;
    });
  }
});

Deno.test("shell braces: weft's roots, literals, comparisons and plain names stay weft's", () => {
  for (
    const written of [
      "${HOME}", // the reference checks name it, with ${env.HOME} too
      "${env.HOME}",
      "${item:-x}",
      "${index-1}",
      "${params.a-b}",
      "${true-1}",
      "${raw(env.X)}",
      "${!false}",
      "${!env.X}",
      "${v==x}",
      "${v - x}",
      "${ v:-x}",
      "${!x == 'y'}",
    ]
  ) assert.equal(shellBraceError(written, 0), undefined, written);
  // Not a shell command: no shell reads it, so no $${...} is offered.
  assert.throws(() => compileTemplate("${HOME:-x}"), /unexpected character ':'/);
});

Deno.test("shell braces: a long or unclosed expansion is shown by its head", () => {
  const long = "${v:-" + "x".repeat(50) + "}";
  assert.match(shellBraceError(long, 0)!.message, /^\$\{v:-… is shell syntax/);
  assert.match(shellBraceError("${v:-x", 0)!.hint!, /write \$\$\{v:-… /);
});

Deno.test("shell braces: closingBrace counts the braces opened inside", () => {
  assert.equal(closingBrace("${a:-${b}} c", 0), 9);
  assert.equal(closingBrace("x ${a}", 2), 5);
  assert.equal(closingBrace("${a:-${b}", 0), -1);
});
