/**
 * src/parse: loading, positions, messages and hints, graph and expression checks.
 * (The CLI contract is tested through the real CLI in cli_validate_test.ts.)
 */
import assert from "node:assert/strict";
import { formatProblem, type Problem, WeftError } from "../src/model/errors.ts";
import { checkWorkflow, loadWorkflow, parseWorkflowSource } from "../src/parse/mod.ts";
import { findDuplicateJsonKeys, findJsonError } from "../src/parse/json_error.ts";
import { editDistance, suggest } from "../src/parse/suggest.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

/** Problems of a YAML text as `line:col: message` strings. */
function problems(yaml: string, file = "w.yml"): string[] {
  return parseWorkflowSource(yaml, file).problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
}

function hints(yaml: string): (string | undefined)[] {
  return parseWorkflowSource(yaml, "w.yml").problems.map((p) => p.hint);
}

const TASK = "name: x\ntasks:\n  - id: a\n    command: echo a\n";

Deno.test("a valid workflow parses, normalised", () => {
  const { workflow, problems } = parseWorkflowSource(
    TASK + "  - id: b\n    command: echo b\n    depends_on: a\n    timeout: 1m\n",
    "w.yml",
  );
  assert.deepEqual(problems, []);
  assert.equal(workflow?.tasks[1].depends_on?.[0], "a");
  assert.equal(workflow?.tasks[1].type, "shell");
  assert.equal((workflow?.tasks[1] as { timeout?: number }).timeout, 60_000);
});

Deno.test("every problem in a file is reported at once, sorted by position", () => {
  const text = [
    "name: x",
    "foo: 1",
    "tasks:",
    "  - id: a",
    "    comand: x",
    "  - id: b",
    "    command: y",
    "    depends_on: [zz]",
    "    timeout: forever",
    "  - id: a",
    "    command: ${tasks.nope.status}",
  ].join("\n");
  assert.deepEqual(problems(text), [
    '2:1: unknown key "foo" at the top level',
    '5:5: unknown key "comand" in task "a"',
    '8:18: unknown task "zz" in depends_on of task "b"',
    '9:14: timeout in task "b": invalid duration "forever"',
    '10:9: duplicate task id "a"',
    '11:14: command in task "a": unknown task "nope" in ${tasks.nope.status}',
  ]);
});

Deno.test("JSON and YAML give the same messages at their own positions", () => {
  const json = '{\n  "name": "x",\n  "tasks": [\n    {"id": "a", "comand": "x"}\n  ]\n}\n';
  assert.deepEqual(problems(json, "w.json"), ['4:17: unknown key "comand" in task "a"']);
  assert.deepEqual(problems("name: x\ntasks:\n  - id: a\n    comand: x\n"), [
    '4:5: unknown key "comand" in task "a"',
  ]);
});

Deno.test(".json files must be strict JSON; the same text as .yml is YAML", () => {
  const text = '{"name": "x", "tasks": [{"id": "a", "command": "x"},]}';
  assert.deepEqual(problems(text, "w.json"), ["1:52: invalid JSON: trailing comma before ']'"]);
  assert.deepEqual(problems(text, "w.yml"), []);
  // Other names are sniffed: JSON when the text starts with {.
  assert.deepEqual(problems(text, "-"), ["1:52: invalid JSON: trailing comma before ']'"]);
});

Deno.test("findJsonError names the usual slips and agrees with JSON.parse on valid input", () => {
  assert.equal(findJsonError('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}'), undefined);
  assert.deepEqual(findJsonError('{"a": 1 // note\n}'), {
    offset: 8,
    message: "comments are not allowed in JSON",
  });
  assert.deepEqual(findJsonError('{"a": 1 "b": 2}'), { offset: 8, message: "expected ',' or '}'" });
  assert.equal(
    findJsonError('{"a": 1, // note\n"b": 2}')?.message,
    "comments are not allowed in JSON",
  );
  assert.equal(findJsonError("{'a': 1}")?.message, "strings and keys need double quotes in JSON");
  assert.equal(findJsonError('{"a": "x\ny"}')?.offset, 6);
  assert.equal(
    findJsonError('{"a": 1} {}')?.message,
    "unexpected text after the end of the JSON value",
  );
  assert.equal(findJsonError('{"a": 01}')?.message, "expected ',' or '}'");
});

Deno.test("BOMs and yaml-language-server comments are harmless", () => {
  const text = "\uFEFF# yaml-language-server: $schema=../schemas/workflow.schema.json\n" + TASK;
  assert.deepEqual(problems(text), []);
  assert.deepEqual(
    problems(
      '{"$schema": "x.json", "name": "x", "tasks": [{"id": "a", "command": "x"}]}',
      "w.json",
    ),
    [],
  );
});

Deno.test("unknown keys: did-you-mean from the schema of that exact place", () => {
  const retry = TASK + "    retry:\n      attempts: 2\n      dealy: 5s\n";
  assert.deepEqual(problems(retry), ['7:7: unknown key "dealy" in retry of task "a"']);
  assert.deepEqual(hints(retry), ['did you mean "delay"?']);
  const step =
    "name: x\ntasks:\n  - id: c\n    type: conditional\n    condition: 'true'\n    then:\n      comand: x\n";
  assert.deepEqual(problems(step), ['7:7: unknown key "comand" in then of task "c"']);
  const child =
    "name: x\ntasks:\n  - id: p\n    type: parallel\n    tasks:\n      - id: u\n        timout: 5\n        command: x\n";
  assert.deepEqual(problems(child), ['7:9: unknown key "timout" in task "u"']);
  assert.deepEqual(hints(child), ['did you mean "timeout"?']);
  // A key of another task type says which type has it; the missing command is not repeated.
  const http = "name: x\ntasks:\n  - id: a\n    url: http://127.0.0.1/\n";
  assert.deepEqual(hints(http), ['"url" belongs to http tasks: set type: http']);
  // Far from anything: the allowed keys.
  const far = TASK + "    retry:\n      attempts: 2\n      zzzzzz: 1\n";
  assert.deepEqual(hints(far), ["allowed here: attempts, delay, backoff, max_delay"]);
});

Deno.test("a misspelt required key is one problem, also for keys a refinement requires", () => {
  const webhook = "name: x\ntrigger:\n  type: webhook\n  config:\n    webhok: /x\n" + TASK.slice(8);
  assert.deepEqual(problems(webhook), ['5:5: unknown key "webhok" in trigger.config']);
});

Deno.test("types, enums and unions read as people would say them", () => {
  assert.deepEqual(problems(TASK + "    type: htp\n"), [
    '5:11: unknown task type "htp" in task "a"',
  ]);
  assert.deepEqual(
    problems(
      "name: x\ntasks:\n  - id: c\n    type: conditional\n    condition: 'true'\n    then:\n      type: shel\n      command: x\n",
    ),
    ['7:13: unknown task type "shel" in then of task "c"'],
  );
  assert.deepEqual(problems(TASK + "    retry:\n      attempts: many\n"), [
    '6:17: retry.attempts in task "a": expected a number, got a string',
  ]);
  assert.deepEqual(problems(TASK + "    timeout: [1]\n"), [
    '5:14: timeout in task "a": expected a number or a string, got a list',
  ]);
  assert.deepEqual(problems("name: x\nenvironment:\n  A: [1]\n" + TASK.slice(8)), [
    "3:6: environment.A: expected a string, a number or a boolean, got a list",
  ]);
  const auth = TASK.replace(
    "command: echo a",
    "type: http\n    url: http://x\n    auth:\n      user: u\n      password: p",
  );
  assert.deepEqual(problems(auth), ['7:7: unknown key "user" in auth of task "a"']);
  assert.deepEqual(hints(auth), ['did you mean "username"?']);
  assert.deepEqual(problems("name: x\ntasks:\n  - echo a\n"), [
    "3:5: task #1: expected an object, got a string",
  ]);
  assert.deepEqual(problems("- a\n"), ["1:1: the workflow: expected an object, got a list"]);
});

Deno.test("graph: duplicates across parallel children, cycles, callbacks", () => {
  const dup = TASK +
    "  - id: p\n    type: parallel\n    tasks:\n      - id: a\n        command: x\n";
  assert.deepEqual(problems(dup), ['8:13: duplicate task id "a"']);
  const cycles = [
    "name: x\ntasks:",
    "  - id: a\n    command: x\n    depends_on: [b]",
    "  - id: b\n    command: x\n    depends_on: [a]",
    "  - id: c\n    command: x\n    depends_on: [d]",
    "  - id: d\n    command: x\n    depends_on: [c]",
  ].join("\n");
  assert.deepEqual(problems(cycles), [
    "3:9: dependency cycle: a → b → a",
    "9:9: dependency cycle: c → d → c",
  ]);
  const callback =
    "name: x\ntasks:\n  - id: a\n    command: x\n    on_success: [b]\n  - id: b\n    command: x\n    on_failure: [a]\n";
  assert.deepEqual(problems(callback), ["3:9: callback cycle: a → b → a"]);
  const self = "name: x\ntasks:\n  - id: a\n    command: x\n    on_failure: a\n";
  assert.deepEqual(problems(self), ['3:9: task "a" names itself as its own callback']);
  const withDeps =
    "name: x\ntasks:\n  - id: a\n    command: x\n    on_success: b\n  - id: b\n    command: x\n    depends_on: a\n";
  assert.deepEqual(problems(withDeps), [
    '8:17: task "b" is a callback (in on_success of task "a") and may wait only for callbacks of that list, not for "a"',
  ]);
  assert.match(hints(withDeps)[0] ?? "", /runs only when called.*at most once per run/);
  // Among the callbacks of one list, depends_on orders them; from another list it may not.
  const ordered =
    "name: x\ntasks:\n  - id: a\n    command: x\n    on_failure: [c, b]\n    on_success: [c]\n" +
    "  - id: b\n    command: x\n  - id: c\n    command: x\n    depends_on: [b]\n";
  assert.deepEqual(problems(ordered), [
    '11:18: task "c" is a callback (in on_success of task "a") and may wait only for callbacks of that list, not for "b"',
  ]);
  assert.deepEqual(problems(ordered.replace("on_success: [c]", "on_success: [b, c]")), []);
  const loop = "name: x\ntasks:\n  - id: a\n    command: x\n    on_failure: [b, c]\n" +
    "  - id: b\n    command: x\n    depends_on: c\n  - id: c\n    command: x\n    depends_on: b\n";
  assert.deepEqual(problems(loop), ["6:9: dependency cycle: b → c → b"]);
});

Deno.test("expressions: references are checked against tasks, params and scope", () => {
  const ok = [
    "name: x",
    "params:\n  region: eu",
    "tasks:",
    "  - id: a\n    command: echo ${params.region} ${env.HOME} ${workflow.name} ${run.id}",
    "  - id: b\n    depends_on: [a]\n    condition: tasks.a.exit_code == 0 && ${tasks.a.outputs.url} != ''",
    "    command: echo ${tasks.a.stdout} ${tasks.a.duration_ms}",
    "  - id: l\n    type: loop\n    items: [1, 2]\n    task:\n      command: echo ${item}",
    "alerts:\n  - name: slow\n    condition: execution.duration > workflow.expected_duration * 2",
    '    channels: [slack]\n    template: "${workflow.name} took ${execution.duration}ms: ${error.message}"',
  ].join("\n");
  assert.deepEqual(problems(ok), []);
  const bad = (command: string) => problems(TASK.replace("echo a", command));
  assert.deepEqual(bad("echo ${tasks.a.outputs.x.y}"), [
    '4:19: command in task "a": tasks.a.outputs is not a valid reference in ${tasks.a.outputs.x.y}',
  ]);
  assert.deepEqual(bad("echo ${params.nope}"), [
    '4:19: command in task "a": undeclared parameter "nope" in ${params.nope}',
  ]);
  assert.deepEqual(bad("echo ${wf.name}"), [
    '4:19: command in task "a": unknown name "wf" in ${wf.name}',
  ]);
  assert.deepEqual(bad("echo ${run.started}"), [
    '4:19: command in task "a": run has no field "started" in ${run.started}',
  ]);
  assert.deepEqual(problems("name: x\nenvironment:\n  A: ${nope.x}\n" + TASK.slice(8)), [
    '3:6: environment.A: unknown name "nope" in ${nope.x}',
  ]);
  assert.deepEqual(bad("echo ${item}"), [
    '4:19: command in task "a": item is only defined inside a loop in ${item}',
  ]);
});

Deno.test("expression positions: exact inside strings of every style", () => {
  const at = (value: string) => problems(TASK.replace("echo a", value))[0]?.split(": ")[0];
  assert.equal(at("echo ${tasks.zz.status}"), "4:19");
  assert.equal(at("'echo ${tasks.zz.status}'"), "4:20");
  assert.equal(at('"echo ${tasks.zz.status}"'), "4:20");
  assert.equal(at('"echo \\"x\\" ${tasks.zz.status}"'), "4:26"); // after escapes
  assert.equal(at("'it''s'' ${tasks.zz.status}'"), "4:23"); // after '' (the shell's quotes paired)
  assert.equal(at("|\n      echo ${tasks.zz.status}"), "5:12"); // literal block
  assert.equal(at("|-\n      a\n\n      echo ${tasks.zz.status}"), "7:12");
  assert.equal(at(">\n      a\n      b\n      echo ${tasks.zz.status}"), "7:12"); // folded
  assert.equal(at(">2\n        a\n      echo ${tasks.zz.status}"), "6:12"); // indentation indicator
  assert.equal(at('"one\n      two ${tasks.zz.status}"'), "5:11"); // folded quoted lines
  assert.equal(at("echo a\n      b ${tasks.zz.status}"), "5:9"); // multi-line plain
  assert.equal(at('"\\u00e9\\t${tasks.zz.status}"'), "4:23"); // \u and \t escapes
  // The shell's ${1} is refused at its `$` on its own line of the block, after the shell's
  // own ${OUT_DIR:-dist}, which is no problem.
  const shell = parseWorkflowSource(
    TASK.replace("echo a", "|\n      echo ${OUT_DIR:-dist}\n      echo ${1}"),
    "w.yml",
  ).problems;
  assert.equal(shell.length, 1);
  assert.equal(`${shell[0].line}:${shell[0].column}`, "6:12");
  assert.match(shell[0].hint ?? "", /\$\$\{1\}/);
});

Deno.test("expression positions in JSON strings count escapes", () => {
  const json = JSON.stringify({
    name: "x",
    tasks: [{ id: "a", command: 'echo "q"\n ${tasks.zz.x}' }],
  });
  const found = parseWorkflowSource(json, "w.json").problems[0];
  const offset = json.indexOf("${tasks.zz");
  assert.deepEqual([found.line, found.column], [1, offset + 1]);
});

Deno.test("checkWorkflow: absolute file, folder, hash; problems keep the path as given", async () => {
  const { loaded, problems } = await checkWorkflow("seed/loop-iteration.json", { cwd: FIXTURES });
  assert.deepEqual(problems, []);
  assert.ok(loaded);
  assert.equal(loaded.file, `${FIXTURES}seed/loop-iteration.json`);
  assert.equal(loaded.dir, `${FIXTURES}seed`);
  const bytes = await Deno.readFile(loaded.file);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  assert.equal(loaded.hash, Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
  assert.equal(loaded.source, new TextDecoder().decode(bytes));
  const bad = await checkWorkflow("invalid/cycle.yml", { cwd: FIXTURES });
  assert.equal(bad.loaded, undefined);
  assert.equal(bad.problems[0].file, "invalid/cycle.yml");
});

Deno.test("loadWorkflow throws one WeftError with every problem, exit code 2", async () => {
  await assert.rejects(
    () => loadWorkflow("seed/deployment-workflow.yml", { cwd: FIXTURES }),
    (e: unknown) => {
      assert.ok(e instanceof WeftError);
      assert.equal(e.exitCode, 2);
      assert.deepEqual(e.problems.map((p: Problem) => p.line), [42, 44, 45]);
      assert.match(
        formatProblem(e.problems[0]),
        /^seed\/deployment-workflow\.yml:42:18: unknown task/,
      );
      return true;
    },
  );
});

Deno.test("loadWorkflow reads - from the stdin stream given; dir is cwd", async () => {
  const stdin = ReadableStream.from([new TextEncoder().encode(TASK)]);
  const loaded = await loadWorkflow("-", { cwd: "/tmp", stdin });
  assert.equal(loaded.file, "-");
  assert.equal(loaded.dir, "/tmp");
  assert.equal(loaded.workflow.name, "x");
});

Deno.test("unreadable input: missing file, folder, empty, binary — one problem each", async () => {
  const check = async (file: string) => (await checkWorkflow(file, { cwd: FIXTURES })).problems;
  assert.equal((await check("nope.yml"))[0].message, "file not found");
  assert.match((await check("seed"))[0].message, /is a folder/);
  assert.deepEqual((await check("invalid/empty.yml")).map((p) => p.message), ["the file is empty"]);
  assert.deepEqual((await check("invalid/binary.json")).map((p) => p.message), ["not a text file"]);
  assert.deepEqual(problems("name: x\n---\nname: y\n"), [
    "2:1: invalid YAML: source contains multiple documents",
  ]);
});

Deno.test("YAML anchors and aliases resolve; problems inside point sensibly", () => {
  const text =
    "name: x\nretries: &r\n  attempts: 2\ntasks:\n  - id: a\n    command: x\n    retry: *r\n";
  assert.deepEqual(problems(text), ['2:1: unknown key "retries" at the top level']);
  // A top-level x- key is the file's own place for anchors, as in docker compose.
  assert.deepEqual(problems(text.replace("retries", "x-retry")), []);
  const fine =
    "name: x\ndefaults:\n  retry: &r\n    attempts: 2\ntasks:\n  - id: a\n    command: x\n    retry: *r\n";
  assert.deepEqual(problems(fine), []);
});

Deno.test("suggestions: close words only", () => {
  assert.equal(editDistance("comand", "command"), 1);
  assert.equal(editDistance("depnds_on", "depends_on"), 1);
  assert.equal(editDistance("buidl", "build"), 1); // a transposition is one edit
  assert.equal(suggest("comand", ["command", "cwd"]), "command");
  assert.equal(suggest("htp", ["http", "shell"]), "http");
  assert.equal(suggest("desc", ["description", "name"]), "description");
  assert.equal(suggest("x", ["a", "b"]), undefined);
  assert.equal(suggest("zzzzzz", ["attempts", "delay"]), undefined);
});

Deno.test("did-you-mean never proposes an invalid task id, nor a step for depends_on", () => {
  const long = "b" + "x".repeat(128);
  const text = [
    "name: x",
    "tasks:",
    "  - id: build.all",
    "    command: echo",
    "  - id: 1test",
    "    command: echo",
    `  - id: ${long}`,
    "    command: echo",
    "  - id: group",
    "    type: parallel",
    "    tasks:",
    "      - id: lint_js",
    "        command: echo",
    "  - id: deploy",
    `    depends_on: [build, test, ${long.slice(0, -1)}, lint-js]`,
    "    command: echo ${tasks.buil.status}",
  ].join("\n") + "\n";
  const all = hints(text);
  assert.ok(all.length >= 7, all.join("\n"));
  const proposed = all.flatMap((hint) => {
    const one = /did you mean "([^"]+)"\?/.exec(hint ?? "")?.[1];
    const list = /(?:name one of|defined tasks): (.*)$/.exec(hint ?? "")?.[1].split(", ");
    return one ? [one] : list ?? [];
  });
  assert.ok(proposed.length > 0);
  // Expressions may read a step's results; depends_on names top-level tasks only.
  for (const id of proposed) assert.ok(["group", "deploy", "lint_js"].includes(id), id);
  const lint = parseWorkflowSource(text, "w.yml").problems.find((p) =>
    p.message.startsWith('unknown task "lint-js" in depends_on')
  );
  assert.doesNotMatch(lint?.hint ?? "", /lint_js/);
  // A valid id still gets its hint.
  const near = "name: x\ntasks:\n  - id: build\n    command: x\n  - id: b\n    command: x\n" +
    "    depends_on: [buidl]\n";
  assert.deepEqual(hints(near), ['did you mean "build"?']);
});

Deno.test("duplicate JSON keys: per object, nested, escapes decoded, strings ignored", () => {
  const text =
    '{"a": {"b": 1, "\\u0062": 2}, "c": [{"a": 1}, {"a": 2}], "d": "{\\"a\\": 1, \\"a\\": 2}"}';
  assert.doesNotThrow(() => JSON.parse(text));
  assert.deepEqual(findDuplicateJsonKeys(text), [{ key: "b", offset: 15, firstOffset: 7 }]);
  assert.deepEqual(
    problems('{\n"name": "x",\n"tasks": [{"id": "a", "command": "x", "id": "b"}]\n}', "w.json"),
    [
      '3:39: duplicate key "id"',
    ],
  );
});
