/**
 * scripts/test.ts, the runner behind `deno task test`: how it deals the suite's files
 * into workers. (Its bundle is built by scripts/build.ts, tested in tests/build_test.ts.)
 */
import assert from "node:assert/strict";
import { groupFiles, GROUPS, jobs } from "../scripts/test.ts";

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
