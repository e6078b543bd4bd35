/**
 * A value in the pattern or replacement of a shell expansion (`${base%%/${params.sub}}`,
 * bash's `${v/-/${params.r}}`, `${w^^${params.p}}`) reaches sh (dash) and bash as data:
 * `*` removes nothing, bash 5.2's `&` is not the match (expr/shell.ts, shell_lexer.ts).
 * Inside a heredoc no quoting makes it literal under dash, so `weft validate` refuses it.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/shell_patterns/", import.meta.url).pathname;

/** The `[task] …` lines of a verbose run, sorted (tasks run in parallel). */
const taskLines = (text: string) => text.split("\n").filter((line) => line.startsWith("[")).sort();

Deno.test("shell patterns: a value in ${v%…}, ${v/…/…} and ${v^^…} stays literal", async () => {
  const dir = testTempCopy(FIXTURES, "shell-patterns-");
  const hostile = ["-p", "sub=*", "-p", "ext=.*", "-p", "r=&&", "-p", "p=[a-b]"];
  const out = await weft(["run", "-v", "values.yml", ...hostile], { cwd: dir });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.deepEqual(taskLines(out.stdout + out.stderr), [
    "[bash] bash: /srv/app/releases/current | hello&&world | hello&&world | hello-world | abcabc",
    "[dp] dp: /srv/app/current|",
    "[lp[0]] loop: /srv/app/current|",
    "[lp[1]] loop: /srv/app|",
    "[nested] nested: /srv/app/current | /srv/app/current",
    '[sh] sh: rm -rf "/srv/app/releases/current/" | /srv/app/releases/current | ' +
    "report.final.csv | report.final.csv",
  ]);
  // Values that match as written still match, and patterns written in the file stay patterns.
  const plain = await weft(["run", "-v", "values.yml"], { cwd: dir });
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.deepEqual(taskLines(plain.stdout + plain.stderr), [
    "[bash] bash: /srv/app/releases | hello_world | hello_world | hello-world | abcabc",
    "[dp] dp: /srv/app|",
    "[lp[0]] loop: /srv/app/current|",
    "[lp[1]] loop: /srv/app|",
    "[nested] nested: /srv/app | /srv/app",
    '[sh] sh: rm -rf "/srv/app/releases/" | /srv/app/releases | report.final | ',
  ]);
});

Deno.test("shell patterns: a value in a pattern inside a heredoc is refused at its place", async () => {
  const dir = testTempCopy(FIXTURES, "shell-patterns-");
  const validate = await weft(["validate", "heredoc.yml"], { cwd: dir });
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  const text = validate.stdout + validate.stderr;
  const refusals = text.split("\n").filter((line) => line.startsWith("heredoc.yml:"));
  assert.deepEqual(refusals.map((line) => line.slice(0, line.indexOf(": cannot"))), [
    'heredoc.yml:10:22: command in task "doc"',
    'heredoc.yml:16:35: task.command in task "lp"',
    'heredoc.yml:22:35: processor.command in task "dp"',
  ]);
  assert.match(refusals[0], /pattern of a shell expansion .* inside a heredoc/);
  assert.match(text, /hint: do the expansion before the heredoc/);
  // The run refuses before any task starts: nothing reaches a shell.
  const run = await weft(["run", "-v", "heredoc.yml", "-p", "sub=*"], { cwd: dir });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /heredoc\.yml:10:22: .*pattern of a shell expansion/);
  assert.doesNotMatch(run.stdout + run.stderr, /^\[doc\]/m);
});
