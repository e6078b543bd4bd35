/**
 * A `${...}` inside a shell comment is the comment's text, not weft's: the shell never runs
 * a comment (expr/template.ts compileShellTemplate, shell_lexer.ts). `weft validate` and
 * the run agree; `#` inside a word, in quotes or in a heredoc body starts no comment.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/shell_comments/", import.meta.url).pathname;

Deno.test("shell comments: a ${...} after # is left as written; validate and run agree", async () => {
  const dir = testTempCopy(FIXTURES, "shell-comments-");
  const check = await weft(["validate", "comments.yml"], { cwd: dir });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const out = await weft(["run", "-v", "comments.yml"], { cwd: dir });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const lines = (out.stdout + out.stderr).split("\n").filter((l) => l.startsWith("[")).sort();
  assert.deepEqual(lines, [
    "[after-word] after-word: ada",
    "[not-comments] # ada in a heredoc body is text the shell expands",
    "[not-comments] not-comments: #ada a#ada #ada 0",
    "[own-line] own-line: dist ada",
  ]);
});

Deno.test("shell comments: a typo outside the comment is still refused at its place", async () => {
  const dir = testTempCopy(FIXTURES, "shell-comments-");
  const out = await weft(["validate", "typo_after.yml"], { cwd: dir });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  assert.match(
    out.stdout + out.stderr,
    /typo_after\.yml:8:12: command in task "a": unknown name "parms"/,
  );
  assert.match(out.stdout + out.stderr, /1 problem/);
});
