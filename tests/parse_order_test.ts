/**
 * src/parse/order_checks.ts: `${tasks.X...}` only from a task that runs after X, and
 * `${env.NAME}` in an environment block only from names set above it.
 */
import assert from "node:assert/strict";
import { hints, lines, problems } from "./_problems.ts";
import { RunOrder } from "../src/parse/order_checks.ts";
import { topLevelTasks } from "../src/parse/raw.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("order: reading a task that is not an ancestor is an error at the reference", () => {
  const text = lines(
    "name: x",
    "tasks:",
    "  - id: build",
    "    command: echo version=1 >> $WEFT_OUTPUT",
    "  - id: deploy",
    '    command: echo "[${tasks.build.outputs.version}]"',
  );
  assert.deepEqual(problems(text), [
    '6:21: command in task "deploy": task "build" may not have finished when "deploy" runs in ${tasks.build.outputs.version}',
  ]);
  assert.deepEqual(hints(text), ['add "build" to depends_on of "deploy"']);
  // With the dependency, directly or through another task, it is fine.
  assert.deepEqual(
    problems(text.replace("  - id: deploy\n", "  - id: deploy\n    depends_on: build\n")),
    [],
  );
  const chain = lines(
    "name: x",
    "tasks:",
    "  - id: a",
    "    command: echo a",
    "  - id: b",
    "    depends_on: a",
    "    command: echo b",
    "  - id: c",
    "    depends_on: [b]",
    "    condition: tasks.a.status == 'success'",
    "    command: echo ${tasks.a.exit_code} ${tasks.b.stdout}",
  );
  assert.deepEqual(problems(chain), []);
});

Deno.test("order: every field is checked — condition, url, environment, auth, cwd, loop items, steps", () => {
  const text = lines(
    "name: x",
    "tasks:",
    "  - id: a",
    "    command: echo a",
    "  - id: b",
    "    type: http",
    "    condition: tasks.a.status == 'success'",
    "    url: http://localhost/${tasks.a.outputs.path}",
    "    environment: {V: '${tasks.a.stdout}'}",
    "    auth: {bearer: '${tasks.a.outputs.token}'}",
    "  - id: c",
    "    type: loop",
    "    items: ${tasks.a.outputs.list}",
    "    task: {command: 'echo ${item} ${tasks.a.status}'}",
    "  - id: d",
    "    type: conditional",
    "    condition: ${tasks.a.status} == 'success'",
    "    then: {command: 'echo ${tasks.a.status}', cwd: '${tasks.a.outputs.dir}'}",
  );
  const found = problems(text);
  assert.equal(found.length, 9, found.join("\n"));
  assert.ok(found.every((p) => p.includes('task "a" may not have finished')), found.join("\n"));
});

Deno.test("order: a task cannot read itself, its parallel parent, or a sibling child", () => {
  const text = lines(
    "name: x",
    "tasks:",
    "  - id: a",
    "    command: echo ${tasks.a.status}",
    "  - id: p",
    "    type: parallel",
    "    tasks:",
    "      - id: p1",
    "        command: echo ${tasks.p2.status} ${tasks.p.status}",
    "      - id: p2",
    "        command: echo hi",
    "  - id: after",
    "    depends_on: p",
    "    command: echo ${tasks.p1.status} ${tasks.p2.outputs.x}",
  );
  assert.deepEqual(problems(text), [
    '4:19: command in task "a": task "a" cannot read its own result while it runs in ${tasks.a.status}',
    '9:23: command in task "p1": task "p2" may not have finished when "p1" runs in ${tasks.p2.status}',
    '9:42: command in task "p1": task "p1" cannot read its parent\'s result while it runs in ${tasks.p.status}',
  ]);
  assert.match(hints(text)[1]!, /children of parallel task "p" run at the same time/);
});

Deno.test("order: a callback reads what every caller has finished, callbacks of callbacks chain", () => {
  const text = lines(
    "name: x",
    "tasks:",
    "  - id: a",
    "    command: echo a",
    "    on_failure: [rollback, notify]",
    "  - id: b",
    "    depends_on: a",
    "    command: echo b",
    "    on_failure: notify",
    "  - id: rollback",
    "    command: echo ${tasks.a.exit_code}",
    "    on_success: audit",
    "  - id: audit",
    "    command: echo ${tasks.rollback.status} ${tasks.a.status}",
    "  - id: notify",
    "    command: echo ${tasks.a.status} ${tasks.b.status}",
    "  - id: main",
    "    depends_on: a",
    "    command: echo ${tasks.rollback.status}",
  );
  // notify runs after a or after b, whichever fails first: only a is certain.
  assert.deepEqual(problems(text), [
    '16:37: command in task "notify": task "b" may not have finished when "notify" runs in ${tasks.b.status}',
    '19:19: command in task "main": task "rollback" may not have finished when "main" runs in ${tasks.rollback.status}',
  ]);
  const [notify, main] = hints(text);
  assert.match(notify!, /"notify" is a callback: it runs after the task that calls it \(a, b\)/);
  assert.match(main!, /"rollback" is a callback and may never run/);
});

Deno.test("order: the workflow's environment and the defaults cannot read task results", () => {
  const text = lines(
    "name: x",
    "environment:",
    "  V: ${tasks.a.status}",
    "defaults:",
    "  environment: {W: '${tasks.a.status}'}",
    "tasks:",
    "  - id: a",
    "    command: echo a",
    "  - id: b",
    "    depends_on: a",
    "    command: echo b",
  );
  assert.deepEqual(problems(text), [
    '3:6: environment.V: the workflow\'s environment is set before task "a" (or any task) runs in ${tasks.a.status}',
    '5:21: defaults.environment.W: defaults apply to every task, "a" included in ${tasks.a.status}',
  ]);
});

Deno.test("RunOrder: what has finished when a task starts", () => {
  const { data } = {
    data: {
      tasks: [
        { id: "a", command: "x", on_success: "cb" },
        { id: "p", type: "parallel", depends_on: "a", tasks: [{ id: "p1", command: "x" }] },
        { id: "z", depends_on: ["p"], command: "x" },
        { id: "cb", command: "x" },
        { id: "loop1", depends_on: "loop2", command: "x" },
        { id: "loop2", depends_on: "loop1", command: "x" },
      ],
    },
  };
  const order = new RunOrder(topLevelTasks(data));
  const all = ["a", "p", "p1", "z", "cb", "loop1", "loop2"];
  const before = (id: string) => all.filter((target) => order.finishedBefore(id, target));
  assert.deepEqual(before("z"), ["a", "p", "p1"]);
  assert.deepEqual(before("p1"), ["a"]);
  assert.deepEqual(before("cb"), ["a"]);
  // A cycle (reported by the graph checks) ends the walk instead of recursing forever.
  assert.deepEqual(before("loop1"), ["loop1", "loop2"]); // as before the walk had no stack
  assert.deepEqual(order.stepRunners(), ["a", "p1", "z", "cb", "loop1", "loop2"]);
});

Deno.test("env order: a value reads names above it; a later name or a cycle is an error", () => {
  const text = lines(
    "name: x",
    "environment:",
    "  REGISTRY: registry.example.org",
    "  IMAGE: ${env.REGISTRY}/app",
    "  PATH: ${env.PATH}:/opt/bin",
    "  EARLY: ${env.LATE}",
    "  LATE: late",
    "defaults:",
    "  environment:",
    "    X: ${env.Y}",
    "    Y: ${env.X}",
    "tasks:",
    "  - id: a",
    "    command: echo",
    "    environment:",
    "      TAG: v${env.MAJOR}.0",
    "      MAJOR: 2",
    "      FROM_WORKFLOW: ${env.IMAGE}",
  );
  assert.deepEqual(problems(text), [
    "6:10: environment.EARLY: LATE is set further down this block, after EARLY in ${env.LATE}",
    "10:8: defaults.environment.X: X and Y refer to each other in ${env.Y}",
    '16:13: environment.TAG in task "a": MAJOR is set further down this block, after TAG in ${env.MAJOR}',
  ]);
  assert.equal(
    hints(text)[0],
    "values are set in order, each from those above it; move LATE above EARLY",
  );
});

const RACE = lines(
  "name: x",
  "tasks:",
  "  - id: par",
  "    type: parallel",
  "    wait_for: any",
  "    tasks:",
  '      - {id: fast, command: echo f=1 >> "$WEFT_OUTPUT"}',
  '      - {id: slow, command: sleep 5; echo s=2 >> "$WEFT_OUTPUT"}',
  "  - id: use",
  "    depends_on: par",
  '    command: echo "${tasks.slow.outputs.s} ${tasks.slow.status} ${tasks.par.outputs.winner}"',
);

Deno.test("order: a child of a wait_for any/first parallel is read only where the condition checks it won", () => {
  const hint = 'read ${tasks.par.outputs.winner} (the child that decided), and "slow"\'s results ' +
    "in the branch of a conditional task that runs only when it won: `then` of " +
    "${tasks.par.outputs.winner} == 'slow' or ${tasks.slow.status} == 'success' " +
    "(`else` of != 'slow'); or use wait_for: all to wait for every child";
  for (const waitFor of ["any", "first"]) {
    const text = RACE.replace("wait_for: any", `wait_for: ${waitFor}`);
    assert.deepEqual(problems(text), [
      `11:20: command in task "use": task "slow" may be cancelled, its outputs and stdout empty (another child of parallel task "par", wait_for: ${waitFor}, may decide first) in \${tasks.slow.outputs.s}`,
    ]);
    assert.deepEqual(hints(text), [hint]);
    // stdout and exit_code likewise; `status` says `cancelled`, and is fine.
    const fields = text.replace(
      "${tasks.slow.outputs.s}",
      "${tasks.slow.stdout} ${tasks.fast.exit_code}",
    );
    assert.equal(problems(fields).length, 2);
  }
  // wait_for: all waits for every child.
  const all = RACE.replace("wait_for: any", "wait_for: all").replace(
    " ${tasks.par.outputs.winner}",
    "",
  );
  assert.deepEqual(problems(all), []);
  // In a conditional whose condition checks the winner (or the child's status): fine.
  for (
    const condition of [
      "${tasks.par.outputs.winner} == 'slow'",
      "${tasks.slow.status} == 'success'",
    ]
  ) {
    const guarded = RACE.replace(
      "    command: echo",
      `    type: conditional\n    condition: "${condition}"\n    then:\n      command: echo`,
    );
    assert.deepEqual(problems(guarded), [], condition);
  }
});

Deno.test("order: a branch may read a racing child only when the condition, for that branch, proves it won", () => {
  const branches = (condition: string) =>
    lines(
      ...RACE.split("\n").slice(0, 8),
      "  - id: use",
      "    depends_on: par",
      "    type: conditional",
      `    condition: "${condition}"`,
      "    then:",
      "      command: echo ${tasks.slow.outputs.s}",
      "    else:",
      "      command: echo ${tasks.slow.outputs.s}",
    );
  // Which branches are refused (the `then` reads it on line 14, the `else` on line 16).
  const refused = (condition: string) =>
    problems(branches(condition)).map((p) =>
      p.startsWith("14:") ? "then" : p.startsWith("16:") ? "else" : p
    );
  for (
    const [condition, expected] of [
      ["${tasks.par.outputs.winner} == 'slow'", ["else"]],
      ["${tasks.par.outputs.winner} != 'slow'", ["then"]],
      ["${tasks.par.outputs.winner} == 'fast'", ["then", "else"]],
      ["${tasks.par.outputs.winner} != 'fast'", ["then", "else"]],
      ["${tasks.par.outputs.winner} == ''", ["then", "else"]],
      ["${tasks.slow.status} == 'success'", ["else"]],
      ["${tasks.slow.status} == 'completed'", ["else"]],
      ["${tasks.slow.status} != 'success'", ["then"]],
      ["${tasks.slow.status} == 'cancelled'", ["then", "else"]],
      ["'slow' == ${tasks.par.outputs.winner} && ${env.X} == '1'", ["else"]],
      ["${tasks.par.outputs.winner} == 'slow' || ${env.X} == '1'", ["then", "else"]],
      ["!(${tasks.par.outputs.winner} == 'slow')", ["then"]],
      ["!(${tasks.slow.status} != 'success' || ${env.X} == '1')", ["else"]],
    ] as const
  ) {
    assert.deepEqual(refused(condition), expected, condition);
  }
});

Deno.test("order: weft validate refuses reading a cancelled child's outputs, which the run leaves empty", async () => {
  const dir = testTempDir("race-");
  const file = `${dir}/race.yml`;
  Deno.writeTextFileSync(file, RACE);
  const validate = await weft(["validate", file]);
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  assert.match(
    validate.stdout + validate.stderr,
    /race\.yml:11:20: .*task "slow" may be cancelled/,
  );
  const run = await weft(["run", file], { env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(run.code, 2, "the run refuses it as validate does");
});

/** A chain of `n` tasks, each after the one before (`depends_on`) or called by it (`on_success`). */
function chain(n: number, link: "depends_on" | "on_success", first: string): string {
  const tasks = [{ id: "t0", command: first }];
  for (let i = 1; i < n; i++) {
    const task: Record<string, unknown> = { id: `t${i}`, command: "true" };
    if (link === "depends_on") task.depends_on = [`t${i - 1}`];
    else (tasks[i - 1] as Record<string, unknown>).on_success = [`t${i}`];
    tasks.push(task as { id: string; command: string });
  }
  // One reference at the far end makes the order check walk the whole chain.
  (tasks[n - 1] as Record<string, unknown>).condition = "${tasks.t0.status} == 'success'";
  return JSON.stringify({ name: `chain-${link}`, tasks });
}

Deno.test("weft validate, --dry-run and run: a 10,000-long depends_on or callback chain is checked without recursion", async () => {
  const dir = testTempDir("chain-");
  for (const link of ["depends_on", "on_success"] as const) {
    Deno.writeTextFileSync(`${dir}/${link}.json`, chain(10_000, link, "true"));
    const validate = await weft(["validate", `${dir}/${link}.json`]);
    assert.equal(validate.code, 0, `${link}: ${validate.stderr}`);
    const dry = await weft(["run", "--dry-run", `${dir}/${link}.json`]);
    assert.equal(dry.code, 0, `${link}: ${dry.stderr}`);
    assert.match(dry.stdout + dry.stderr, /t9999 .*if \$\{tasks\.t0\.status\} == 'success'/);
  }
  // A run: checked as validate does, then started (the first task fails, the rest are skipped).
  Deno.writeTextFileSync(`${dir}/failing.json`, chain(10_000, "depends_on", "exit 3"));
  const run = await weft(["run", "-q", `${dir}/failing.json`]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /t0 failed/);
  assert.doesNotMatch(run.stderr, /internal error|call stack/);
  // The verdict on an order problem far down the chain is still found.
  const late = JSON.parse(chain(10_000, "depends_on", "true"));
  late.tasks[9_999].condition = "${tasks.t9999.status} == 'success'";
  Deno.writeTextFileSync(`${dir}/late.json`, JSON.stringify(late));
  const own = await weft(["validate", `${dir}/late.json`]);
  assert.equal(own.code, 2, own.stderr);
  assert.match(own.stderr, /task "t9999" cannot read its own result while it runs/);
});

Deno.test("order: weft validate refuses a branch reading the child its condition says lost", async () => {
  const file = new URL("./fixtures/race_branches/branches.yml", import.meta.url).pathname;
  const validate = await weft(["validate", file]);
  assert.equal(validate.code, 2, validate.stderr);
  const places = [...validate.stderr.matchAll(/branches\.yml:(\d+:\d+): (\S+) in task "(\w)"/g)]
    .map((m) => `${m[1]} ${m[3]}.${m[2]}`);
  // c: then (winner == 'b') reads a, else reads b; d: then (winner != 'a') reads a;
  // e: then (a's status != 'success') reads a; f: else of (winner == 'b' && a succeeded).
  assert.deepEqual(places, [
    "16:36 c.then.command",
    "18:36 c.else.command",
    "24:38 d.then.command",
    "30:25 e.then.command",
    "40:25 f.else.command",
  ]);
});

Deno.test("order: defaults.cwd reading a task binds only the tasks without a cwd of their own", async () => {
  const text = lines(
    "name: x",
    "defaults:",
    "  cwd: ${tasks.build.outputs.dir}",
    "tasks:",
    "  - id: build",
    "    cwd: .",
    '    command: mkdir -p out && echo "dir=out" >> "$WEFT_OUTPUT"',
    "  - id: deploy",
    "    depends_on: build",
    "    command: pwd",
    "    on_failure: [report]",
    "  - id: report",
    "    cwd: .",
    "    command: echo report",
  );
  assert.deepEqual(problems(text), []);
  // A task that may run first and has no cwd of its own reads it: refused, naming it.
  const early = text.replace("  - id: report\n    cwd: .\n", "  - id: report\n")
    .replace("    on_failure: [report]\n", "");
  assert.deepEqual(problems(early), [
    '3:8: defaults.cwd: defaults apply to every task, and "report" may run before "build" finishes in ${tasks.build.outputs.dir}',
  ]);
  assert.deepEqual(hints(early), [
    'give "report" a `cwd` of its own, or move this into the `cwd` of the tasks that depend on "build"',
  ]);
  // The run: deploy runs in the folder build named.
  const dir = testTempDir("defaults-cwd-");
  await Deno.writeTextFile(`${dir}/wf.yml`, text);
  const run = await weft(["run", "-v", "wf.yml"], { cwd: dir, env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, new RegExp(`\\[deploy\\] ${dir}/out`));
});
