/**
 * src/engine/fixed_refusals.ts through `weft validate`, `weft run --dry-run` and `weft run`:
 * a value the file fixes (a loop's literal items, `workflow.*`, a literal `environment`
 * value, `run.started_at`'s shape) that the run's own checks always refuse (a name in a
 * path, shell arithmetic, a header, a blocked port, a JSON value) is a problem of the
 * file at its `${...}`, the same for all three; a value `-p` may change is left to the run.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/fixed_refusals/", import.meta.url).pathname;

/** `[line, column, message]` of each problem weft printed for `file`. */
function problems(stderr: string, file: string): [number, number, string][] {
  return [...stderr.matchAll(new RegExp(`${file}:(\\d+):(\\d+): (.*)`, "g"))]
    .map((m) => [Number(m[1]), Number(m[2]), m[3]]);
}

Deno.test("cli validate: loop items the run always refuses are placed at their ${item}", async () => {
  const run = await weft(["validate", `${FIXTURES}items.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(problems(run.stderr, "items.yml"), [
    [
      7,
      16,
      'task.cwd in task "l": a value holds "/" (at character 2), which would add folders to the path in ${item}',
    ],
    [
      13,
      25,
      'task.command in task "l2": value "abc" is not an integer and cannot be used where the shell evaluates arithmetic in ${item}',
    ],
  ]);
  assert.match(run.stderr, /hint: \$\{item\} is "x\/y", item 0 of the loop's `items`/);
});

Deno.test("cli validate: workflow.* and run.started_at refused where the run always refuses them", async () => {
  const run = await weft(["validate", `${FIXTURES}workflow.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const found = problems(run.stderr, "workflow.yml");
  assert.deepEqual(found.map(([line, column]) => [line, column]), [[6, 23], [8, 15], [11, 23]]);
  assert.match(found[0][2], /value "1\.0\.0" is not an integer .* in \$\{workflow\.version\}/);
  assert.match(found[1][2], /cwd in task "w": a value holds "\/".* in \$\{workflow\.name\}/);
  assert.match(found[2][2], /is not an integer .* in \$\{run\.started_at\}/);
  assert.match(run.stderr, /hint: \$\{run\.started_at\} is the time the run starts/);
});

Deno.test("cli validate: a literal environment value reaching a header, a port or JSON data", async () => {
  const run = await weft(["validate", `${FIXTURES}http.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const found = problems(run.stderr, "http.yml");
  assert.deepEqual(found.map(([line, column]) => [line, column]), [[9, 21], [12, 27], [21, 20]]);
  assert.match(found[0][2], /headers\.X-A in task "h1": header "X-A": .* line break/);
  assert.match(found[1][2], /url in task "h4": .*port 6000 is one that fetch always blocks/);
  assert.match(found[2][2], /task\.data in task "h5": the value of \$\{item\}, "x"/);
  assert.match(run.stderr, /hint: \$\{env\.PORT\} is "6000", set in the workflow's environment/);
});

Deno.test("cli run and --dry-run refuse the same file before anything runs", async () => {
  const home = testTempDir("fixed-");
  for (const args of [["run", "--dry-run"], ["run"]]) {
    const run = await weft([...args, `${FIXTURES}items.yml`], { env: { WEFT_HOME: home } });
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(problems(run.stderr, "items.yml").map(([l, c]) => [l, c]), [[7, 16], [
      13,
      25,
    ]]);
  }
});

Deno.test("cli validate: a param default and integer items pass; the run refuses the param", async () => {
  const checked = await weft(["validate", `${FIXTURES}open.yml`]);
  assert.equal(checked.code, 0, checked.stderr);
  const run = await weft(["run", `${FIXTURES}open.yml`], {
    env: { WEFT_HOME: testTempDir("open-") },
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /✖ p failed.*value "abc" is not an integer/);
  assert.doesNotMatch(run.stderr, /✖ l/);
});
