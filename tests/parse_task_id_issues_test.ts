/**
 * Task ids against the rules (parse/task_id_issues.ts, graph_checks.ts,
 * reference_trouble.ts): no hint proposes an id or a param name that breaks the rules
 * (issue 8 §4). A reference names the valid ids, a bad `id` gets a valid spelling.
 * Through `weft validate --json`.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { hints, lines, problems } from "./_problems.ts";

const DIR = new URL("./fixtures/task_id_hints/", import.meta.url).pathname;

interface JsonProblem {
  line: number;
  column: number;
  message: string;
  hint?: string;
}

async function validate(name: string): Promise<JsonProblem[]> {
  const out = await weft(["validate", "--json", `${DIR}${name}`]);
  assert.equal(out.code, 2, out.stderr);
  return JSON.parse(out.stdout);
}

/** Every problem has a hint, and none asks to define or name an id against the rules. */
function assertNoInvalidProposal(found: JsonProblem[], invalid: string[]): void {
  for (const p of found) {
    assert.ok(p.hint, `a hint for ${p.message}`);
    for (const id of invalid) {
      assert.doesNotMatch(p.hint, new RegExp(`(define|declare|mean|one of)[^"]*"?${id}\\b`));
      assert.doesNotMatch(p.hint, new RegExp(`\\b${id}: "default"`));
    }
  }
}

Deno.test("validate: a reference to an id against the rules says so and names the valid ids", async () => {
  const found = await validate("invalid_reference.yml");
  assert.deepEqual(found.map((p) => [p.line, p.column, p.message, p.hint]), [[
    7,
    18,
    `depends_on[0] in task "d": "1s" is not a valid task id: task ids use letters, digits, '_' and '-', and start with a letter or '_'`,
    "name one of: Build",
  ]]);
  assertNoInvalidProposal(found, ["1s"]);
});

Deno.test("validate: a task with an id against the rules gets a valid spelling, its references too", async () => {
  const found = await validate("invalid_defined.yml");
  assert.deepEqual(found.map((p) => [p.line, p.column, p.hint]), [
    [4, 9, 'rename it, e.g. "_1s"'],
    [7, 18, 'the task with this id must be renamed too: rename both, e.g. to "_1s"'],
    [8, 20, 'the task with this id must be renamed too: rename both, e.g. to "_1s"'],
  ]);
  assert.match(found[2].message, /"1s" is not a valid task id \(task ids use letters/);
  // Not "add "1s" to depends_on": the order check waits for a valid id.
  assert.ok(found.every((p) => !/add "1s"/.test(p.hint ?? "")));
});

Deno.test("validate: ${tasks.X} and ${params.X} with names against the rules propose none", async () => {
  const found = await validate("expression_refs.yml");
  assert.deepEqual(found.map((p) => [p.line, p.column]), [[4, 3], [10, 20], [10, 33], [10, 46]]);
  assertNoInvalidProposal(found.slice(1), ["1x", "1y", "2x", "2z"]);
  assert.match(found[1].hint ?? "", /param names use letters, digits, '_' and '-'/);
  assert.equal(found[3].hint, "name one of: Build");
});

Deno.test("task id hints: an over-long reference, a spelling already taken, no valid id at all", () => {
  const long = "q".repeat(130);
  const yaml = lines(
    "name: n",
    "tasks:",
    '  - id: "a b"',
    '    command: "true"',
    "  - id: a_b",
    '    command: "true"',
    "  - id: d",
    `    on_failure: [${long}]`,
    '    command: "true"',
  );
  assert.deepEqual(hints(yaml), [
    "rename it: a letter or '_' first, then letters, digits, '_' or '-', at most 128 characters (e.g. build_app)",
    "name one of: a_b",
  ]);
  assert.match(problems(yaml)[1], /task ids are at most 128 characters, this one has 130/);
  const none = lines(
    "name: n",
    "tasks:",
    "  - id: 1a",
    "    depends_on: [2b]",
    '    command: "true"',
  );
  assert.deepEqual(hints(none), [
    'rename it, e.g. "_1a"',
    "give the task it means an id of a letter or '_' first, then letters, digits, '_' or '-', at most 128 characters (e.g. build_app), and name that here",
  ]);
});
