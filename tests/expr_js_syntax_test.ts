/**
 * src/expr/js_syntax.ts: the place of a javascript syntax error, which V8 does not give
 * (unit), and through the CLI: a script file's error names file:line:col with a caret
 * (tasks/js_host.ts), inline `code` is refused by `weft validate` at its place.
 */
import assert from "node:assert/strict";
import { jsSyntaxError } from "../src/expr/js_syntax.ts";
import { weft } from "./_run_cli.ts";
import { testTempCopy, testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/js_syntax/", import.meta.url).pathname;

Deno.test("js syntax: the first error's line and column, found by compiling only", () => {
  assert.equal(jsSyntaxError("let a = 1;\nawait a;\nreturn a;"), undefined);
  assert.deepEqual(jsSyntaxError("let a = 1;\nconst x = ;\n"), {
    message: "Unexpected token ';'",
    line: 2,
    column: 11,
  });
  assert.deepEqual(jsSyntaxError("const x = 1 foo;"), {
    message: "Unexpected identifier 'foo'",
    line: 1,
    column: 13,
  });
  // A multi-line template literal before the error does not mislead the search.
  assert.deepEqual(jsSyntaxError("let s = `a\nb`;\nif (x {\n}"), {
    message: "Unexpected token '{'",
    line: 3,
    column: 7,
  });
  assert.deepEqual(jsSyntaxError("if (x) {\n  f();\n"), {
    message: "this { is never closed",
    line: 1,
    column: 8,
  });
  assert.deepEqual(jsSyntaxError("const require = 1;")?.line, 1);
});

Deno.test("js syntax: a script file's syntax error names file:line:col, with a caret", async () => {
  const dir = testTempCopy(FIXTURES, "js-syntax-");
  const out = await weft(["run", "script.yml"], { cwd: dir });
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  assert.match(text, /stderr │ weft: \S*bad-script:3:11: SyntaxError: Unexpected token ';'\n/);
  assert.match(text, /stderr │ {5}const x = ;\n.*stderr │ {15}\^/);
});

Deno.test("js syntax: validate refuses inline code that does not compile, at its place", async () => {
  const dir = testTempCopy(FIXTURES, "js-syntax-");
  const out = await weft(["validate", "inline.yml"], { cwd: dir });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const found = [...(out.stdout + out.stderr).matchAll(/^inline\.yml:(\d+:\d+): (.*)$/gm)]
    .map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(found, [
    `7:17 code in task "token": inline code does not compile: SyntaxError: Unexpected token ';'`,
    `10:26 code in task "unclosed": inline code does not compile: SyntaxError: this { is never closed`,
    `13:17 code in task "binding": inline code does not compile: SyntaxError: Identifier ` +
    `'require' has already been declared`,
  ]);
});

Deno.test("js syntax: nesting past the limit is placed, never a crash (validate, run of .js and .ts)", async () => {
  const deep = "(".repeat(3000) + "1" + ")".repeat(3000);
  const found = jsSyntaxError(`let a = 1;\nlet x = ${deep};`);
  assert.equal(found?.line, 2);
  assert.equal(found?.column, 9 + 1000); // the 1001st bracket
  assert.equal(found?.deep, true);
  assert.match(found!.message, /more than 1000 levels deep/);
  // Brackets inside strings, regular expressions, comments and template text are not nesting.
  const quiet = `const s = "${"(".repeat(2000)}"; const r = /[${"(".repeat(2000)}]/;` +
    `// ${"[".repeat(2000)}\nconst t = \`${"{".repeat(2000)}\${(1)}\`;`;
  assert.equal(jsSyntaxError(quiet), undefined);
  // Deep nesting of another kind: where V8's parser runs out of stack.
  const arrows = jsSyntaxError(`let f = ${"() => ".repeat(20000)}1;`);
  assert.equal(arrows?.deep, true);
  assert.match(arrows!.message, /ran out of stack/);

  const dir = testTempDir("js-nesting-");
  Deno.writeTextFileSync(
    `${dir}/deep.ts`,
    `const x: number = ${"(".repeat(5000)}1${")".repeat(5000)};\n`,
  );
  Deno.writeTextFileSync(`${dir}/deep.js`, `const x = ${"[".repeat(5000)}${"]".repeat(5000)};\n`);
  Deno.writeTextFileSync(
    `${dir}/inline.yml`,
    `name: inline\ntasks:\n  - id: a\n    type: javascript\n    code: |\n      let x = ${deep}\n`,
  );
  const validate = await weft(["validate", `${dir}/inline.yml`]);
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  assert.match(
    validate.stdout + validate.stderr,
    /inline\.yml:6:1015: code in task "a": inline code cannot be parsed: brackets nested more than 1000 levels deep/,
  );
  assert.doesNotMatch(validate.stdout + validate.stderr, /internal error/);
  for (const file of ["deep.ts", "deep.js"]) {
    const run = await weft(["__javascript", `${dir}/${file}`]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`${file}:1:\\d+: brackets nested more than 1000 levels deep`),
    );
    assert.doesNotMatch(run.stderr, /overflowed|stack overflow/);
  }
});
