/**
 * src/parse/closed_words.ts through the CLI: a condition comparing a value weft sets from
 * a closed set — a conditional's `branch`, a parallel's `winner`, `trigger.type` — with a
 * word it never has, or an exit code with text that spells no number, is refused at the
 * reference with a "did you mean"; the words it can have (and `''`) pass.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/closed_words/", import.meta.url).pathname;

Deno.test("cli validate: a word a closed value never has is refused with a hint", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}words.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const problems = JSON.parse(run.stdout) as {
    line: number;
    column: number;
    message: string;
    hint: string;
  }[];
  assert.deepEqual(problems.map((p) => [p.line, p.column, p.message.replace(/;.*/, ""), p.hint]), [
    [
      15,
      16,
      'condition in task "a": ${tasks.c.outputs.branch} is never "if": the comparison is always false',
      "compare with one of then or else",
    ],
    [
      15,
      53,
      'condition in task "a": ${tasks.p.outputs.winner} is never "x3": the comparison is always false',
      'did you mean "x1"?',
    ],
    [
      19,
      16,
      'condition in task "b": ${trigger.type} is never "file_change": the comparison is always false',
      'did you mean "file"?',
    ],
    [
      19,
      52,
      'condition in task "b": ${tasks.a.exit_code} is never "zero": the comparison is always true',
      "compare with a number, such as == 0 (or '' for a task that did not run)",
    ],
  ]);
  assert.match(problems[2].message, /trigger type is manual, schedule, catch-up, backfill/);
});
