/**
 * src/expr/value.ts parseJsonKeepingText: JSON text from a run (a loop's items) keeps
 * each number's written text where String() would spell it otherwise. looseEquals and
 * compareValues: the comparison rules of conditions, also through `weft run`.
 */
import assert from "node:assert/strict";
import { compareValues, looseEquals, parseJsonKeepingText, stringify } from "../src/expr/value.ts";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/conditions/", import.meta.url).pathname;

Deno.test("parseJsonKeepingText: re-spelled numbers keep their text, at any depth", () => {
  assert.deepEqual(
    parseJsonKeepingText(
      '[1.10, 1E3, 1e+3, -0, -0.0, 100000000000000000000001, 0.1, 10, 2.5, true, null, "007"]',
    ),
    [
      "1.10",
      "1E3",
      "1e+3",
      "-0",
      "-0.0",
      "100000000000000000000001",
      0.1,
      10,
      2.5,
      true,
      null,
      "007",
    ],
  );
  assert.deepEqual(parseJsonKeepingText('{"a": {"b": [3.10]}, "c": 3}'), {
    a: { b: ["3.10"] },
    c: 3,
  });
  assert.equal(stringify(parseJsonKeepingText("[1.10]") as string[]), '["1.10"]');
});

Deno.test("parseJsonKeepingText: invalid JSON throws SyntaxError as JSON.parse does", () => {
  assert.throws(() => parseJsonKeepingText("[007]"), SyntaxError);
  assert.throws(() => parseJsonKeepingText("[1.10,"), SyntaxError);
});

Deno.test("looseEquals: two strings compare as text; a string meets a number as a number", () => {
  for (
    const [a, b] of [["3.1", "3.10"], ["0012", "12"], ["1e3", "1000"], [" 7 ", "7"], ["1", "1.0"]]
  ) {
    assert.equal(looseEquals(a, b), false, `${a} == ${b}`);
  }
  assert.equal(looseEquals("3.10", "3.10"), true);
  assert.equal(looseEquals("0012", 12), true, "a string spelling a number meets a number");
  assert.equal(looseEquals(1000, "1e3"), true);
  assert.equal(looseEquals(" 7 ", 7), true);
  assert.equal(looseEquals("0", 0), true);
  assert.equal(looseEquals("", 0), false, "an empty string spells no number");
  assert.equal(looseEquals("abc", 0), false);
  assert.equal(looseEquals(true, "true"), true, "booleans as text");
  assert.equal(looseEquals(undefined, ""), true);
});

Deno.test("compareValues: strings that both spell numbers order as numbers, others as text", () => {
  assert.ok(compareValues("10", "9")! > 0);
  assert.ok(compareValues("10", 9)! > 0);
  assert.ok(compareValues("10", "9a")! < 0, "text when one does not spell a number");
  assert.equal(compareValues("3.1", "3.10"), 0, "neither before the other (yet not ==)");
  assert.equal(compareValues(undefined, 1), undefined);
});

Deno.test("cli: conditions compare quoted literals as strings, numbers as numbers", async () => {
  const run = await weft(["run", `${FIXTURES}quoted.yml`, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const status = (id: string) => reportTask(report, id).status;
  const ran = [
    "v_ne_s310",
    "v_eq_s31",
    "b_eq_n12",
    "s_eq_n7",
    "n_gt_s9",
    "out_gt_param",
    "exit_eq_s0",
  ];
  const skipped = ["v_eq_s310", "b_eq_s12", "e_eq_s1000", "s_eq_s7", "out_eq_s110", "out_eq_param"];
  for (const id of ran) assert.equal(status(id), "success", id);
  for (const id of skipped) assert.equal(status(id), "skipped", id);
});
