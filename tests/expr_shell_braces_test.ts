/**
 * The shell's parameter expansions of a variable in a shell command (`${HOME}`,
 * `${OUT_DIR:-dist}`, `${v//a/b}`, `${!ref}`) are the shell's and reach it as written
 * (expr/shell_braces.ts isShellExpansion); what weft can read as its own (its roots,
 * literals, functions, a `.` after the name, a blank) stays weft's, so a typo such as
 * `${parms.region}` is still refused.
 */
import assert from "node:assert/strict";
import {
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
  type Scope,
} from "../src/expr/mod.ts";
import { closingBrace, isShellExpansion } from "../src/expr/shell_braces.ts";

const SHELL_FORMS = [
  "${HOME}",
  "${OUT_DIR:-dist}",
  "${v-x}",
  "${v:=x}",
  "${v=x}",
  "${v:?unset}",
  "${v?unset}",
  "${v:+x}",
  "${v+x}",
  "${ARCHIVE#*/}",
  "${ARCHIVE##*/}",
  "${ARCHIVE%.tar.gz}",
  "${ARCHIVE%%.*}",
  "${v/a/b}",
  "${v//a/b}",
  "${v^}",
  "${v^^}",
  "${v,}",
  "${v,,}",
  "${v:1}",
  "${v: -1:2}",
  "${v[0]}",
  "${v@Q}",
  "${v@U}",
  "${#v}",
  "${#arr[@]}",
  "${!ref}",
  "${!ref:-x}",
  "${!pre*}",
  "${!pre@}",
  "${!arr[@]}",
  "${_x1}",
];

/** A scope where `params.d` is `a b; rm -rf x` and nothing else is set. */
const scope: Scope = (root, path) =>
  root === "params" && path[0] === "d" ? "a b; rm -rf x" : undefined;

Deno.test("shell braces: every parameter expansion of a variable reaches the shell as written", () => {
  for (const written of SHELL_FORMS) {
    const text = `echo "a" ${written} b`;
    assert.ok(isShellExpansion(text, 9), written);
    const command = compileShellTemplate(text);
    assert.equal(command.isLiteral, true, written);
    assert.deepEqual(command.references, [], written);
    assert.deepEqual(command.renderShell(scope), { command: text, env: {} }, written);
  }
});

Deno.test("shell braces: weft's values inside a shell expansion stay weft's, quoted", () => {
  const command = compileShellTemplate('out="${OUT_DIR:-${params.d}}"; echo "$out"');
  assert.deepEqual(command.references.map((ref) => [ref.root, ...ref.path]), [["params", "d"]]);
  const { command: text, env } = command.renderShell(scope);
  // The value travels in the environment: `;` and blanks cannot change the command.
  assert.equal(text, 'out="${OUT_DIR:-${WEFT_V_1}}"; echo "$out"');
  assert.deepEqual(env, { WEFT_V_1: "a b; rm -rf x" });
  // In a pattern the value is quoted inside the braces, as in the escaped `$${base%%/…}`.
  for (const written of ['d="${base%%/${params.d}}"', 'd="$${base%%/${params.d}}"']) {
    assert.equal(
      compileShellTemplate(written).renderShell(scope).command,
      'd="${base%%/"${WEFT_V_1}"}"',
      written,
    );
  }
});

Deno.test("shell braces: weft's roots, literals, comparisons and references stay weft's", () => {
  for (
    const written of [
      "${env.HOME}",
      "${parms.region}", // a typo of a reference: still refused by validate
      "${HOME.x}",
      "${item:-x}",
      "${index-1}",
      "${params.a-b}",
      "${params}",
      "${tasks:-x}",
      "${workflow}",
      "${run}",
      "${schedule}",
      "${trigger}",
      "${true-1}",
      "${raw(env.X)}",
      "${raw}",
      "${!false}",
      "${!env.X}",
      "${#env.X}",
      "${v==x}",
      "${v - x}",
      "${ v:-x}",
      "${ HOME }",
      "${!x == 'y'}",
      "${1}",
      "${#}",
      "${#1}",
      "${@}",
    ]
  ) assert.equal(isShellExpansion(written, 0), false, written);
  const typo = compileShellTemplate("echo ${parms.region}");
  assert.deepEqual(typo.references.map((ref) => ref.root), ["parms"]);
  // Not a shell command: no shell reads it, so nothing is the shell's.
  assert.throws(() => compileTemplate("${HOME:-x}"), /unexpected character ':'/);
  assert.deepEqual(compileTemplate("${HOME}").references.map((ref) => ref.root), ["HOME"]);
});

Deno.test("shell braces: the shell's default around weft's reference says what does that", () => {
  const cases: [string, string, string][] = [
    ["${env.OUT:-dist}", ":-", "the shell reads the environment itself: write ${OUT:-dist}"],
    ["${env.X:?unset}", ":?", "the shell reads the environment itself: write ${X:?unset}"],
    [
      "${params.region:-eu}",
      ":-",
      "give the parameter a default (params: {region: eu}), or copy it into a shell variable " +
      'first: region="${params.region}", then ${region:-eu}',
    ],
    [
      "${params.region^^}",
      "^^",
      'copy it into a shell variable first: region="${params.region}", then ${region^^}',
    ],
    ["${env.F##*/}", "##", "the shell reads the environment itself: write ${F##*/}"],
  ];
  // `${params.api-key}` is the param api-key; `${params.n+1}` weft's own.
  for (const weft of ["${params.api-key}", "${params.n + 1}", "${env.X}"]) {
    assert.deepEqual(compileShellTemplate(`echo "${weft}"`).references.length, 1, weft);
  }
  for (const [written, operator, hint] of cases) {
    assert.throws(() => compileShellTemplate(`echo "${written}"`), (e) => {
      assert.ok(e instanceof ExpressionError, written);
      assert.equal(e.offset, 6, written);
      const [, root, name] = /^\$\{(\w+)\.(\w+)/.exec(written)!;
      assert.equal(
        e.message,
        `${written} mixes weft's reference with the shell's operator ${operator} (weft has no ` +
          `such operator, and the shell never sees ${root}.${name})`,
      );
      assert.equal(e.hint, hint);
      return true;
    });
  }
});

Deno.test("shell braces: a shell comment's ${...} and the $${ escape are kept as before", () => {
  const scope: Scope = () => undefined;
  assert.equal(
    compileShellTemplate("echo $${OUT:-x} # ${params.x:-y}").renderShell(scope).command,
    "echo ${OUT:-x} # ${params.x:-y}",
  );
});

Deno.test("shell braces: closingBrace counts the braces opened inside", () => {
  assert.equal(closingBrace("${a:-${b}} c", 0), 9);
  assert.equal(closingBrace("x ${a}", 2), 5);
  assert.equal(closingBrace("${a:-${b}", 0), -1);
});
