/**
 * `weft validate` refuses conditions that can never hold (src/parse/status_checks.ts): a
 * status compared with a word it never has, and a state of a dependency that skips the
 * task before its condition is read; GitHub Actions' `needs:`/`if:`/`failure()` get the
 * words weft has (src/parse/issue_messages.ts, src/expr/parser.ts). The seed's
 * `'completed'` means `'success'` (src/model/status_words.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/status_checks/", import.meta.url).pathname;

Deno.test("weft validate: a status word no task or run has, and a dependency's failure", async () => {
  const checked = await weft(["validate", "never.yml"], { cwd: FIXTURES });
  assert.equal(checked.code, 2, checked.stdout + checked.stderr);
  const text = checked.stdout + checked.stderr;
  const lines = text.split("\n");
  const problem = (at: string) => {
    const i = lines.findIndex((line) => line.startsWith(`never.yml:${at}: `));
    assert.ok(i >= 0, `${at}:\n${text}`);
    return `${lines[i]}\n${lines[i + 1]}`;
  };
  assert.match(
    problem("8:16"),
    /\$\{tasks\.test\.status\} == "failed" never holds: task "report" depends on "test".*\n.*name it in "test"'s on_failure/,
  );
  // Further up the chain, inside an `&&`.
  assert.match(problem("12:40"), /== "timed_out" never holds: task "later" depends on "test"/);
  assert.match(
    problem("16:16"),
    /is never "succeeded": the comparison is always false.*\n.*did you mean "success"\?/,
  );
  assert.match(
    problem("20:16"),
    /is never "failure": the comparison is always true.*\n.*did you mean "failed"\?/,
  );
  assert.match(
    problem("34:16"),
    /alerts\[0\]\.condition: execution\.status is never "passed".*success, failed or cancelled/,
  );
  // `!= 'success'` on a dependency that lets the task start only by succeeding (N9).
  assert.match(
    problem("26:16"),
    /\$\{tasks\.t2\.status\} != "success" never holds: task "not-ok" depends on "t2".*\n.*name it in "t2"'s on_failure/,
  );
  assert.match(problem("30:16"), /!= "completed" never holds: task "not-seed" depends on "t2"/);
  assert.match(text, /7 problems/);
});

Deno.test("weft run: conditions that can hold are left alone, and 'completed' means success", async () => {
  const checked = await weft(["validate", "holds.yml"], { cwd: FIXTURES });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const seen = join(testTempDir("status-"), "seen.txt");
  const run = await weft(["run", "holds.yml", "-q"], { cwd: FIXTURES, env: { SEEN: seen } });
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(Deno.readTextFileSync(seen).trimEnd().split("\n").sort(), [
    "after ran",
    "cleanup ran",
    "either ran",
    "not-maybe ran",
    "not-test ran",
    "seed ran",
  ]);
});

Deno.test("weft validate: GitHub Actions' needs, if and failure() get weft's words", async () => {
  const dir = testTempDir("status-");
  Deno.writeTextFileSync(
    join(dir, "gh.yml"),
    `name: gh
tasks:
  - id: test
    command: exit 1
  - id: report
    needs: test
    if: always()
    command: echo x
  - id: r2
    depends_on: test
    condition: failure()
    command: echo x
`,
  );
  const checked = await weft(["validate", "gh.yml"], { cwd: dir });
  assert.equal(checked.code, 2);
  const text = checked.stdout + checked.stderr;
  assert.match(
    text,
    /6:5: unknown key "needs".*\n\s+hint: did you mean "depends_on"\? \(GitHub Actions' needs:\)/,
  );
  assert.match(text, /7:5: unknown key "if".*\n\s+hint: did you mean "condition"\?/);
  assert.match(
    text,
    /11:16: condition in task "r2": unknown function 'failure'\n\s+hint: weft has no failure\(\) \(GitHub Actions\): to run a task when another fails, name it in that task's on_failure/,
  );
});

Deno.test("weft validate: a callback's condition on a callback of its list that skips it when it fails", async () => {
  const never = await weft(["validate", "callbacks.yml"], { cwd: FIXTURES });
  assert.equal(never.code, 2, never.stdout + never.stderr);
  assert.match(
    never.stdout + never.stderr,
    /callbacks\.yml:15:16: .*== "failed" never holds: task "alarm" depends on "rollback", and when "rollback" failed "alarm" is skipped \(upstream\)/,
  );
  const holds = await weft(["validate", "callbacks_hold.yml"], { cwd: FIXTURES });
  assert.equal(holds.code, 0, holds.stdout + holds.stderr);
  const run = await weft(["run", "callbacks_hold.yml", "-v"], { cwd: FIXTURES });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /\[alarm\] rollback FAILED/, "the condition held");
  // --dry-run shows what a callback waits for once called, and its condition.
  const plan = await weft(["run", "--dry-run", "callbacks_hold.yml"], { cwd: FIXTURES });
  assert.match(plan.stderr, /^ {2}notify +← deploy on failure {2}after rollback$/m);
  assert.match(
    plan.stderr,
    /^ {2}alarm +← deploy on failure {2}after rollback · if tasks\.rollback\.status == 'failed'$/m,
  );
});
