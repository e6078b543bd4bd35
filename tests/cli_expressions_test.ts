/**
 * A name the user writes never reads what every JavaScript object inherits
 * (expr/value.ts ownValue): `${env.constructor}` and its kind read as unset, and an
 * output named `__proto__` is an output like any other — through the real `weft run`,
 * `--dry-run` included (engine/expressions.ts, preview.ts, outputs.ts).
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FILE = new URL("./fixtures/own_names/inherited.yml", import.meta.url).pathname;

Deno.test("cli expressions: env.constructor and other inherited names read as unset", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", FILE, "-v"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const shown = run.stdout + run.stderr;
  assert.ok(!shown.includes("undefined"), shown);
  assert.match(shown, /\[a\] \[\] \[\]\n/);
  assert.match(shown, /\[b\] b-ran\n/);
  assert.match(shown, /\[c\] c \[\] \[\]\n/);
  assert.match(shown, /\[e\[0\]\] e \[1\] \[one\] \[two\] \[\]\n/);
  const json = await weft(["run", FILE, "--json"], { env: { WEFT_HOME: home } });
  const report: RunReport = JSON.parse(json.stdout);
  // No items at all: the loop runs nothing rather than one item "undefined".
  assert.equal(reportTask(report, "d").outputs.total, "0");
  assert.equal(
    JSON.stringify(reportTask(report, "a").outputs),
    '{"__proto__":"one","constructor":"two"}',
  );
});

Deno.test("cli expressions: --dry-run shows inherited names as unset, never undefined", async () => {
  const dry = await weft(["run", FILE, "--dry-run"], { env: { WEFT_HOME: testTempDir("home-") } });
  assert.equal(dry.code, 0, dry.stderr);
  const shown = dry.stdout + dry.stderr;
  assert.ok(!shown.includes("undefined"), shown);
  assert.match(shown, /echo "\[<env\.constructor unset>\] \[<env\.toString unset>\]"/);
});

Deno.test("cli expressions: a missing value plus a number is empty, in a command and a condition", async () => {
  const file = new URL("./fixtures/own_names/missing_sum.yml", import.meta.url).pathname;
  const run = await weft(["run", file, "-v"], { env: { WEFT_HOME: testTempDir("home-") } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[t\] \[\] \[\] \[\] \[5\] \[v\]\n/);
  assert.match(run.stdout + run.stderr, /\[u\] u-ran\n/);
});

Deno.test("weft validate: operators of other tools get a hint that says what to write", async () => {
  const dir = testTempDir("cond-ops-");
  const file = `${dir}/w.yml`;
  const cases: [string, RegExp][] = [
    [
      "not ${env.SKIP}",
      /:4:17: condition in task "a": unexpected 'not'\n {2}hint: use ! instead of 'not'/,
    ],
    [
      "not (${env.A} == 'x')",
      /:4:17: condition in task "a": unexpected 'not'\n {2}hint: use ! instead/,
    ],
    [
      // The hint followed word for word: `!` binds tighter than `==` (verC N1).
      "! ${tasks.b.status} == 'success'",
      /:4:37: condition in task "a": `!` applies only to the value right after it: this compares true or false with text, which is always false\n {2}hint: to negate the comparison write !\(A == B\), or A != B/,
    ],
    [
      "'failed' != !${env.X}",
      /condition in task "a": `!` applies only to the value right after it: .*always true/,
    ],
    [
      "${env.BRANCH} =~ 'release/.*'",
      /:4:31: condition in task "a": unexpected '=~': conditions have no regular-expression match\n {2}hint: compare whole values/,
    ],
    [
      "${env.ENV} in ['qa', 'prod']",
      /:4:28: condition in task "a": unexpected 'in'\n {2}hint: conditions have no 'in': compare with each value, e\.g\. \$\{env\.ENV\} == 'qa' \|\| \$\{env\.ENV\} == 'prod'/,
    ],
    [
      "${env.ENV} <> 'prod'",
      /:4:28: condition in task "a": unexpected '<>'\n {2}hint: use != for 'not equal'/,
    ],
  ];
  for (const [condition, expected] of cases) {
    Deno.writeTextFileSync(
      file,
      `name: c\ntasks:\n  - id: a\n    condition: ${
        JSON.stringify(condition)
      }\n    command: "true"\n`,
    );
    const result = await weft(["validate", file]);
    assert.equal(result.code, 2, condition);
    assert.match(result.stderr, expected);
  }
  // What the hints say to write is valid.
  for (
    const condition of ["!(${env.X} == 'success')", "${env.X} != 'success'", "!${env.X} == 'true'"]
  ) {
    Deno.writeTextFileSync(
      file,
      `name: c\ntasks:\n  - id: a\n    condition: ${
        JSON.stringify(condition)
      }\n    command: "true"\n`,
    );
    const result = await weft(["validate", file]);
    assert.equal(result.code, 0, `${condition}: ${result.stderr}`);
  }
});
