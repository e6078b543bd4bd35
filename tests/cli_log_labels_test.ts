/**
 * The width `weft logs` pads task prefixes to (cli/log_labels.ts): one rule that
 * `--follow` from the run's start and `weft logs` afterwards apply alike (v23 F8).
 */
import assert from "node:assert/strict";
import { LabelWidths } from "../src/cli/log_labels.ts";

const WORKFLOW = [{ id: "a" }, { id: "flaky" }, { id: "lp" }];
const ITERATIONS = [{ id: "lp[a-rather-long-item-name]" }, { id: "lp[x]" }];

Deno.test("log labels: a loop's iterations do not widen the workflow's tasks", () => {
  const atStart = new LabelWidths(WORKFLOW);
  const afterwards = new LabelWidths([...WORKFLOW, ...ITERATIONS]);
  for (const id of ["a", "flaky", "lp"]) {
    assert.equal(atStart.prefix(id, 1), afterwards.prefix(id, 1), id);
  }
  assert.equal(afterwards.prefix("a", 1), "a     | ");
});

Deno.test("log labels: iterations aligned to their loop's longest, never narrower than the tasks", () => {
  const widths = new LabelWidths([...WORKFLOW, ...ITERATIONS, { id: "q" }, { id: "q[1]" }]);
  assert.equal(widths.prefix("lp[x]", 1), "lp[x]                       | ");
  assert.equal(widths.prefix("lp[a-rather-long-item-name]", 1), "lp[a-rather-long-item-name] | ");
  assert.equal(widths.prefix("q[1]", 1), "q[1]  | ");
});

Deno.test("log labels: a later attempt's #N sticks out rather than widening the others", () => {
  const widths = new LabelWidths(WORKFLOW);
  assert.equal(widths.prefix("flaky", 2), "flaky#2 | ");
  assert.equal(widths.prefix("flaky", 1), "flaky | ");
});
