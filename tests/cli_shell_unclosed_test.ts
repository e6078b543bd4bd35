/**
 * A shell command that leaves a quote, `$(`, a backtick or `${` open is refused by
 * `weft validate` at the opener (expr/shell_lexer.ts unclosed, parse/step_checks.ts): sh
 * would refuse it at run time ("Unterminated quoted string"). Often a YAML ` #` comment
 * cut the value. Not checked for a shell that is not POSIX-family (python3).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/shell_unclosed/", import.meta.url).pathname;

Deno.test("shell unclosed: validate names each opener left open, at its line and column", async () => {
  const dir = testTempCopy(FIXTURES, "shell-unclosed-");
  const out = await weft(["validate", "unclosed.yml"], { cwd: dir });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const found = [...(out.stdout + out.stderr).matchAll(/^unclosed\.yml:(\d+:\d+): (.*)$/gm)]
    .map((m) => `${m[1]} ${m[2]}`);
  const open = (task: string, opener: string) =>
    `command in task "${task}": the ${opener} opened here is never closed, so the shell ` +
    "refuses to run the command";
  assert.deepEqual(found, [
    `6:19 ${open("plain", '"')}`,
    `8:49 ${open("yaml-comment", '"')}`, // YAML took ` #${params.env}"` for a comment
    `10:19 ${open("subst", "$(")}`,
    `13:17 ${open("block", "'")}`,
    `15:20 ${open("json-style", '"')}`, // after the escape \" of a quoted YAML string
  ]);
  assert.match(out.stdout + out.stderr, /hint: close it with "; in YAML, " #" starts a comment/);
});

Deno.test("shell unclosed: quotes the shell pairs pass and run as written", async () => {
  const dir = testTempCopy(FIXTURES, "shell-unclosed-");
  const out = await weft(["run", "-v", "balanced.yml"], { cwd: dir });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const lines = (out.stdout + out.stderr).split("\n").filter((l) => l.startsWith("["));
  assert.deepEqual(lines, [`[a] it's a "b" c'd e f)`, `[a] don't "stop`, "[a] g"]);
});
