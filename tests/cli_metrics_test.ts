/** `weft metrics` through the real CLI on a seeded WEFT_HOME. */
import assert from "node:assert/strict";
import { fakeRunId } from "./fixtures/history/events.ts";
import { seed, tempHome, weft } from "./fixtures/history/cli.ts";

const DAY = 86_400_000;

Deno.test("weft metrics --json: per workflow and task, windowed by --since", async () => {
  const { home, cleanup } = await tempHome();
  const now = Date.now();
  const runs = [
    { days: 10, workflow: "deploy", test: "failed" as const },
    { days: 3, workflow: "deploy", test: "success" as const },
    { days: 2, workflow: "deploy", test: "failed" as const },
    { days: 1, workflow: "deploy", test: "success" as const },
    { days: 1, workflow: "backup", test: "success" as const },
  ].map((r) => {
    const started = new Date(now - r.days * DAY);
    return {
      id: fakeRunId(started),
      startedAt: started.toISOString(),
      workflow: r.workflow,
      tasks: [{ id: "build", durationMs: 100 }, { id: "test", status: r.test, durationMs: 300 }],
    };
  });
  await seed(home, runs);
  const result = await weft(["metrics", "--since", "7d", "--json", "--home", home]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.overall.runs, 4);
  assert.equal(report.overall.successRate, 75);
  assert.equal(report.overall.successRateText, "75.00%");
  const deploy = report.workflows.find((w: { workflow: string }) => w.workflow === "deploy");
  assert.deepEqual([deploy.runs, deploy.successes, deploy.failures, deploy.successRate], [
    3,
    2,
    1,
    66.67,
  ]);
  assert.equal(typeof deploy.p95DurationMs, "number");
  const test = deploy.tasks.find((t: { id: string }) => t.id === "test");
  assert.deepEqual([test.runs, test.successes, test.failures], [3, 2, 1]);

  const one = JSON.parse(
    (await weft(["metrics", "--workflow", "deploy", "--json", "--home", home])).stdout,
  );
  assert.deepEqual(one.workflows.map((w: { workflow: string }) => w.workflow), ["deploy"]);
  assert.equal(one.workflows[0].runs, 4);
  assert.equal(one.since, null);
  await cleanup();
});

Deno.test("weft metrics for people: a header line, a workflow table, a task table each", async () => {
  const { home, cleanup } = await tempHome();
  await seed(home, [{
    id: fakeRunId(),
    workflow: "nightly",
    tasks: [{ id: "dump" }, { id: "upload" }],
  }]);
  const result = await weft(["metrics", "--home", home]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Health report \(all history\): 1 finished run, success rate 100\.00%/,
  );
  assert.match(result.stdout, /^WORKFLOW\s+RUNS\s+OK\s+FAILED\s+RATE\s+MEAN\s+P50\s+P95$/m);
  assert.match(result.stdout, /^nightly\s+1\s+1\s+0\s+100\.00%/m);
  assert.match(result.stdout, /^ {2}upload\s+1\s+1\s+0\s+0\s+100\.00%/m);
  const bad = await weft(["metrics", "--since", "soon", "--home", home]);
  assert.equal(bad.code, 2);
  await cleanup();
});

Deno.test("weft metrics: a task a workflow timeout kept from starting is no run of it", async () => {
  const { home, cleanup } = await tempHome();
  const file = new URL("./fixtures/metrics_not_started/stopped.yml", import.meta.url).pathname;
  const run = await weft(["run", file, "-q", "--home", home]);
  assert.equal(run.code, 1, run.stderr);
  const result = await weft(["metrics", "--json", "--home", home]);
  assert.equal(result.code, 0, result.stderr);
  const [flow] = JSON.parse(result.stdout).workflows;
  const byId = Object.fromEntries(
    flow.tasks.map((t: { id: string; runs: number; failures: number }) => [t.id, t]),
  );
  assert.deepEqual([byId.s.runs, byId.s.failures], [1, 1]); // it ran, and timed out
  assert.deepEqual([byId.ok.runs, byId.ok.failures], [1, 0]);
  // 0 attempts: listed (it is in the workflow), with no run and no failure.
  assert.deepEqual([byId.after.runs, byId.after.failures], [0, 0]);
  await cleanup();
});

Deno.test("weft metrics: a task --resume kept is no run of it in the resumed run", async () => {
  const { home, cleanup } = await tempHome();
  const file = new URL("./fixtures/metrics_resumed/flaky.yml", import.meta.url).pathname;
  const flag = `${home}/ok.flag`;
  const env = { FLAG: flag };
  const run = (args: string[]) => weft(["run", file, "-q", "--home", home, ...args], env);
  const latest = async () =>
    (await weft(["history", "-q", "--limit", "1", "--home", home])).stdout.trim();
  let last = await run([]);
  assert.equal(last.code, 1, last.stderr);
  for (let i = 0; i < 2; i++) {
    last = await run(["--resume", await latest()]);
    assert.equal(last.code, 1, last.stderr);
  }
  Deno.writeTextFileSync(flag, "");
  last = await run(["--resume", await latest()]);
  assert.equal(last.code, 0, last.stderr);
  const result = await weft(["metrics", "--json", "--home", home]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  const [flow] = report.workflows;
  const byId = Object.fromEntries(
    flow.tasks.map((t: { id: string; runs: number; failures: number }) => [t.id, t]),
  );
  assert.equal(flow.runs, 4);
  // `first` ran once (in the first run); the three resumes kept it.
  assert.deepEqual([byId.first.runs, byId.first.failures], [1, 0]);
  assert.equal(report.tasks.first.runs, 1);
  assert.deepEqual([byId.second.runs, byId.second.failures], [4, 3]);
  await cleanup();
});

Deno.test("weft metrics on a home without runs: the report on stdout, `no runs recorded` on stderr as history says it", async () => {
  const { home, cleanup } = await tempHome();
  try {
    const metrics = await weft(["metrics", "--home", home]);
    assert.equal(metrics.code, 0);
    assert.match(metrics.stdout, /^Health report \(all history\): 0 finished runs/);
    assert.doesNotMatch(metrics.stdout, /no runs recorded/);
    const history = await weft(["history", "--home", home]);
    assert.equal(history.stderr, `no runs recorded in ${home}\n`);
    assert.equal(metrics.stderr, history.stderr, "the one message");
    const filtered = await weft(["metrics", "--workflow", "nope", "--home", home]);
    assert.equal(filtered.stderr, `no runs recorded in ${home} that match\n`);
  } finally {
    await cleanup();
  }
});
