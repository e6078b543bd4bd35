// deno-lint-ignore-file no-control-regex -- these tests look for terminal escape codes
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import {
  FIXTURES,
  processesInGroup,
  reportTask as task,
  startWeft,
  waitForFile,
  weft,
  weftArgs,
  weftEnv,
} from "./_run_cli.ts";
import { exists, testTempDir } from "./_tmp.ts";

const ANSI = /\x1b\[/;
const TIME = String.raw`\d\d:\d\d:\d\d`;

Deno.test("weft run: plain progress on stderr, nothing on stdout, exit 0", async () => {
  const { code, stdout, stderr } = await weft(["run", `${FIXTURES}basic.yml`]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "");
  assert.ok(!ANSI.test(stderr), "a pipe gets no ANSI codes");
  assert.match(stderr, new RegExp(`^${TIME} run \\S+ started: basic \\(4 tasks\\)$`, "m"));
  assert.match(stderr, new RegExp(`^${TIME} ▶ greet started$`, "m"));
  assert.match(stderr, new RegExp(`^${TIME} ✔ pass success \\S+$`, "m"));
  assert.match(stderr, new RegExp(`^${TIME} ⤼ never skipped \\(condition\\)$`, "m"));
  const last = stderr.trimEnd().split("\n").at(-1);
  assert.match(last!, /^run \S+ success in \S+ \(4 tasks: 3 success, 1 skipped\)$/);
  assert.doesNotMatch(stderr, /hello world/, "output is not shown without --verbose");
});

Deno.test("weft run --json: exactly one RunReport on stdout", async () => {
  const { code, stdout, stderr } = await weft([
    "run",
    `${FIXTURES}basic.yml`,
    "--json",
    "-p",
    "who=Ada",
  ]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(stdout, JSON.stringify(report, null, 2) + "\n", "2-space indent, one document");
  assert.deepEqual(Object.keys(report).sort(), [
    "durationMs",
    "file",
    "finishedAt",
    "id",
    "startedAt",
    "status",
    "tasks",
    "workflow",
  ]);
  assert.equal(report.status, "success");
  assert.equal(report.workflow, "basic");
  assert.equal(task(report, "greet").outputs.greeting, "hi Ada");
  assert.equal(task(report, "greet").exitCode, 0);
  assert.equal(task(report, "never").status, "skipped");
  assert.equal(task(report, "never").reason, "condition");
  for (
    const key of ["id", "name", "status", "exitCode", "attempts", "durationMs", "reason", "outputs"]
  ) {
    assert.ok(key in report.tasks[0], `task records carry ${key}`);
  }
  assert.match(stderr, /✔ greet success/, "progress still goes to stderr");
});

Deno.test("weft run: environment precedence is process < --env < workflow < task", async () => {
  const { code, stderr } = await weft(
    ["run", `${FIXTURES}basic.yml`, "--verbose", "--env", "FROM_CLI=cli", "--env", "LAYER=cli"],
    { env: { FROM_PROCESS: "p", FROM_CLI: "process", LAYER: "process", FROM_WORKFLOW: "process" } },
  );
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^\[env\] layer=task cli=cli process=p wf=wf$/m);
  assert.match(stderr, /^\[greet\] hello world$/m, "--verbose prefixes output with the task id");
  assert.match(stderr, /^\[pass\] got hi world$/m, "outputs pass through $WEFT_OUTPUT");
});

Deno.test("weft run: a failure exits 1, shows the task's last lines, skips dependents", async () => {
  const { code, stdout, stderr } = await weft(["run", `${FIXTURES}failing.yml`]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, new RegExp(`^${TIME} ✖ breaks failed exit 3 \\S+$`, "m"));
  assert.match(stderr, /⤼ after skipped \(upstream\)/);
  assert.match(stderr, /✔ fine success/);
  // Under the summary line: the failed task's reason and last 10 lines, streams marked.
  const recap = stderr.slice(stderr.search(/^run \S+ failed in /m)).trimEnd().split("\n");
  assert.equal(recap.length, 12, stderr);
  assert.equal(recap[1], "✖ breaks failed: exited with code 3 — last 10 of 16 lines:");
  assert.equal(recap[2], "    stdout │ breaks line 7");
  assert.equal(recap[10], "    stdout │ breaks line 15");
  assert.equal(recap[11], "    stderr │ the real reason");
  assert.doesNotMatch(stderr, /│ breaks line 6$/m, "only the last 10 lines");
  assert.equal(stderr.match(/the real reason/g)?.length, 1, "shown once");
});

Deno.test("weft run: the recap under a failed run's summary shows lines even when shown live", async () => {
  for (const flags of [["-v"], ["-q"], ["--json"]]) {
    const { code, stderr } = await weft(["run", `${FIXTURES}failing.yml`, ...flags]);
    assert.equal(code, 1);
    const summary = stderr.search(/^run \S+ failed in /m);
    assert.ok(summary >= 0, stderr);
    const recap = stderr.slice(summary);
    assert.match(recap, /^✖ breaks failed: exited with code 3 — last 10 of 16 lines:$/m, flags[0]);
    assert.match(recap, /^ {4}stderr │ the real reason$/m, flags[0]);
    assert.match(recap, /^ {4}stdout │ breaks line 15$/m, flags[0]);
  }
  const ok = await weft(["run", `${FIXTURES}basic.yml`]);
  assert.equal(ok.code, 0);
  assert.doesNotMatch(ok.stderr, /│/, "a run without failures has no recap");
});

Deno.test("weft run --json on failure: status failed, exit codes and reasons", async () => {
  const { code, stdout } = await weft(["run", `${FIXTURES}failing.yml`, "--json"]);
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(report.status, "failed");
  assert.equal(task(report, "breaks").status, "failed");
  assert.equal(task(report, "breaks").exitCode, 3);
  assert.equal(task(report, "after").status, "skipped");
  assert.equal(task(report, "after").reason, "upstream");
  assert.equal(task(report, "fine").status, "success");
});

Deno.test("weft run --quiet: only failures and the final line", async () => {
  const ok = await weft(["run", `${FIXTURES}basic.yml`, "--quiet"]);
  assert.equal(ok.code, 0);
  assert.equal(ok.stderr.trimEnd().split("\n").length, 1);
  assert.match(ok.stderr, /^run \S+ success in /);

  const failed = await weft(["run", `${FIXTURES}failing.yml`, "-q"]);
  assert.equal(failed.code, 1);
  const lines = failed.stderr.trimEnd().split("\n");
  assert.match(lines[0], /✖ breaks failed exit 3/);
  assert.match(lines[1], /^run \S+ failed in /);
  assert.match(lines[2], /^✖ breaks failed: exited with code 3/);
  assert.ok(lines.slice(3).every((l) => /^ {4}std(out|err) │ /.test(l)), failed.stderr);
});

Deno.test("weft run: live_output shows that task's lines, not the others'", async () => {
  const { code, stderr } = await weft(["run", `${FIXTURES}live.yml`]);
  assert.equal(code, 0);
  assert.match(stderr, /^\[loud\] loud says hi$/m);
  assert.doesNotMatch(stderr, /silent says hi/);
});

Deno.test("weft run -: reads the workflow from stdin", async () => {
  const source = await Deno.readTextFile(`${FIXTURES}live.yml`);
  const { code, stderr } = await weft(["run", "-", "--verbose"], { stdin: source });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^\[silent\] silent says hi$/m);
});

Deno.test("weft run: params — required, given, unknown; exit 2 with hints", async () => {
  const missing = await weft(["run", `${FIXTURES}required.yml`, "--json"]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, "");
  assert.match(
    missing.stderr,
    /required\.yml: missing required parameter "target" \(where to deploy\)/,
  );
  assert.match(missing.stderr, /hint: pass it with -p target=VALUE/);

  const given = await weft(["run", `${FIXTURES}required.yml`, "-p", "target=a b;c", "--verbose"]);
  assert.equal(given.code, 0, given.stderr);
  assert.match(given.stderr, /^\[show\] target=a b;c$/m);

  const unknown = await weft([
    "run",
    `${FIXTURES}required.yml`,
    "--param",
    "target=x",
    "-p",
    "tagret=y",
  ]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown parameter "tagret"/);
  assert.match(unknown.stderr, /hint: this workflow declares: target/);
});

Deno.test("weft run: bad flag values exit 2 before anything runs", async () => {
  const dir = testTempDir();
  const cases: [string[], RegExp][] = [
    [["-p", "novalue"], /--param "novalue": expected name=value/],
    [["--env", "1X=2"], /--env "1X=…": expected VAR=value/],
    [["--env", "NOEQUALS"], /--env "NOEQUALS": expected VAR=value/],
    [["--max-parallel", "0"], /--max-parallel "0": expected a whole number of 1 or more/],
    [["--max-parallel", "two"], /--max-parallel "two"/],
    // A whole number, but past what a number holds exactly: said so, not "expected a whole number".
    [
      ["--max-parallel", "99999999999999999999"],
      /--max-parallel "99999999999999999999": more than weft counts \(at most 9007199254740991\)/,
    ],
  ];
  for (const [flags, message] of cases) {
    const { code, stdout, stderr } = await weft(["run", `${FIXTURES}plan.yml`, ...flags], {
      env: { MARKER_DIR: dir },
    });
    assert.equal(code, 2, flags.join(" "));
    assert.equal(stdout, "");
    assert.match(stderr, message);
    assert.match(stderr, /hint: /, "each usage error carries a hint");
  }
  const missingFile = await weft(["run", `${dir}/nope.yml`]);
  assert.equal(missingFile.code, 2);
  assert.doesNotMatch(missingFile.stderr, /internal error|at file:/);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing ran");
});

Deno.test("weft run --max-parallel 1 runs tasks one at a time", async () => {
  const dir = testTempDir();
  const { code, stderr } = await weft(["run", `${FIXTURES}serial.yml`, "--max-parallel", "1"], {
    env: { MARKER_DIR: dir },
  });
  assert.equal(code, 0, stderr);
  const log = (await Deno.readTextFile(`${dir}/log`)).trim().split("\n");
  assert.equal(log.length, 6);
  for (let i = 0; i < log.length; i += 2) {
    const id = log[i].replace("start ", "");
    assert.deepEqual(log.slice(i, i + 2), [`start ${id}`, `end ${id}`], "no two tasks overlap");
  }
});

Deno.test("weft run --dry-run: the plan on stderr, nothing runs, exit 0", async () => {
  const dir = testTempDir();
  const { code, stdout, stderr } = await weft(["run", `${FIXTURES}plan.yml`, "--dry-run"], {
    env: { MARKER_DIR: dir },
  });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    /^plan for plan: 4 tasks in \d waves, 1 callback \(dry run: nothing runs\)$/m,
  );
  assert.match(stderr, /^wave 1$/m);
  assert.match(stderr, /^ {2}prepare +shell$/m);
  assert.match(stderr, /^ {2}build +shell +runs alone$/m);
  assert.match(stderr, /^ {2}test +shell +if \$\{env\.SKIP_TESTS\} != 'true'$/m);
  assert.match(stderr, /^callbacks\n {2}cleanup +← test on failure$/m);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing ran");
});

// Every task type runs now (issue 9): the refusal of a type missing from the registry is
// tested through the engine (engine_unit_test.ts checkRunnable).
Deno.test("weft run --dry-run: invalid params exit 2", async () => {
  const missing = await weft(["run", `${FIXTURES}required.yml`, "--dry-run"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing required parameter "target"/);
  assert.doesNotMatch(missing.stderr, /plan for|started/, "nothing is planned or started");
});

Deno.test("weft run --dry-run --json: the plan as JSON on stdout", async () => {
  const { code, stdout } = await weft(["run", `${FIXTURES}plan.yml`, "--dry-run", "--json"]);
  assert.equal(code, 0);
  const plan = JSON.parse(stdout);
  assert.equal(plan.workflow, "plan");
  assert.deepEqual(plan.waves[0].map((t: { id: string }) => t.id), ["prepare"]);
  const ids = plan.waves.flat().map((t: { id: string }) => t.id).sort();
  assert.deepEqual(ids, ["build", "lint", "prepare", "test"]);
  assert.deepEqual(plan.callbacks, [{
    id: "cleanup",
    calledBy: [{ task: "test", on: "failure" }],
    runs: ["$ true"],
  }]);
});

Deno.test("weft run --dry-run: what each task would run, known values filled in, secrets masked", async () => {
  const env = { GIVEN_TOKEN: "tok-4f9a2c", DB_PASSWORD: "hunter2hunter" };
  const args = ["run", `${FIXTURES}preview.yml`, "--dry-run", "-p", "region=us"];
  const { code, stderr } = await weft(args, { env });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^ {2}build +shell\n {4,}\$ echo "version=1\.2" >> "\$WEFT_OUTPUT"$/m);
  assert.match(stderr, /^ {6,}echo "deploying to us with \*\*\*"$/m, "param in, secret masked");
  assert.match(
    stderr,
    /^ {4,}PUT http:\/\/127\.0\.0\.1:2\/api\/us\/<tasks\.build\.outputs\.version>\?key=\*\*\*$/m,
  );
  assert.match(stderr, /^ {4,}for each item of \["a","b"\]:$/m);
  assert.match(stderr, /^ {6,}\$ echo "<item> of <tasks\.build\.outputs\.version>"$/m);
  assert.doesNotMatch(stderr, /tok-4f9a2c|hunter2hunter/);

  const json = await weft([...args, "--json"], { env });
  const plan = JSON.parse(json.stdout);
  assert.deepEqual(plan.waves[0][0].runs, [
    '$ echo "version=1.2" >> "$WEFT_OUTPUT"',
    '  echo "deploying to us with ***"',
  ]);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`weft run: ${signal} cancels running tasks, ends their groups, exits 130`, async () => {
    const dir = testTempDir();
    const run = startWeft(["run", `${FIXTURES}sleepers.yml`, "--json"], { MARKER_DIR: dir });
    const pgids = [
      Number(await waitForFile(`${dir}/sleeper-a.pid`)),
      Number(await waitForFile(`${dir}/sleeper-b.pid`)),
    ];
    assert.ok(pgids.every((pgid) => processesInGroup(pgid).length > 0), "tasks are running");
    Deno.kill(run.child.pid, signal);
    const { code, stdout, stderr } = await run.finish();

    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping… \(Ctrl-C again to kill\)/);
    for (const pgid of pgids) assert.deepEqual(processesInGroup(pgid), [], `group ${pgid} is gone`);
    const report = JSON.parse(stdout) as RunReport;
    assert.equal(report.status, "cancelled");
    assert.equal(task(report, "sleeper-a").status, "cancelled");
    assert.equal(task(report, "sleeper-b").status, "cancelled");
    assert.notEqual(task(report, "later").status, "success");
    assert.ok(!(exists(`${dir}/later-ran`)), "nothing starts after the signal");
    assert.match(stderr.trimEnd().split("\n").at(-1)!, /^run \S+ cancelled in /);
  });
}

Deno.test("weft run: a second Ctrl-C kills a task that ignores SIGTERM", async () => {
  const dir = testTempDir();
  const run = startWeft(["run", `${FIXTURES}stubborn.yml`], { MARKER_DIR: dir });
  const pgid = Number(await waitForFile(`${dir}/stubborn.pid`));
  Deno.kill(run.child.pid, "SIGINT");
  await run.stderrIncludes("stopping…");
  assert.ok(processesInGroup(pgid).length > 0, "SIGTERM alone does not end it");
  Deno.kill(run.child.pid, "SIGINT");
  const { code, stderr } = await run.finish();
  assert.equal(code, 130, stderr);
  assert.match(stderr, /killing running tasks/);
  assert.deepEqual(processesInGroup(pgid), []);
  assert.match(stderr, /■ stubborn cancelled/);
});

Deno.test("weft run on a terminal: live board redrawn in place, summary, cursor restored", async () => {
  // `script` gives weft a pseudo-terminal, as a person's shell would.
  const command = ["deno", ...weftArgs(["run", `${FIXTURES}basic.yml`])]
    .map((a) => `'${a.replaceAll("'", `'"'"'`)}'`).join(" ");
  const run = (extra: Record<string, string>) =>
    new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      env: weftEnv({
        PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:${Deno.env.get("PATH")}`,
        ...extra,
      }),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();

  const colored = await run({ TERM: "xterm" });
  const text = new TextDecoder().decode(colored.stdout);
  assert.equal(colored.code, 0, text);
  assert.ok(text.includes("\x1b[?25l") && text.includes("\x1b[?25h"), "cursor hidden, then shown");
  assert.match(text, /\x1b\[\d+F\x1b\[2K\x1b\[1B\x1b\[J/, "redraws move the cursor up and clear");
  assert.match(text, /\x1b\[32m✔\x1b\[39m greet/, "states in colour");
  assert.match(text, /run \S+ .*success.* in \S+ \(4 tasks: 3 success, 1 skipped\)/);

  const noColor = await run({ TERM: "xterm", NO_COLOR: "1" });
  const plainText = new TextDecoder().decode(noColor.stdout);
  assert.equal(noColor.code, 0);
  assert.doesNotMatch(plainText, /\x1b\[3\dm/, "NO_COLOR: no colour codes");
  assert.match(plainText, /✔ greet/);
});
