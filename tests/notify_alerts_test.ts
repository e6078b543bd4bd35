/**
 * Alert rules through `weft run` and `weft alerts`: the seed's three rules as written,
 * templates, firing once while a condition holds and again only after it cleared, and
 * the listing of rules with their state and last fire.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { alertScope, errorMessage } from "../src/notify/alerts.ts";
import { compileCondition } from "../src/expr/mod.ts";
import type { RunReport } from "../src/engine/events.ts";
import { startHookServer } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const FLOW = (url: string) =>
  `{
  "name": "alerting",
  "expected_duration": "1h",
  "notifications": { "webhook": { "url": "${url}/alerts" } },
  "tasks": [{ "id": "t", "type": "shell", "command": "test \\"$OUTCOME\\" = ok" }],
  "alerts": [
    { "name": "workflow-failure", "condition": "execution.status === 'failed'",
      "channels": ["webhook"], "template": "Workflow \${workflow.name} failed: \${error.message}" },
    { "name": "high-failure-rate", "condition": "metrics.successRate < 90", "channels": ["webhook"],
      "template": "Workflow success rate dropped to \${metrics.successRate}%", "window": "1d" },
    { "name": "long-duration", "condition": "execution.duration > workflow.expected_duration * 2",
      "channels": ["webhook"], "template": "Workflow taking unusually long: \${execution.duration}ms" }
  ]
}`;

Deno.test("alerts fire once while their condition holds, and again after it cleared", async () => {
  const hook = startHookServer();
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(`${dir}/flow.json`, FLOW(hook.url));
    const validate = await weft(["validate", `${dir}/flow.json`]);
    assert.equal(validate.code, 0, validate.stdout + validate.stderr);
    const home = `${dir}/home`;
    const fired: string[][] = [];
    for (const outcome of ["fail", "fail", "ok", "fail"]) {
      const before = hook.requests.length;
      const run = await weft(["run", `${dir}/flow.json`], {
        env: { WEFT_HOME: home, OUTCOME: outcome },
      });
      assert.equal(run.code, outcome === "ok" ? 0 : 1, run.stderr);
      fired.push(hook.requests.slice(before).map((r) => (r.body as Any).alert.name).sort());
    }
    assert.deepEqual(fired, [
      ["high-failure-rate", "workflow-failure"], // both start to hold
      [], // still holding: no storm
      [], // failure cleared; the rate (33%) still holds
      ["workflow-failure"], // failed again after clearing
    ]);
    const messages = hook.requests.map((r) => (r.body as Any).alert.message);
    assert.match(
      messages[0] + messages[1],
      /Workflow alerting failed: task t failed: exited with code 1/,
    );
    assert.match(messages[0] + messages[1], /Workflow success rate dropped to 0%/);
    // The webhook carries the run report next to the alert.
    assert.equal((hook.requests[0].body as Any).workflow, "alerting");
    assert.equal((hook.requests[0].body as Any).status, "failed");

    const status = await weft(["status"], { env: { WEFT_HOME: home } });
    assert.match(status.stdout, /notified {2}alert workflow-failure → webhook: sent/);

    const listed = await weft(["alerts", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Any[];
    const byRule = Object.fromEntries(rows.map((r) => [r.rule, r]));
    assert.deepEqual(
      [byRule["workflow-failure"].state, byRule["workflow-failure"].fired],
      ["firing", 2],
    );
    assert.deepEqual(
      [byRule["high-failure-rate"].state, byRule["high-failure-rate"].fired],
      ["firing", 1],
    );
    assert.deepEqual([byRule["long-duration"].state, byRule["long-duration"].fired], ["ok", 0]);
    assert.equal(byRule["long-duration"].lastFiredAt, null);
    assert.equal(typeof byRule["workflow-failure"].lastFiredRunId, "string");

    const human = await weft(["alerts", `${dir}/flow.json`], { env: { WEFT_HOME: home } });
    assert.match(human.stdout, /alerting\s+workflow-failure\s+firing\s+2\s+\d{4}-\d\d-\d\d/);
    assert.match(human.stdout, /long-duration\s+ok\s+0\s+-/);
  } finally {
    await hook.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("weft alerts: a file's rules never evaluated are listed as never run; empty history says so", async () => {
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(`${dir}/flow.json`, FLOW("http://127.0.0.1:2"));
    const env = { WEFT_HOME: `${dir}/home` };
    const none = await weft(["alerts"], { env });
    assert.equal(none.code, 0);
    assert.match(none.stdout, /no alert rules evaluated yet/);
    const listed = JSON.parse(
      (await weft(["alerts", `${dir}/flow.json`, "--json"], { env })).stdout,
    );
    assert.deepEqual(listed.map((r: Any) => [r.rule, r.state]), [
      ["workflow-failure", "never run"],
      ["high-failure-rate", "never run"],
      ["long-duration", "never run"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("alertScope: the seed's conditions over execution, metrics and workflow", () => {
  const report: RunReport = {
    id: "r1",
    workflow: "w",
    status: "failed",
    startedAt: "",
    finishedAt: "",
    durationMs: 2500,
    tasks: [],
    error: "disk full",
  };
  const scope = alertScope({ name: "w", expected_duration: 1000 }, report, {
    successRate: 85.5,
    totalRuns: 7,
    averageDuration: 1200,
  });
  const check = (text: string) => compileCondition(text).evaluate(scope);
  assert.equal(check("execution.status === 'failed'"), true);
  assert.equal(check("metrics.successRate < 90"), true);
  assert.equal(check("execution.duration > workflow.expected_duration * 2"), true);
  assert.equal(check("error.message"), "disk full");
  assert.equal(check("execution.error.message == error.message"), true);
  assert.equal(errorMessage({ ...report, error: undefined, status: "success" }), "");
  // No expected duration: the comparison is false, not an error.
  const none = alertScope({ name: "w" }, report, {});
  assert.equal(
    compileCondition("execution.duration > workflow.expected_duration * 2").evaluate(none),
    false,
  );
});
