/**
 * Templated fields through the real CLI: `weft validate` finds a `${tasks.X...}` that
 * does not wait for X in every templated field, a `${...}` in a param default, and what
 * the runners would refuse for reasons written in the file; `weft run` expands the
 * strings of a list-form loop `items`.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const DIR = new URL("./fixtures/template_fields/", import.meta.url).pathname;

Deno.test("weft validate: unwaited outputs in args, params and paths, and ${...} in a param default", async () => {
  const { code, stdout, stderr } = await weft(["validate", "unwaited.yml"], { cwd: DIR });
  assert.equal(code, 2, stdout + stderr);
  const problems = stderr.split("\n").filter((line) => line.startsWith("unwaited.yml:"));
  assert.deepEqual(problems, [
    "unwaited.yml:2:27: params.full: a param default cannot use ${...}: ${params.base} would not be resolved",
    'unwaited.yml:5:78: args[0] in task "py": task "build" may not have finished when "py" runs in ${tasks.build.outputs.v}',
    'unwaited.yml:6:62: params.v in task "call": task "build" may not have finished when "call" runs in ${tasks.build.outputs.v}',
    'unwaited.yml:11:37: output.path in task "dp": task "build" may not have finished when "dp" runs in ${tasks.build.outputs.v}',
    'unwaited.yml:14:14: items[0] in task "each": undeclared parameter "nope" in ${params.nope}',
  ]);
  assert.match(stderr, /hint: add "build" to depends_on of "py"/);
  assert.match(stderr, /or write \$\$\{ for a literal \$\{/);
});

Deno.test("weft validate: what the run would refuse is found with its place and what to do", async () => {
  const { code, stdout, stderr } = await weft(["validate", "refused.yml"], { cwd: DIR });
  assert.equal(code, 2, stdout + stderr);
  const problems = stderr.split("\n").filter((line) => line.startsWith("refused.yml:"));
  assert.deepEqual(problems, [
    'refused.yml:3:87: config.query in task "q": `query` holds more than one statement, and a query runs one',
    'refused.yml:4:75: config.tags[0] in task "tag": a tag ends in ":"',
    'refused.yml:5:46: config.image in task "opt": `image` starts with `-`, which docker would read as an option',
    'refused.yml:6:54: args[0] in task "nul": holds a NUL character, which no process can receive',
    'refused.yml:10:7: code in task "js": inline code cannot use a static `import` statement (it runs as a function body)',
  ]);
  assert.match(stderr, /hint: put a script of several statements in a \.sql file named by `file`/);
  assert.match(stderr, /hint: load the module with `const fs = require\("node:fs"\)`/);
  assert.ok(!/^\s{4}at /m.test(stderr), stderr);
});

Deno.test("weft run: the strings of list-form loop items are expanded; $${ stays a literal ${", async () => {
  const { code, stdout, stderr } = await weft(["run", "-v", "items.yml"], { cwd: DIR });
  assert.equal(code, 0, stdout + stderr);
  const all = stdout + stderr;
  assert.match(all, /got eu-1 a\$\{x\}b/);
  assert.match(all, /got \{"name":"eu-2"\} a\$\{x\}b/);
  assert.match(all, /got \$\{HOME\} a\$\{x\}b/);
  assert.ok(!all.includes("${params.region}"), all);
  // Iteration keys come from the expanded items.
  assert.match(all, /each\[0\]/);
});
