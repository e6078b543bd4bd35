/**
 * src/parse/path_checks.ts through `weft validate`: a path field (`cwd`, `defaults.cwd`,
 * `script`, a database `file`) written with a shell's `~` or `$NAME`, which no shell
 * expands there, is refused at the character with `${env.NAME}` as the way to write it.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/path_shell/", import.meta.url).pathname;

Deno.test("path checks: ~ and $NAME in path fields are refused at their place", async () => {
  const out = await weft(["validate", "paths.yml"], { cwd: FIXTURES });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  const found = [...text.matchAll(/^paths\.yml:(\d+:\d+): (.*?):/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(found, [
    "3:8 defaults.cwd",
    '6:10 cwd in task "tilde"',
    '9:10 cwd in task "var"',
    '13:21 script in task "script"',
    '18:35 config.file in task "db"', // after ${env.HOME} and the escape $${x}
  ]);
  assert.match(text, /"~\/work" is taken as written: no shell reads this field/);
  assert.match(text, /hint: write \$\{env\.HOME\}\/work for a path in the home folder/);
  assert.match(text, /\$HOME is taken as written.*\n {2}hint: write \$\{env\.HOME\}/);
  assert.match(text, /5 problems/);
});

Deno.test("path checks: ${env.HOME}, a ~ inside a name and a command's $HOME pass", async () => {
  const out = await weft(["validate", "fine.yml"], { cwd: FIXTURES });
  assert.equal(out.code, 0, out.stdout + out.stderr);
});
