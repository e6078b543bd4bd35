/**
 * `weft validate` through the real CLI in a subprocess: the seed's workflows, the
 * malformed inputs in tests/fixtures/invalid, and the output contract (stderr lines,
 * summary, `--json`, `--quiet`, stdin, exit codes).
 */
import assert from "node:assert/strict";
import { testTempDir } from "./_tmp.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const home = testTempDir("validate-");

/** Runs `weft ARGS` from tests/fixtures, optionally feeding stdin. */
async function weft(args: string[], stdin?: string): Promise<Outcome> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: FIXTURES,
    env: { WEFT_HOME: home, NO_COLOR: "1" },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

function assertNoStackTrace(outcome: Outcome, label: string) {
  const all = outcome.stdout + outcome.stderr;
  assert.ok(!/^\s{4}at /m.test(all), `${label}: stack trace in output:\n${all}`);
  assert.ok(!all.includes("error: Uncaught"), `${label}: uncaught error:\n${all}`);
  assert.ok(!all.includes("internal error"), `${label}: internal error:\n${all}`);
}

interface JsonProblem {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  hint: string | null;
}

// ---- the seed's workflows ----------------------------------------------------------

/** Seed files that are invalid on purpose: the seed's callbacks name undefined tasks. */
const SEED_AS_WRITTEN = ["deployment-workflow.json", "deployment-workflow.yml"];

const seedFiles = [...Deno.readDirSync(`${FIXTURES}seed`)].map((e) => e.name).sort();

Deno.test("every seed workflow (completed where a fragment) is valid", async () => {
  const valid = seedFiles.filter((f) => !SEED_AS_WRITTEN.includes(f)).map((f) => `seed/${f}`);
  assert.ok(valid.length >= 10, `expected the seed's snippets, found ${valid.join(", ")}`);
  const outcome = await weft(["validate", ...valid]);
  assertNoStackTrace(outcome, "seed");
  assert.deepEqual(outcome.code, 0, outcome.stderr);
  for (const file of valid) assert.ok(outcome.stderr.includes(`${file}: ok\n`), `${file} not ok`);
  assert.ok(
    outcome.stderr.includes(`${valid.length} files, 0 invalid, 0 problems`),
    outcome.stderr,
  );
  assert.deepEqual(outcome.stdout, "");
});

const CALLBACKS = [
  'unknown task "notify-success" in on_success of task "deploy"',
  'unknown task "rollback" in on_failure of task "deploy"',
  'unknown task "notify-failure" in on_failure of task "deploy"',
];

Deno.test("the seed's deployment workflow reports exactly its three undefined callbacks", async () => {
  const outcome = await weft(["validate", "--json", "seed/deployment-workflow.json"]);
  assert.deepEqual(outcome.code, 2);
  const problems: JsonProblem[] = JSON.parse(outcome.stdout);
  assert.deepEqual(
    problems.map((p) => [p.file, p.line, p.column, p.message]),
    [
      ["seed/deployment-workflow.json", 52, 22, CALLBACKS[0]],
      ["seed/deployment-workflow.json", 53, 22, CALLBACKS[1]],
      ["seed/deployment-workflow.json", 53, 34, CALLBACKS[2]],
    ],
  );
  for (const p of problems) assert.match(p.hint ?? "", /define a task with id/);
});

Deno.test("the same workflow in YAML reports the same three problems at YAML positions", async () => {
  const outcome = await weft(["validate", "seed/deployment-workflow.yml"]);
  assert.deepEqual(outcome.code, 2);
  assertNoStackTrace(outcome, "yaml");
  const lines = outcome.stderr.split("\n").filter((l) => l.startsWith("seed/"));
  assert.deepEqual(lines, [
    `seed/deployment-workflow.yml:42:18: ${CALLBACKS[0]}`,
    `seed/deployment-workflow.yml:44:9: ${CALLBACKS[1]}`,
    `seed/deployment-workflow.yml:45:9: ${CALLBACKS[2]}`,
  ]);
  assert.ok(outcome.stderr.includes("1 file, 1 invalid, 3 problems"), outcome.stderr);
});

Deno.test("with the three callback tasks added, the deployment workflow is valid", async () => {
  for (
    const file of [
      "seed/deployment-workflow.complete.json",
      "seed/deployment-workflow.complete.yml",
    ]
  ) {
    const outcome = await weft(["validate", "--json", file]);
    assert.deepEqual(outcome.code, 0, `${file}: ${outcome.stdout}${outcome.stderr}`);
    assert.deepEqual(JSON.parse(outcome.stdout), []);
  }
});

// ---- malformed inputs ------------------------------------------------------------

/** [fixture, expected message fragment, expected line (null: the input has no position)]. */
const INVALID: [string, string, number | null][] = [
  ["json-trailing-comma.json", "invalid JSON: trailing comma before ']'", 4],
  ["json-missing-comma.json", "invalid JSON: expected ',' or '}'", 3],
  ["json-unclosed.json", "invalid JSON: unexpected end of file", 4],
  ["json-single-quotes.json", "need double quotes", 2],
  ["json-duplicate-key.json", 'duplicate key "name"', 3],
  ["yaml-tab-indent.yml", "tabs are not allowed as indentation", 3],
  ["yaml-unclosed-quote.yml", 'missing closing "quote', 6],
  ["yaml-compact-mapping.yml", "invalid YAML: nested mappings are not allowed", 4],
  ["yaml-bad-indent.yml", "invalid YAML: all mapping items must start at the same column", 4],
  ["yaml-duplicate-key.yml", 'duplicate key "command"', 5],
  ["yaml-multiple-docs.yml", "multiple documents", 5],
  ["empty.yml", "the file is empty", null],
  ["comments-only.yml", "holds no data", 1],
  ["binary.json", "not a text file", null],
  ["nul-bytes.yml", "control character U+0000", 1],
  ["invalid-utf8.yml", "not valid UTF-8: byte 0xE9", 1],
  ["utf16.yml", "the file is UTF-16 (LE) text", null],
  ["deep-nesting.json", "nested too deeply: more than 256 levels", 8],
  ["deep-nesting.yml", "nested too deeply: more than 256 levels", 7],
  ["expr-in-block-scalar.yml", 'unknown name "parms" in ${parms.out_dir}', 7],
  ["expr-in-folded-scalar.yml", 'undeclared parameter "missing"', 7],
  ["not-an-object.yml", "the workflow: expected an object, got a list", 1],
  ["missing-name.yml", 'missing key "name" at the top level', 1],
  ["missing-tasks.yml", 'missing key "tasks" at the top level', 1],
  ["tasks-not-array.yml", "tasks: expected a list, got an object", 3],
  ["tasks-empty.yml", "a workflow needs at least one task", 2],
  ["unknown-key-task.yml", 'unknown key "comand" in task "build"', 4],
  ["unknown-key-top.yml", 'unknown key "descripton" at the top level', 2],
  ["key-of-other-type.yml", 'unknown key "url" in task "check"', 4],
  ["unknown-task-type.yml", 'unknown task type "htp"', 4],
  ["enum-wait-for.json", '"any|first" is not one of all, any, first', 8],
  ["enum-trigger-type.json", '"cron" is not a trigger type', 4],
  [
    "wrong-type-timeout.yml",
    'timeout in task "a": expected a number or a string, got a boolean',
    5,
  ],
  ["wrong-type-attempts.yml", "expected a number, got a string", 6],
  ["wrong-type-depends-on.yml", 'depends_on in task "b": expected a string or a list', 7],
  ["retry-zero-attempts.yml", 'retry.attempts in task "a": must be at least 1', 6],
  ["bad-duration.yml", 'invalid duration "5 minutes"', 5],
  ["bad-duration-delay.yml", 'retry.delay in task "a": invalid duration "soon"', 7],
  ["cron-field-count.yml", 'cron expression "0 2 * *" has 4 fields', 5],
  ["cron-out-of-range.yml", 'hour value "25" is out of range', 5],
  ["bad-timezone.yml", 'unknown time zone "Mars/Olympus_Mons"', 6],
  ["schedule-without-cron.yml", "a schedule trigger needs config.schedule", 3],
  ["bad-task-id.yml", "task ids use letters, digits", 3],
  ["bad-env-name.yml", 'invalid name "MY-VAR"', 3],
  ["script-and-code.yml", "give exactly one of `script`", 3],
  ["cycle.yml", "dependency cycle: a → c → b → a", 3],
  ["self-dependency.yml", 'task "a" depends on itself', 5],
  ["duplicate-ids.yml", 'duplicate task id "build"', 8],
  ["dangling-depends-on.yml", 'unknown task "buidl" in depends_on of task "test"', 7],
  ["depends-on-parallel-child.yml", 'is a step inside parallel task "p"', 10],
  ["callback-with-depends-on.yml", 'task "rollback" is a callback', 8],
  ["depends-on-callback.yml", "which runs only as a callback", 10],
  ["callback-cycle.yml", "callback cycle: a → b → a", 3],
  ["expr-unterminated.yml", "unterminated ${", 4],
  ["expr-single-equals.yml", "unexpected '='", 5],
  ["expr-unknown-task.yml", 'unknown task "x" in ${tasks.x.status}', 6],
  ["expr-undeclared-param.yml", 'undeclared parameter "regoin"', 6],
  ["expr-item-outside-loop.yml", "item is only defined inside a loop", 4],
  ["expr-index-outside-loop.yml", "index is only defined inside a loop", 4],
  ["loop-no-items.yml", 'items in task "deploy": the loop has no items', 5],
  ["loop-items-json-object.yml", 'items in task "deploy": the text is JSON but not a list', 5],
  ["loop-no-task.yml", 'missing key "task" in task "deploy"', 3],
  ["parallel-no-tasks.yml", 'tasks in task "checks": needs at least 1 item', 5],
  ["conditional-no-then.yml", 'missing key "then" in task "maybe"', 3],
  ["expr-bad-task-field.yml", 'task "build" has no field "exitcode"', 6],
  ["alert-unknown-root.yml", 'unknown name "exec"', 7],
  ["quoted-heredoc.yml", "cannot substitute a value into a quoted heredoc", 8],
  ["output-ref-without-dependency.yml", 'task "build" may not have finished when "deploy"', 7],
  ["env-later-name.yml", "REGISTRY is set further down this block, after IMAGE", 3],
  ["task-id-too-long.yml", "task ids are at most 128 characters", 3],
  ["http-bad-url.yml", 'invalid URL "http://local host:8080/${params.path}"', 7],
  ["http-unknown-method.yml", '"GTE" is not an HTTP method weft can send', 6],
  ["http-bad-header-name.yml", 'invalid header name "Content Type"', 7],
  ["http-get-with-data.yml", "a GET request cannot carry `data`", 7],
  ["nul-in-command.yml", 'command in task "greet": holds a NUL character', 4],
  ["nul-in-cwd.yml", "defaults.cwd: holds a NUL character", 3],
  ["http-auth-line-break.yml", 'auth.token in task "check": a header value cannot contain', 6],
  ["docker-empty-config.yml", "docker config needs `image` (to run a container) or", 5],
  ["docker-no-build-or-run.yml", "docker config needs `image` (to run a container) or", 6],
  ["docker-run-key-without-image.yml", "`command` belongs to running a container: add", 7],
  ["docker-push-without-tags.yml", "`push: true` needs `tags`", 7],
  ["docker-command-unclosed-quote.yml", "`command` has an unclosed ' quote", 7],
  ["database-bad-url.yml", 'config.connection in task "migrate": the connection', 7],
  ["database-unknown-scheme.yml", 'unsupported database scheme "mysql:"', 6],
  ["database-query-value-as-name.yml", "a `${...}` in SQL cannot stand for a name", 7],
  ["database-query-order-by-value.yml", "a `${...}` in SQL cannot stand for a name, after BY", 11],
  ["database-query-subquery-table-value.yml", "cannot stand for a name, after FROM", 11],
];

/** Hints the fixtures must produce (did-you-mean and friends). */
const HINTS: Record<string, string> = {
  "unknown-key-task.yml": 'did you mean "command"?',
  "unknown-key-top.yml": 'did you mean "description"?',
  "unknown-task-type.yml": 'did you mean "http"?',
  "key-of-other-type.yml": '"url" belongs to http tasks: set type: http',
  "dangling-depends-on.yml": 'did you mean "build"?',
  "expr-undeclared-param.yml": 'did you mean "region"?',
  "expr-bad-task-field.yml": 'did you mean "exit_code"?',
  "expr-single-equals.yml": "==",
  "enum-wait-for.json": "choose one",
  "callback-with-depends-on.yml": "runs only when called",
  "alert-unknown-root.yml": 'did you mean "execution"?',
  "quoted-heredoc.yml": "<<EOF instead of <<'EOF'",
  "output-ref-without-dependency.yml": 'add "build" to depends_on of "deploy"',
  "env-later-name.yml": "move REGISTRY above IMAGE",
  "docker-command-unclosed-quote.yml": "write `command` as a list",
};

// All fixtures run at once, four at a time; each test then checks its own result.
const results = (async () => {
  const map = new Map<string, Outcome>();
  const queue = INVALID.map(([file]) => file);
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      map.set(file, await weft(["validate", `invalid/${file}`]));
    }
  }));
  return map;
})();

Deno.test("there are at least 30 malformed inputs, and every one is in the table", () => {
  const files = [...Deno.readDirSync(`${FIXTURES}invalid`)].map((e) => e.name);
  const listed = new Set(INVALID.map(([f]) => f));
  assert.ok(INVALID.length >= 30);
  assert.deepEqual(files.filter((f) => !listed.has(f)), []);
});

for (const [file, fragment, line] of INVALID) {
  Deno.test(`invalid/${file}: exit 2, "${fragment}"`, async () => {
    const outcome = (await results).get(file)!;
    assertNoStackTrace(outcome, file);
    assert.deepEqual(outcome.code, 2, outcome.stderr);
    assert.deepEqual(outcome.stdout, "");
    const first = outcome.stderr.split("\n").find((l) => l.includes(fragment));
    assert.ok(first, `no line with ${JSON.stringify(fragment)} in:\n${outcome.stderr}`);
    if (line === null) {
      assert.ok(first.startsWith(`invalid/${file}: `), first);
    } else {
      assert.match(first, new RegExp(`^invalid/${file.replace(/\./g, "\\.")}:${line}:\\d+: `));
    }
    if (HINTS[file]) {
      assert.ok(
        outcome.stderr.includes(`  hint: `) && outcome.stderr.includes(HINTS[file]),
        outcome.stderr,
      );
    }
    assert.match(outcome.stderr, /\n1 file, 1 invalid, \d+ problems?\n$/);
  });
}

Deno.test("unknown key: exactly one problem, not an echo of the key it stands for", async () => {
  const outcome = await weft([
    "validate",
    "--json",
    "invalid/unknown-key-task.yml",
    "invalid/key-of-other-type.yml",
  ]);
  const problems: JsonProblem[] = JSON.parse(outcome.stdout);
  assert.deepEqual(problems.map((p) => [p.file, p.line, p.column, p.message]), [
    ["invalid/unknown-key-task.yml", 4, 5, 'unknown key "comand" in task "build"'],
    ["invalid/key-of-other-type.yml", 4, 5, 'unknown key "url" in task "check"'],
  ]);
});

Deno.test("expression problems point at the column inside the string", async () => {
  const outcome = await weft([
    "validate",
    "--json",
    "invalid/expr-single-equals.yml",
    "invalid/expr-unterminated.yml",
  ]);
  const problems: JsonProblem[] = JSON.parse(outcome.stdout);
  assert.deepEqual(problems.map((p) => [p.line, p.column]), [[5, 29], [4, 19]]);
});

Deno.test("a NUL is reported at its value, a line break in a bearer token at the character", async () => {
  const outcome = await weft([
    "validate",
    "--json",
    "invalid/nul-in-command.yml",
    "invalid/http-auth-line-break.yml",
  ]);
  const problems: JsonProblem[] = JSON.parse(outcome.stdout);
  assert.deepEqual(problems.map((p) => [p.file, p.line, p.column]), [
    ["invalid/nul-in-command.yml", 4, 14],
    ["invalid/http-auth-line-break.yml", 6, 37],
  ]);
});

Deno.test("shell expansions in a command reach the shell; weft's typos are refused at their line", async () => {
  const doc = (...lines: string[]) =>
    ["name: shell-vars", "tasks:", "  - id: a", "    command: |", ...lines, ""].join("\n");
  const shell = doc('      echo "${HOME}"', '      x="${OUT:-dist}" y="${v//a/b}" z="${!ref}"');
  const passed = await weft(["validate", "-"], shell);
  assert.equal(passed.code, 0, passed.stderr);
  const typo = await weft(["validate", "-"], doc('      echo "ok"', '      echo "${parms.x}"'));
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^-:6:13: .*unknown name "parms" in \$\{parms\.x\}/);
  assert.match(typo.stderr, /hint: did you mean "params"\?/);
  // A blank makes it weft's: the shell's variable is offered, without the blank.
  const blank = await weft(["validate", "-"], doc('      echo "ok"', '      echo "${ HOME }"'));
  assert.equal(blank.code, 2);
  assert.match(blank.stderr, /^-:6:13: .*unknown name "HOME"/);
  assert.match(blank.stderr, /write \$HOME or \$\{HOME\}.*\$\{env\.HOME\}/);
  const escaped = doc('      echo "$HOME $${OUT:-dist} $${HOME} ${env.HOME}"');
  assert.equal((await weft(["validate", "-"], escaped)).code, 0);
  // weft's words alone and the shell's default around weft's reference: what to write.
  const mixed = await weft(
    ["validate", "-"],
    doc("      for item in a b; do echo ${item}; done", '      echo "${env.OUT:-dist}" ${raw}'),
  );
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /^-:5:32: .*item is only defined inside a loop/m);
  assert.match(mixed.stderr, /hint: .*; for the shell's variable write \$item or \$\$\{item\}\n/);
  assert.match(
    mixed.stderr,
    /^-:6:13: .*\$\{env\.OUT:-dist\} mixes weft's reference with the shell's operator :- \(/m,
  );
  assert.match(
    mixed.stderr,
    /hint: the shell reads the environment itself: write \$\{OUT:-dist\}\n/,
  );
  assert.match(mixed.stderr, /^-:6:31: .*unknown name "raw"/m);
  assert.match(mixed.stderr, /hint: for the shell's variable write \$raw or \$\$\{raw\},/);
});

// ---- output contract ---------------------------------------------------------------

Deno.test("several files: problems, ok lines and one summary on stderr; exit 2", async () => {
  const outcome = await weft([
    "validate",
    "seed/loop-iteration.json",
    "seed/deployment-workflow.json",
  ]);
  assert.deepEqual(outcome.code, 2);
  assert.deepEqual(outcome.stdout, "");
  assert.ok(outcome.stderr.includes("seed/loop-iteration.json: ok\n"));
  assert.ok(outcome.stderr.includes("seed/deployment-workflow.json:52:22: unknown task"));
  assert.ok(outcome.stderr.includes("\n  hint: define a task with id"));
  assert.ok(outcome.stderr.endsWith("2 files, 1 invalid, 3 problems\n"), outcome.stderr);
});

Deno.test("--json prints one array on stdout and nothing on stderr", async () => {
  const bad = await weft(["validate", "--json", "invalid/cycle.yml", "seed/db-migration.json"]);
  assert.deepEqual(bad.code, 2);
  assert.deepEqual(bad.stderr, "");
  assert.deepEqual(JSON.parse(bad.stdout), [{
    file: "invalid/cycle.yml",
    line: 3,
    column: 9,
    message: "dependency cycle: a → c → b → a",
    hint: "a task cannot wait for itself; remove one depends_on entry of this cycle",
  }]);
  const good = await weft(["validate", "--json", "seed/db-migration.json"]);
  assert.deepEqual(good.code, 0);
  assert.deepEqual(JSON.parse(good.stdout), []);
  const positionless = await weft(["validate", "--json", "invalid/empty.yml"]);
  assert.deepEqual(JSON.parse(positionless.stdout)[0].line, null);
});

Deno.test("--quiet prints nothing for valid files and only problems for invalid ones", async () => {
  const good = await weft(["validate", "--quiet", "seed/db-migration.json"]);
  assert.deepEqual([good.code, good.stdout, good.stderr], [0, "", ""]);
  const bad = await weft(["validate", "-q", "invalid/self-dependency.yml"]);
  assert.deepEqual(bad.code, 2);
  assert.deepEqual(
    bad.stderr,
    'invalid/self-dependency.yml:5:17: task "a" depends on itself\n  hint: remove it from depends_on\n',
  );
});

Deno.test("- reads the workflow from stdin (JSON or YAML)", async () => {
  const json = await weft(
    ["validate", "-"],
    '{"name": "x", "tasks": [{"id": "a", "command": "true"}]}',
  );
  assert.deepEqual(json.code, 0, json.stderr);
  assert.ok(json.stderr.includes("-: ok"));
  const yaml = await weft(["validate", "-"], "name: x\ntasks:\n  - id: a\n    comand: true\n");
  assert.deepEqual(yaml.code, 2);
  assert.ok(yaml.stderr.includes('-:4:5: unknown key "comand" in task "a"'), yaml.stderr);
});

Deno.test("a missing file is a problem without a position, not a crash", async () => {
  const outcome = await weft(["validate", "no-such-file.yml"]);
  assert.deepEqual(outcome.code, 2);
  assertNoStackTrace(outcome, "missing");
  assert.ok(outcome.stderr.startsWith("no-such-file.yml: file not found"), outcome.stderr);
});

Deno.test("YAML with a yaml-language-server $schema comment and JSON with $schema are valid", async () => {
  const outcome = await weft([
    "validate",
    "seed/deployment-workflow.complete.yml",
    "seed/deployment-workflow.complete.json",
  ]);
  assert.deepEqual(outcome.code, 0, outcome.stderr);
});

Deno.test("validate --help shows examples; no files is a usage error", async () => {
  const help = await weft(["validate", "--help"]);
  assert.deepEqual(help.code, 0);
  const text = help.stdout + help.stderr;
  assert.ok(text.includes("Examples:") && text.includes("weft validate deploy.yml --json"), text);
  const none = await weft(["validate"]);
  assert.deepEqual(none.code, 2);
  assertNoStackTrace(none, "usage");
});

Deno.test("weft validate of a path that is not UTF-8 says so, not only 'file not found'", async () => {
  const dir = testTempDir("non-utf8-");
  // The name's bytes come from printf: Deno's own APIs take only UTF-8 text.
  const script = `f="$(printf '${dir}/bad\\377.yml')"; printf 'name: u\\ntasks:\\n  - id: a\\n` +
    `    command: "true"\\n' > "$f"; exec "$0" "$@" "$f"`;
  const result = await new Deno.Command("sh", {
    args: ["-c", script, Deno.execPath(), "run", "-A", MAIN, "validate"],
    env: { WEFT_HOME: home, NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(result.stderr) + new TextDecoder().decode(result.stdout);
  assert.equal(result.code, 2, stderr);
  assert.match(stderr, /bad\uFFFD\.yml: file not found: its path as given is not valid UTF-8/);
  assert.match(stderr, /hint: weft reads paths as UTF-8; rename the file/);
});
