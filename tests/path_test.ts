/**
 * src/path.ts gives node:path's strings for `resolve` and `dirname` (it stands in for
 * node:path on the way of every `weft run`, which must not start Node compatibility).
 */
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { dirnamePath, resolvePath } from "../src/path.ts";

const SAMPLES = [
  "",
  ".",
  "..",
  "/",
  "//",
  "///",
  "a",
  "a/",
  "a//",
  "/a",
  "//a",
  "/a/",
  "/a/b",
  "/a/b/",
  "/a//b//",
  "a/b/c",
  "./a",
  "../a",
  "../../a/b",
  "/../a",
  "/a/../../b",
  "a/./b/../c",
  "/a/b/.",
  "/a/b/..",
  "./",
  "../",
  "x/..",
  "/tmp/weft-run-1/2.out",
  "dir with space/é.txt",
];

Deno.test("dirnamePath: node:path's dirname for every sample", () => {
  for (const path of SAMPLES) assert.equal(dirnamePath(path), dirname(path), `dirname(${path})`);
});

Deno.test("resolvePath: node:path's resolve for one path and for pairs", () => {
  assert.equal(resolvePath(), resolve());
  for (const a of SAMPLES) {
    assert.equal(resolvePath(a), resolve(a), `resolve(${a})`);
    for (const b of SAMPLES) {
      assert.equal(resolvePath(a, b), resolve(a, b), `resolve(${a}, ${b})`);
    }
  }
  assert.equal(resolvePath("/x", "y", "", "../z"), resolve("/x", "y", "", "../z"));
  assert.equal(resolvePath("a", "/b", "c"), "/b/c");
});
