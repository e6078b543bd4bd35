/**
 * `weft validate` refuses a condition over a dependency's exit code (or status) that can
 * never hold because a failure of that dependency skips the task first
 * (src/parse/status_checks.ts, with the comparisons of src/expr/comparisons.ts): a
 * dependency without continue_on_error has succeeded, exit code 0, when the condition is
 * read. Conditions that can hold are left alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hints, lines, problems } from "./_problems.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/status_checks/", import.meta.url).pathname;

/** A workflow of `test` (exit 3) and `report`, depending on it, with `condition`. */
function workflow(condition: string, test: string[] = [], report: string[] = []): string {
  return lines(
    "name: w",
    "tasks:",
    "  - id: test",
    "    command: exit 3",
    ...test.map((l) => `    ${l}`),
    "  - id: other",
    "    command: exit 0",
    "  - id: report",
    "    depends_on: test",
    `    condition: ${JSON.stringify(condition)}`,
    ...report.map((l) => `    ${l}`),
    "    command: echo x",
  );
}

Deno.test("exit code conditions that need a dependency to have failed are refused", () => {
  for (
    const condition of [
      "${tasks.test.exit_code} != 0",
      "${tasks.test.exit_code} > 0",
      "${tasks.test.exit_code} == 1",
      "${tasks.test.exit_code} >= 1",
      "0 < ${tasks.test.exit_code}",
      "${tasks.test.exit_code} != '0'",
      "!(${tasks.test.exit_code} == 0)",
      "!(${tasks.test.exit_code} <= 0 || ${env.X} == 'y')",
      "${tasks.test.exit_code} != 0 && ${env.X} == 'y'",
      "tasks.test.exit_code != 0",
      "!(${tasks.test.status} == 'success')",
      "${tasks.test.status} == 'skipped'",
    ]
  ) {
    const found = problems(workflow(condition));
    assert.equal(found.length, 1, `${condition}: ${found.join("\n")}`);
    assert.match(
      found[0],
      /^\d+:\d+: condition in task "report": .* (never holds|always holds, and the condition needs it not to): task "report" depends on "test", whose (exit code is 0|status is "success") whenever "report"'s condition is read/,
      condition,
    );
  }
  // The place is the reference's, and the hint the status check's.
  const condition = "${env.X} == 'y' && ${tasks.test.exit_code} != 0";
  assert.match(
    problems(workflow(condition))[0],
    /^9:36: .*\$\{tasks\.test\.exit_code\} != 0 never holds/,
  );
  assert.match(
    hints(workflow(condition))[0] ?? "",
    /name it in "test"'s on_failure instead of depending on it, or set continue_on_error: true on "test"/,
  );
  // Further up the chain.
  const chain = lines(
    "name: w",
    "tasks:",
    "  - {id: test, command: exit 3}",
    "  - {id: mid, depends_on: test, command: 'true'}",
    "  - {id: report, depends_on: mid, condition: '${tasks.test.exit_code} > 0', command: 'true'}",
  );
  assert.match(problems(chain).join("\n"), /report": \$\{tasks\.test\.exit_code\} > 0 never holds/);
  // Skipped by its own condition, a dependency has no exit code: `> 0` still never holds.
  assert.match(
    problems(workflow("${tasks.test.exit_code} > 0", ["condition: ${env.X} == 'y'"])).join("\n"),
    /exit code is 0 \(or empty, when it is skipped\)/,
  );
});

Deno.test("exit code conditions that can hold are accepted", () => {
  const cases: [string, string[]?, string[]?][] = [
    ["${tasks.test.exit_code} == 0"],
    ["${tasks.test.exit_code} >= 0"],
    ["${tasks.test.exit_code} < 1"],
    ["!(${tasks.test.exit_code} != 0)"],
    ["${tasks.test.exit_code} != 0 || ${env.X} == 'y'"],
    ["!(${tasks.test.exit_code} == 0 && ${env.X} == 'y')"],
    ["${tasks.test.stdout} != '0'"],
    ["${tasks.test.exit_code} == ${env.CODE}"],
    // A failure that lets the task run.
    ["${tasks.test.exit_code} != 0", ["continue_on_error: true"]],
    ["${tasks.test.exit_code} > 0", ["continue_on_error: true"]],
    ["${tasks.test.status} == 'failed'", ["continue_on_error: true"]],
    // Skipped by its own condition: no exit code, which is not 0.
    ["${tasks.test.exit_code} != 0", ["condition: ${env.X} == 'y'"]],
    ["${tasks.test.status} == 'skipped'", ["condition: ${env.X} == 'y'"]],
  ];
  for (const [condition, test, report] of cases) {
    assert.deepEqual(problems(workflow(condition, test, report)), [], condition);
  }
  // Every task continues on error.
  assert.deepEqual(
    problems(lines(
      "name: w",
      "defaults: {continue_on_error: true}",
      "tasks:",
      "  - {id: test, command: exit 3}",
      "  - {id: report, depends_on: test, condition: '${tasks.test.exit_code} != 0', command: 'true'}",
    )),
    [],
  );
  // Not a dependency: an on_failure callback reads the failed task's exit code.
  assert.deepEqual(
    problems(lines(
      "name: w",
      "tasks:",
      "  - {id: build, command: exit 3, on_failure: [cb]}",
      "  - {id: cb, condition: '${tasks.build.exit_code} != 0', command: 'true'}",
    )),
    [],
  );
});

Deno.test("weft validate: a dependency's exit code that can never be non-zero, at its place", async () => {
  const checked = await weft(["validate", "exit_never.yml"], { cwd: FIXTURES });
  assert.equal(checked.code, 2, checked.stdout + checked.stderr);
  const text = checked.stdout + checked.stderr;
  assert.match(
    text,
    /exit_never\.yml:9:16: condition in task "report": \$\{tasks\.test\.exit_code\} != 0 never holds: task "report" depends on "test", whose exit code is 0 whenever "report"'s condition is read.*\n\s+hint: to run "report" when "test" fails \(GitHub Actions' if: failure\(\)\), name it in "test"'s on_failure/,
  );
  assert.match(
    text,
    /exit_never\.yml:13:19: condition in task "negated": \$\{tasks\.test\.exit_code\} == 0 always holds, and the condition needs it not to/,
  );
  assert.match(text, /2 problems/);
});

Deno.test("weft validate and run: exit code conditions that can hold", async () => {
  const checked = await weft(["validate", "exit_holds.yml"], { cwd: FIXTURES });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const seen = join(testTempDir("status-exit-"), "seen.txt");
  const run = await weft(["run", "exit_holds.yml", "-q"], {
    cwd: FIXTURES,
    env: { SEEN: seen, FORCE: "yes" },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(Deno.readTextFileSync(seen).trimEnd().split("\n").sort(), [
    "either ran",
    "passed ran",
    "report ran",
  ]);
});
