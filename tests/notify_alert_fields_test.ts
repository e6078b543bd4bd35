/**
 * model/alert_fields.ts: the fields `weft validate` lets an alert read are exactly those
 * notify/alerts.ts alertScope gives, and a misspelt one is refused at its place.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { ALERT_FIELDS, type AlertFields } from "../src/model/alert_fields.ts";
import { alertScope } from "../src/notify/alerts.ts";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/alert_fields/", import.meta.url).pathname;

/** The shape of a value as {@link AlertFields}: objects by their keys, anything else true. */
function shape(value: unknown): true | AlertFields {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return true;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
}

Deno.test("alert fields: the list validate checks is what alertScope gives", () => {
  const report = {
    id: "r",
    status: "failed",
    durationMs: 5,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    error: "boom",
    tasks: [],
  } as unknown as RunReport;
  const metrics = { successRate: 50, totalRuns: 2, averageDuration: 3, failures: 1 };
  const scope = alertScope({ name: "w", expected_duration: 1000 }, report, metrics);
  for (const root of Object.keys(ALERT_FIELDS)) {
    assert.deepEqual(shape(scope(root, [])), ALERT_FIELDS[root], root);
  }
});

Deno.test("alert fields: a misspelt field in a condition or template is refused", async () => {
  const out = await weft(["validate", "typos.yml"], { cwd: FIXTURES });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const found = [
    ...(out.stdout + out.stderr).matchAll(/^typos\.yml:(\d+:\d+): (.*)\n {2}hint: (.*)$/gm),
  ]
    .map((m) => `${m[1]} ${m[2]} | ${m[3]}`);
  assert.deepEqual(found, [
    '7:16 alerts[0].condition: metrics has no field "successrate" | did you mean "successRate"?',
    '12:21 alerts[1].template: metrics has no field "sucessRate" | did you mean "successRate"?',
    '12:48 alerts[1].template: workflow has no field "nme" | did you mean "name"?',
    '12:65 alerts[1].template: error has no field "mesage" | did you mean "message"?',
    '12:81 alerts[1].template: execution.status has no field "x" | execution.status is a value, with no fields',
  ]);
  const fine = await weft(["validate", "fine.yml"], { cwd: FIXTURES });
  assert.equal(fine.code, 0, fine.stdout + fine.stderr);
});

Deno.test("alert fields: names every object inherits read as nothing", () => {
  const report = { id: "r", status: "failed", durationMs: 5, tasks: [] } as unknown as RunReport;
  const scope = alertScope({ name: "w" }, report, { failures: 1 });
  assert.equal(scope("constructor", []), null);
  assert.equal(scope("execution", ["constructor"]), null);
  assert.equal(scope("metrics", ["toString"]), null);
  assert.equal(scope("metrics", ["failures"]), 1);
});
