/** The health report's numbers: counts, success rates, mean and percentiles. */
import assert from "node:assert/strict";
import { computeMetrics, percentile } from "../src/store/metrics.ts";
import type { MetricsRun, RunRecord, TaskSummary } from "../src/store/run_store.ts";
import type { RunStatus } from "../src/engine/events.ts";
import { runInfo } from "./fixtures/history/events.ts";

let n = 0;
function run(
  workflow: string,
  status: RunStatus,
  durationMs: number | null,
  tasks: TaskSummary[] = [],
): MetricsRun {
  n++;
  const record: RunRecord = {
    ...runInfo({ id: `20260101T0000${String(n).padStart(2, "0")}Z-x`, workflow }),
    status,
    finishedAt: null,
    durationMs,
    pidStartTicks: null,
    summary: tasks,
  };
  return { run: record, tasks };
}
const task = (
  id: string,
  status: TaskSummary["status"],
  durationMs: number | null,
): TaskSummary => ({
  id,
  status,
  durationMs,
  callback: false,
});

Deno.test("percentile uses the nearest rank", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 95), 95);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([], 50), null);
});

Deno.test("computeMetrics: per workflow and per task counts, rates and durations", () => {
  const runs = [
    run("deploy", "success", 1000, [task("build", "success", 400), task("test", "success", 600)]),
    run("deploy", "failed", 3000, [task("build", "success", 500), task("test", "failed", 2500)]),
    run("deploy", "success", 2000, [task("build", "success", 600), task("test", "skipped", null)]),
    // An interrupted run counts as a failure but not in durations: its bogus 500 ms (as
    // earlier versions recorded crashed runs) must not pull the mean down.
    run("deploy", "interrupted", 500, [
      task("build", "interrupted", 20),
      task("test", "interrupted", null),
    ]),
    run("deploy", "running", null),
    run("backup", "success", 100, [task("dump", "success", 100)]),
  ];
  const report = computeMetrics(runs, new Date("2026-01-01T00:00:00Z"));
  assert.equal(report.since, "2026-01-01T00:00:00.000Z");
  assert.deepEqual(report.workflows.map((w) => w.workflow), ["backup", "deploy"]);
  const deploy = report.workflows[1];
  assert.equal(deploy.runs, 4);
  assert.equal(deploy.successes, 2);
  assert.equal(deploy.failures, 2);
  assert.equal(deploy.running, 1);
  assert.equal(deploy.successRate, 50);
  assert.equal(deploy.successRateText, "50.00%");
  assert.equal(deploy.meanDurationMs, 2000);
  assert.equal(deploy.p50DurationMs, 2000);
  assert.equal(deploy.p95DurationMs, 3000);
  const [build, test] = deploy.tasks;
  assert.deepEqual([build.id, build.runs, build.successes, build.failures], ["build", 4, 3, 1]);
  assert.equal(build.successRate, 75);
  assert.equal(build.meanDurationMs, 500);
  assert.deepEqual([test.id, test.runs, test.successes, test.failures, test.skipped], [
    "test",
    3,
    1,
    2,
    1,
  ]);
  assert.equal(test.successRate, 33.33);
  assert.equal(report.overall.runs, 5);
  assert.equal(report.overall.successRate, 60);
  assert.equal(report.overall.running, 1);
});

Deno.test("computeMetrics with no runs says n/a, not NaN", () => {
  const report = computeMetrics([]);
  assert.equal(report.overall.successRate, null);
  assert.equal(report.overall.successRateText, "n/a");
  assert.equal(report.overall.meanDurationMs, null);
  assert.deepEqual(report.workflows, []);
});
