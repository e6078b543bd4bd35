/**
 * src/path.ts: node:path itself, loaded on first use (no static import: the modules
 * that use it stay free of Node compatibility until they resolve a path).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { nodePath } from "../src/path.ts";
import { staticGraph } from "./_static_graph.ts";

Deno.test("nodePath: node:path's own functions, the same module each time", () => {
  const loaded = nodePath();
  assert.equal(loaded, nodePath());
  assert.equal(loaded.resolve("/a/b", "../c"), path.resolve("/a/b", "../c"));
  assert.equal(loaded.dirname("/tmp/weft-run-1/2.out"), "/tmp/weft-run-1");
  assert.equal(loaded.sep, path.sep);
});

Deno.test("nodePath: src/path.ts imports node:path for its types only", async () => {
  const graph = await staticGraph("src/path.ts");
  assert.deepEqual(graph.filter((s) => s.startsWith("node:")), []);
});
