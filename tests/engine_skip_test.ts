/**
 * The skip rule the README states (Tasks): a dependency skipped by its condition lets
 * its dependents run; one skipped because of an upstream failure does not.
 */
import assert from "node:assert/strict";
import { runTest } from "./_engine.ts";

const sh = (id: string, command: string, more: Record<string, unknown> = {}) => ({
  id,
  command,
  ...more,
});

Deno.test("skip rule: condition skips pass through chains; upstream skips propagate and win", async () => {
  const r = await runTest({
    name: "skip-rule",
    tasks: [
      sh("build", "true"),
      sh("lint", "true", { depends_on: ["build"], condition: "1 == 2" }),
      sh("test", "true", { depends_on: ["lint"], condition: "'a' == 'b'" }),
      // Both its dependencies were skipped by their conditions: it runs.
      sh("deploy", "echo deployed", { depends_on: ["lint", "test"] }),
      sh("broken", "exit 3"),
      // Its dependency failed: skipped as upstream, its condition never evaluated.
      sh("gated", "true", { depends_on: ["broken"], condition: "1 == 2" }),
      // One dependency skipped by condition, one skipped as upstream: upstream wins.
      sh("mixed", "echo mixed", { depends_on: ["lint", "gated"] }),
      sh("after-mixed", "true", { depends_on: ["mixed"] }),
    ],
  });
  const state = (id: string) => [r.task(id).status, r.task(id).reason];
  assert.deepEqual(state("lint"), ["skipped", "condition"]);
  assert.deepEqual(state("test"), ["skipped", "condition"]);
  assert.deepEqual(state("deploy"), ["success", null]);
  assert.deepEqual(r.lines("deploy"), ["deployed"]);
  assert.deepEqual(state("gated"), ["skipped", "upstream"]);
  assert.deepEqual(state("mixed"), ["skipped", "upstream"]);
  assert.deepEqual(r.lines("mixed"), []);
  assert.deepEqual(state("after-mixed"), ["skipped", "upstream"]);
  assert.equal(r.report.status, "failed");
});
