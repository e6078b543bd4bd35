/**
 * src/path.ts: node:path itself, loaded on first use (no static import: the modules
 * that use it stay free of Node compatibility until they resolve a path).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  dirnameOf,
  fileKind,
  isAbsolutePath,
  joinPath,
  nodePath,
  normalizeAbsolute,
} from "../src/path.ts";
import { testTempDir } from "./_tmp.ts";
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

Deno.test("isAbsolutePath, joinPath, dirnameOf: node:path's answers, with or without it", () => {
  const paths = [
    "",
    "/",
    "//",
    "///a",
    "/a",
    "/a/b",
    "/a/b/",
    "/a//b",
    "/a/b//",
    "//a",
    "a",
    "a/",
    "a/b",
    "a/b/../c",
    "./a",
    "../a",
    ".",
    "..",
    "/tmp/weft-run-1/2.out",
    "/a/./b",
    "/a/../b",
    "wf.json",
    "dir/wf.json",
    "dir//wf.json",
  ];
  for (const p of paths) {
    assert.equal(isAbsolutePath(p), path.isAbsolute(p), `isAbsolute ${p}`);
    assert.equal(dirnameOf(p), path.dirname(p), `dirname ${p}`);
    for (
      const dir of ["/", "/work", "/work/", "/work/a", "/work//a", "/work/./a", "/w/../a", "rel"]
    ) {
      assert.equal(joinPath(dir, p), path.join(dir, p), `join ${dir} ${p}`);
    }
  }
});

Deno.test("normalizeAbsolute: node:path's normalize of an absolute path, with or without it", () => {
  const paths = [
    "/",
    "//",
    "///a",
    "/a",
    "/a/b",
    "/a/b/",
    "/a//b",
    "//tmp/dir//w.json",
    "/tmp/./x.yml",
    "/a/../b",
    "/..",
    "/a/b/..",
    "/tmp/weft-run-1/2.out",
  ];
  for (const p of paths) assert.equal(normalizeAbsolute(p), path.normalize(p), p);
  assert.equal(normalizeAbsolute("/tmp/./x.yml"), "/tmp/x.yml");
  assert.equal(normalizeAbsolute("//tmp/dir//w.json"), "/tmp/dir/w.json");
});

Deno.test("fileKind names a file, a folder and what else a stat can be", () => {
  const dir = testTempDir("kind-");
  Deno.writeTextFileSync(`${dir}/f`, "");
  assert.equal(fileKind(Deno.statSync(`${dir}/f`)), "a file");
  assert.equal(fileKind(Deno.statSync(dir)), "a folder");
  assert.equal(fileKind(Deno.statSync("/dev/null")), "a character device");
  new Deno.Command("mkfifo", { args: [`${dir}/p`] }).outputSync();
  assert.equal(fileKind(Deno.lstatSync(`${dir}/p`)), "a named pipe (FIFO)");
});
