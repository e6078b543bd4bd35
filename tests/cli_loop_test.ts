/**
 * Loop iterations through the real CLI: each is a record of its own in `weft run --json`,
 * `weft status` (text and --json) and `weft logs` (engine/loop.ts, cli/logs.ts).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/loop/deploy.yml", import.meta.url).pathname;

type Task = { id: string; status: string; exitCode: number | null; attempts: number };

/** One recorded run of the fixture, shared by the tests below. */
const recorded = (async () => {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home };
  const run = await weft(["run", FIXTURE, "--json"], { env });
  return { home, env, run, report: JSON.parse(run.stdout) as { id: string; tasks: Task[] } };
})();

const EXPECTED = [
  ["deploy", "failed", 1, 1],
  ["deploy[staging]", "success", 0, 1],
  ["deploy[qa]", "success", 0, 1],
  ["deploy[production]", "failed", 3, 1],
  ["hosts", "success", 0, 1],
  ["hosts[0]", "success", 0, 1],
  ["hosts[1]", "success", 0, 1],
];
const facts = (tasks: Task[]) => tasks.map((t) => [t.id, t.status, t.exitCode, t.attempts]);

Deno.test("weft run --json: every iteration is a task record, right after its loop", async () => {
  const { run, report } = await recorded;
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(facts(report.tasks), EXPECTED);
});

Deno.test("weft status: iterations in the table and the failed one's last lines; --json alike", async () => {
  const { env, report } = await recorded;
  const text = await weft(["status", report.id], { env });
  assert.equal(text.code, 0, text.stderr);
  const rows = text.stdout.split("\n").filter((l) => /^(deploy|hosts)/.test(l))
    .map((l) => l.split(/\s+/).slice(0, 2).join(" "));
  assert.deepEqual(rows, EXPECTED.map(([id, status]) => `${id} ${status}`));
  const block = text.stdout.slice(text.stdout.indexOf("✖ deploy[production]")).trimEnd();
  assert.equal(
    block,
    [
      "✖ deploy[production] failed: exited with code 3 — last 2 lines:",
      "    stdout │ deploying production (2)",
      "    stderr │ no access to production",
    ].join("\n"),
  );
  const json = await weft(["status", report.id, "--json"], { env });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(facts(JSON.parse(json.stdout).tasks), EXPECTED);
});

Deno.test("weft logs: one iteration by its id; the loop's id gives all its iterations", async () => {
  const { env, report } = await recorded;
  const one = await weft(["logs", report.id, "deploy[qa]"], { env });
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout, "deploying qa (1)\n");
  const failed = await weft(["logs", "deploy[production]", "--stream", "stderr"], { env });
  assert.equal(failed.stderr, "no access to production\n", "the latest run's iteration");
  const objects = await weft(["logs", report.id, "hosts[1]"], { env });
  assert.equal(objects.stdout, "db listens on 5432\n");
  const all = await weft(["logs", report.id, "deploy", "--stream", "stdout"], { env });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(
    all.stdout,
    [
      "deploy[staging]    | deploying staging (0)",
      "deploy[qa]         | deploying qa (1)",
      "deploy[production] | deploying production (2)",
      "",
    ].join("\n"),
  );
  const unknown = await weft(["logs", report.id, "deploy[dev]"], { env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /has no task "deploy\[dev\]"/);
});

Deno.test("weft logs RUN: each loop's iterations aligned among themselves, not widened by another loop's", async () => {
  const { env, report } = await recorded;
  const all = await weft(["logs", report.id, "--stream", "stdout"], { env });
  assert.equal(all.code, 0, all.stderr);
  // Padded as `--follow` can pad them from the run's start (cli/log_labels.ts): a loop's
  // iteration ids are known only once it has its items, all of them before any prints.
  assert.equal(
    all.stdout,
    [
      "deploy[staging]    | deploying staging (0)",
      "deploy[qa]         | deploying qa (1)",
      "deploy[production] | deploying production (2)",
      "hosts[0] | web listens on 80",
      "hosts[1] | db listens on 5432",
      "",
    ].join("\n"),
  );
});

Deno.test("weft run --resume: a loop that succeeded keeps its iterations; a changed file is no problem for them", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("loop-");
  const file = `${dir}/deploy.yml`;
  await Deno.copyFile(FIXTURE, file);
  const first = await weft(["run", file, "--json"], { env: { WEFT_HOME: home } });
  assert.equal(first.code, 1, first.stderr);
  const firstId = JSON.parse(first.stdout).id;
  // Production now deploys; the file (and so its hash) changed.
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.replace("= production ]", "= nowhere ]"));
  const again = await weft(["run", file, "--json", "--resume", firstId], {
    env: { WEFT_HOME: home },
  });
  assert.equal(again.code, 0, again.stderr);
  const tasks = JSON.parse(again.stdout).tasks as (Task & { reason: string | null })[];
  assert.deepEqual(tasks.map((t) => [t.id, t.status, t.reason]), [
    ["deploy", "success", null],
    ["deploy[staging]", "success", null],
    ["deploy[qa]", "success", null],
    ["deploy[production]", "success", null],
    ["hosts", "success", "resumed"],
    ["hosts[0]", "success", "resumed"],
    ["hosts[1]", "success", "resumed"],
  ]);
});

Deno.test("weft run: an iteration shows its step's tries and live output, under its own id", async () => {
  const run = await weft(["run", new URL("./fixtures/loop/retry.yml", import.meta.url).pathname]);
  assert.equal(run.code, 0, run.stderr);
  // Progress goes to stderr, each line after the time of day: compared without it.
  const lines = run.stderr.split("\n").map((l) => l.replace(/^\d\d:\d\d:\d\d /, ""));
  for (
    const line of [
      "▶ flaky[one] started (attempt 1/2)",
      "[flaky[one]] try 1 of one",
      "↻ flaky[one] failed exit 1 (attempt 1/2), retrying in 10ms",
      "▶ flaky[one] started (attempt 2/2)",
      "[flaky[one]] try 2 of one",
    ]
  ) assert.ok(lines.includes(line), `no line ${JSON.stringify(line)} in:\n${run.stderr}`);
});

Deno.test("weft run: loop items from a value that is no JSON say where, quoting none of it", async () => {
  const dir = testTempDir("loop-items-");
  await Deno.writeTextFile(
    `${dir}/li.yml`,
    'name: li\nparams: {list: "[]"}\ntasks:\n  - id: l\n    type: loop\n    items: ${params.list}\n' +
      "    task: {command: echo x}\n",
  );
  for (
    const [list, where] of [
      ["[secret-a, b]", /at line 1, column 2 \(byte 1\): unexpected character;/],
      ["[1,", /at line 1, column 4 \(byte 3\): unexpected end of file: a value is missing;/],
    ] as const
  ) {
    const run = await weft(["run", "-q", `${dir}/li.yml`, "-p", `list=${list}`], {
      env: { WEFT_HOME: `${dir}/home` },
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /loop items: text starting with \[ is read as a JSON array, and this is no JSON: /,
    );
    assert.match(run.stderr, where);
    assert.match(
      run.stderr,
      /give a JSON array \(text in double quotes: \["a", "b"\]\), or one item per line/,
    );
    assert.doesNotMatch(run.stderr, /secret-a|is not valid JSON|Unexpected/);
  }
});
