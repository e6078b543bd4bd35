/**
 * The health report carries the seed's getHealthReport() fields under their names:
 * overall.successRate, overall.totalRuns, overall.averageDuration and tasks — checked
 * on the report and through `weft metrics --json` on a real run history.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { computeMetrics } from "../src/store/metrics.ts";
import type { MetricsRun } from "../src/store/run_store.ts";
import { runInfo } from "./fixtures/history/events.ts";
import { weft } from "./_run_cli.ts";

function run(
  id: string,
  workflow: string,
  ok: boolean,
  ms: number,
  tasks: [string, boolean, number][],
): MetricsRun {
  const summary = tasks.map(([tid, tok, tms]) => ({
    id: tid,
    status: tok ? "success" as const : "failed" as const,
    durationMs: tms,
    callback: false,
  }));
  return {
    run: {
      ...runInfo({ id, workflow }),
      status: ok ? "success" : "failed",
      finishedAt: null,
      durationMs: ms,
      pidStartTicks: null,
      summary,
    },
    tasks: summary,
  };
}

Deno.test("computeMetrics: the seed's overall fields and tasks keyed by id across workflows", () => {
  const report = computeMetrics([
    run("20260101T000001Z-a", "deploy", true, 1000, [["build", true, 400], ["test", true, 600]]),
    run("20260101T000002Z-b", "deploy", false, 3000, [["build", true, 200], ["test", false, 2800]]),
    run("20260101T000003Z-c", "backup", true, 2000, [["build", true, 300]]),
  ]);
  assert.equal(report.overall.totalRuns, 3);
  assert.equal(report.overall.successRate, 66.67);
  assert.equal(report.overall.averageDuration, 2000);
  assert.deepEqual(report.tasks, {
    build: { runs: 3, failures: 0, averageDuration: 300, successRate: 100 },
    test: { runs: 2, failures: 1, averageDuration: 1700, successRate: 50 },
  });
  // The fields weft had before stay.
  assert.equal(report.overall.runs, 3);
  assert.equal(report.overall.meanDurationMs, 2000);
  assert.equal(report.workflows.length, 2);
});

Deno.test("weft metrics --json after real runs has the seed's health report fields", async () => {
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: health\ntasks:\n  - id: check\n    command: "test \\"$OK\\" = 1"\n`,
    );
    const env = { WEFT_HOME: `${dir}/home` };
    for (const ok of ["1", "1", "0", "1"]) {
      await weft(["run", `${dir}/flow.yml`], { env: { ...env, OK: ok } });
    }
    const result = await weft(["metrics", "--json"], { env });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.overall.successRate, 75);
    assert.equal(report.overall.totalRuns, 4);
    assert.equal(typeof report.overall.averageDuration, "number");
    assert.deepEqual(Object.keys(report.tasks), ["check"]);
    assert.equal(report.tasks.check.runs, 4);
    assert.equal(report.tasks.check.failures, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
