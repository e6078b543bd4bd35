/**
 * `weft run`'s progress lines for retries of nested tasks (src/cli/run.ts
 * taskDisplayFacts): a parallel child, a conditional's branch and a loop's iterations
 * show `attempt N/M` as top-level tasks do, counting the defaults' tries where the step
 * has no `retry`; composites themselves have one try. A conditional whose branches differ
 * in their count shows it once a retry tells which branch runs (src/cli/display_facts.ts).
 */
import assert from "node:assert/strict";
import { attemptText } from "../src/cli/render/format.ts";
import { weft } from "./_run_cli.ts";

const FIXTURE = new URL("./fixtures/run_retries/nested.yml", import.meta.url).pathname;

Deno.test("weft run: retries inside parallel, conditional and loop tasks name attempt N/M", async () => {
  const run = await weft(["run", FIXTURE]);
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.split("\n");
  const has = (pattern: RegExp) =>
    assert.ok(lines.some((l) => pattern.test(l)), `${pattern} in:\n${run.stderr}`);
  has(/↻ own failed exit 1 \(attempt 1\/3\), retrying in 10ms$/);
  has(/↻ own failed exit 1 \(attempt 2\/3\), retrying in 10ms$/);
  has(/▶ own started \(attempt 3\/3\)$/);
  has(/↻ inherits failed exit 1 \(attempt 1\/2\), retrying in 10ms$/);
  has(/↻ same failed exit 1 \(attempt 2\/3\), retrying in 10ms$/);
  has(/▶ same started \(attempt 3\/3\)$/);
  has(/↻ each\[a\] failed exit 1 \(attempt 1\/3\), retrying in 10ms$/);
  // Branches with different counts: the attempt, without a count it cannot know.
  has(/↻ differ failed exit 1 \(attempt 1\), retrying in 10ms$/);
  has(/▶ differ started \(attempt 2\)$/);
  assert.doesNotMatch(run.stderr, /\(\)/);
  // Composites run once, whatever the defaults say.
  has(/▶ par started$/);
  has(/▶ each started$/);
});

const BRANCHES = new URL("./fixtures/run_retries/branches.yml", import.meta.url).pathname;

Deno.test("weft run: a conditional's branches with different counts show the count once a retry tells the branch", async () => {
  const run = await weft(["run", BRANCHES]);
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.split("\n");
  const has = (pattern: RegExp) =>
    assert.ok(lines.some((l) => pattern.test(l)), `${pattern} in:\n${run.stderr}`);
  // Before the first retry the branch is not known here: no count, not a wrong one.
  has(/▶ only_else started$/);
  has(/↻ only_else failed exit 1 \(attempt 1\/2\), retrying in 10ms$/);
  has(/▶ only_else started \(attempt 2\/2\)$/);
  has(/↻ only_then failed exit 1 \(attempt 1\/2\), retrying in 10ms$/);
  has(/▶ only_then started \(attempt 2\/2\)$/);
  // Both branches retry after attempt 1; only the one with 3 tries after attempt 2.
  has(/↻ later failed exit 1 \(attempt 1\), retrying in 10ms$/);
  has(/▶ later started \(attempt 2\)$/);
  has(/↻ later failed exit 1 \(attempt 2\/3\), retrying in 10ms$/);
  has(/▶ later started \(attempt 3\/3\)$/);
  has(/↻ by_delay failed exit 1 \(attempt 1\/3\), retrying in 20ms$/);
  has(/▶ by_delay started \(attempt 3\/3\)$/);
  assert.doesNotMatch(run.stderr, /attempt \d+\/(4|1)\b/);
});

Deno.test("attemptText: the count where known, the attempt alone past the first otherwise", () => {
  assert.equal(attemptText(1, 3), "attempt 1/3");
  assert.equal(attemptText(1, 1), "");
  assert.equal(attemptText(2, 1), "attempt 2");
});
