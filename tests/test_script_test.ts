/**
 * scripts/test.ts, the runner behind `deno task test`: how it deals the suite's files
 * into workers. (Its bundle is built by scripts/build.ts, tested in tests/build_test.ts.)
 */
import assert from "node:assert/strict";
import { CHECK_ROOTS, DURATIONS, durationsOf, groupFiles, GROUPS, jobs } from "../scripts/test.ts";

Deno.test("groupFiles: every file in exactly one group, sorted, dealt round-robin", () => {
  const files = ["c_test.ts", "a_test.ts", "e_test.ts", "b_test.ts", "d_test.ts"];
  const groups = groupFiles(files, 2);
  assert.deepEqual(groups, [["a_test.ts", "c_test.ts", "e_test.ts"], ["b_test.ts", "d_test.ts"]]);
  assert.deepEqual(files, ["c_test.ts", "a_test.ts", "e_test.ts", "b_test.ts", "d_test.ts"]);
});

Deno.test("groupFiles: no empty group when there are fewer files than groups; none for no file", () => {
  assert.deepEqual(groupFiles(["a_test.ts", "b_test.ts"], 5), [["a_test.ts"], ["b_test.ts"]]);
  assert.deepEqual(groupFiles([], 5), []);
});

Deno.test("groupFiles: a family of files (cli_*, daemon_*) is spread over the workers", () => {
  const files = Array.from({ length: 10 }, (_, i) => `daemon_${i}_test.ts`)
    .concat(Array.from({ length: 200 }, (_, i) => `other_${String(i).padStart(3, "0")}_test.ts`));
  const groups = groupFiles(files, GROUPS);
  assert.equal(groups.length, GROUPS);
  assert.deepEqual(groups.flat().sort(), [...files].sort());
  const sizes = groups.map((g) => g.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  for (const g of groups) {
    assert.ok(g.filter((f) => f.startsWith("daemon_")).length <= 1, g.join(" "));
  }
});

Deno.test("jobs: DENO_JOBS when a positive whole number, else one more than the CPUs", () => {
  const fallback = String(navigator.hardwareConcurrency + 1);
  assert.equal(jobs("3"), "3");
  assert.equal(jobs("12"), "12");
  for (const bad of ["", "0", "-2", "1.5", "two", "03"]) {
    assert.equal(jobs(bad), fallback, `DENO_JOBS=${bad}`);
  }
});

Deno.test("groupFiles: durations balance the groups, longest file first, heaviest group first", () => {
  const weights = {
    "a_test.ts": 10,
    "b_test.ts": 6,
    "c_test.ts": 5,
    "d_test.ts": 4,
    "e_test.ts": 1,
  };
  const groups = groupFiles(Object.keys(weights).reverse(), 2, weights);
  // 10 | 6 → 10 | 6+5 → 10+4 | 11 → 14 | 11+1: totals 14 and 12, the heavier first.
  assert.deepEqual(groups, [["a_test.ts", "d_test.ts"], ["b_test.ts", "c_test.ts", "e_test.ts"]]);
});

Deno.test("groupFiles: a file without a duration weighs the median of those known", () => {
  const weights = { "a_test.ts": 9, "b_test.ts": 3, "c_test.ts": 1 };
  // new_test.ts weighs 3: 9 | 3 → 9 | 3+3 → 9 | 6+1.
  const groups = groupFiles(["new_test.ts", "c_test.ts", "b_test.ts", "a_test.ts"], 2, weights);
  assert.deepEqual(groups, [["a_test.ts"], ["b_test.ts", "c_test.ts", "new_test.ts"]]);
  // A weight that is not a number of seconds is unknown: b and c weigh 9, a's.
  const bad = { ...weights, "b_test.ts": -1, "c_test.ts": Number.NaN };
  assert.deepEqual(groupFiles(["a_test.ts", "b_test.ts", "c_test.ts"], 2, bad), [
    ["a_test.ts", "c_test.ts"],
    ["b_test.ts"],
  ]);
});

Deno.test("durationsOf: a JUnit report's testcase times summed per file, by file name", () => {
  const xml = `<testsuites>
    <testsuite name="./tests/a_test.ts">
      <testcase name="one" classname="./tests/a_test.ts" time="1.25" line="1" col="6"></testcase>
      <testcase name="two &quot;x&quot;" classname="./tests/a_test.ts" time="0.5"></testcase>
    </testsuite>
    <testsuite name="./tests/b_test.ts">
      <testcase classname="./tests/b_test.ts" name="three" time="12.04"/>
      <testcase name="no time" classname="./tests/b_test.ts"></testcase>
    </testsuite>
  </testsuites>`;
  assert.deepEqual(durationsOf(xml), { "a_test.ts": 1.8, "b_test.ts": 12 });
  assert.deepEqual(durationsOf(""), {});
});

Deno.test("durationsOf: steps count in their test's file, once (a test's time includes them)", () => {
  // As deno test reports tests/bundle_test.ts and main_source_test.ts, whose steps are
  // called in tests/_smoke.ts, and a file whose test has steps of its own (one nested).
  const xml = `<testsuites>
    <testsuite name="./tests/bundle_test.ts">
      <testcase name="bundle: smoke" classname="./tests/bundle_test.ts" time="30.0"></testcase>
      <testcase name="bundle: cache" classname="./tests/bundle_test.ts" time="5.0"></testcase>
    </testsuite>
    <testsuite name="./tests/main_source_test.ts">
      <testcase name="source: smoke" classname="./tests/main_source_test.ts" time="20.0"></testcase>
    </testsuite>
    <testsuite name="./tests/c_test.ts">
      <testcase name="c &gt; d" classname="./tests/c_test.ts" time="4.0"></testcase>
      <testcase name="c &gt; d &gt; e" classname="./tests/c_test.ts" time="3.0"></testcase>
      <testcase name="c" classname="./tests/c_test.ts" time="6.0"></testcase>
      <testcase name="x &gt; y" classname="./tests/c_test.ts" time="1.0"></testcase>
    </testsuite>
    <testsuite name="./tests/_smoke.ts">
      <testcase name="bundle: smoke &gt; run" classname="./tests/_smoke.ts" time="25.0"></testcase>
      <testcase name="source: smoke &gt; run" classname="./tests/_smoke.ts" time="18.0"></testcase>
    </testsuite>
  </testsuites>`;
  // "x > y" is a test of that name (no test "x"): it counts.
  assert.deepEqual(durationsOf(xml), {
    "bundle_test.ts": 35,
    "main_source_test.ts": 20,
    "c_test.ts": 7,
  });
});

Deno.test("CHECK_ROOTS are the roots `deno task check` checks, so the test run's check is cached", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ) as { tasks: Record<string, string> };
  assert.match(config.tasks.check, new RegExp(`deno check ${CHECK_ROOTS.join(" ")}$`));
});

Deno.test("tests/durations.json names only test files that exist, each with seconds", async () => {
  const durations = JSON.parse(await Deno.readTextFile(DURATIONS)) as Record<string, unknown>;
  const files = new Set<string>();
  for await (const e of Deno.readDir(new URL(".", import.meta.url))) files.add(e.name);
  assert.ok(Object.keys(durations).length > 100, "a whole suite's durations");
  for (const [file, seconds] of Object.entries(durations)) {
    assert.ok(files.has(file), `${file} is not in tests/ (run deno task test --save-durations)`);
    assert.ok(typeof seconds === "number" && seconds >= 0, `${file}: ${seconds}`);
  }
});
