/**
 * `${1}`, `${@}` … in a shell command or a data_processor's shell script, through the
 * real `weft validate` and `weft run` (expr/template_scan.ts): refused at their line and
 * column with the way to write them; written `$${1}` or `$1` they reach the shell.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/shell_parameters/", import.meta.url).pathname;

Deno.test("cli template scan: validate and run refuse ${1} and ${@} in shell scripts at their place", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const file = `${FIXTURES}positional.yml`;
  for (const verb of ["validate", "run"]) {
    const result = await weft([verb, file], { env });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /positional\.yml:7:29: command in task "fn": \$\{1\} is the shell's positional parameter 1, but \$\{\.\.\.\} in a command is weft's\n {2}hint: for the shell, write \$\$\{1\} or \$1 \(weft leaves it to the shell\)/,
    );
    assert.match(
      result.stderr,
      /positional\.yml:14:22: processor\.command in task "dp": \$\{@\} is the shell's special parameter @/,
    );
  }
});

Deno.test("cli template scan: $${1}, $2, $${#} reach the shell; ${1 + 2} is weft's", async () => {
  const result = await weft(["run", `${FIXTURES}escaped.yml`, "-v"], {
    env: { WEFT_HOME: testTempDir("home-") },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout + result.stderr, /\[fn\] hello alice, bob and none of 2 \(3 -1\)/);
});

Deno.test("cli template scan: validate reports every problem of a command, each at its place", async () => {
  const result = await weft(["validate", `${FIXTURES}several.yml`], {
    env: { WEFT_HOME: testTempDir("home-") },
  });
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.split("\n").filter((line) => line.includes("several.yml:"));
  // `${HOME}`, `${OUT:-x}`, `${v//a/b}` and `${!ref}` are the shell's, no problem.
  assert.deepEqual(lines.map((line) => line.replace(/^.*several\.yml:/, "")), [
    '8:20: command in task "a": ${1} is the shell\'s positional parameter 1, but ${...} in a ' +
    "command is weft's",
    '9:12: command in task "a": unknown name "parms" in ${parms.a}',
    '10:22: command in task "a": unknown name "HOME" in ${HOME.x}',
    '11:42: command in task "a": ${@} is the shell\'s special parameter @, but ${...} in a ' +
    "command is weft's",
  ]);
  assert.match(result.stderr, /hint: did you mean "params"\?/);
  assert.match(result.stderr, /hint: for the shell, write \$\$\{@\} or \$@ \(weft leaves it/);
  assert.match(result.stderr, /4 problems/);
});

Deno.test("cli template scan: a ${ left open at the end of its line is unterminated at its ${", async () => {
  const result = await weft(["validate", `${FIXTURES}unclosed.yml`], {
    env: { WEFT_HOME: testTempDir("home-") },
  });
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.split("\n").filter((line) => line.includes("unclosed.yml:"));
  // Not "unexpected 'echo'" at the next line; an expression written over two lines with
  // its } is weft's as before.
  assert.deepEqual(lines.map((line) => line.replace(/^.*unclosed\.yml:/, "")), [
    '10:12: command in task "a": unterminated ${',
    '11:12: command in task "a": unknown name "parms" in ${parms.y}',
  ]);
  assert.match(result.stderr, /hint: close it with \} on its line/);
});

Deno.test("cli template scan: the shell's ${HOME}, ${OUT_DIR:-dist} & co. reach the shell as written", async () => {
  const file = `${FIXTURES}expansions.yml`;
  const env = {
    WEFT_HOME: testTempDir("home-"),
    HOME: "/home/someone",
    ARCHIVE: "release.tar.gz",
    OUT_DIR: "",
  };
  const checked = await weft(["validate", file], { env });
  assert.equal(checked.code, 0, checked.stderr);
  const result = await weft(["run", file, "-v"], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout + result.stderr,
    /\[package\] dist release\.zip \/home\/someone \[a b; echo injected\] 14 RELEASE\.TAR\.GZ release\.tar\.gz\n/,
  );
  assert.doesNotMatch(result.stdout + result.stderr, /^\[package\] injected/m);
  // The dry run shows them as written, weft's value filled in.
  const dry = await weft(["run", file, "--dry-run"], { env });
  assert.equal(dry.code, 0, dry.stderr);
  const plan = dry.stdout + dry.stderr;
  assert.match(plan, /\$ out="\$\{OUT_DIR:-dist\}"\n/);
  assert.match(plan, / sub="\$\{SUB_DIR:-a b; echo injected\}"\n/);
});
