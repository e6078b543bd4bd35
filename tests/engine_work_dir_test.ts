/**
 * Where a run keeps its $WEFT_OUTPUT files: a private folder on a memory file system
 * when the machine has one ($XDG_RUNTIME_DIR, /dev/shm), unless the user set TMPDIR.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { makeWorkDir } from "../src/engine/work_dir.ts";
import { PathFault } from "../src/model/path_fault.ts";
import { testTempDir } from "./_tmp.ts";

function envOf(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

Deno.test("work dir: under $XDG_RUNTIME_DIR, private (0700), a fresh name each time", () => {
  const runtime = testTempDir("xdg-");
  const a = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime }));
  const b = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime }));
  assert.equal(dirname(a), runtime);
  assert.notEqual(a, b);
  assert.equal(Deno.statSync(a).mode! & 0o777, 0o700);
});

Deno.test("work dir: a TMPDIR the user set wins over the memory file systems", () => {
  const runtime = testTempDir("xdg-");
  const tmp = testTempDir("tmpdir-");
  const dir = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime, TMPDIR: tmp }));
  assert.equal(dirname(dir), tmp);
});

Deno.test("work dir: a TMPDIR that is a file is a PathFault naming it and TMPDIR, not passed over", () => {
  const file = `${testTempDir("file-")}/afile`;
  Deno.writeTextFileSync(file, "");
  const runtime = testTempDir("xdg-");
  let error: unknown;
  try {
    makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime, TMPDIR: file }));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof PathFault);
  assert.equal(error.path, file);
  assert.equal(error.setting, "TMPDIR");
  assert.equal(error.code, "ENOTDIR");
  assert.deepEqual([...Deno.readDirSync(runtime)], []);
});

Deno.test("work dir: a missing $XDG_RUNTIME_DIR falls back to the next place", () => {
  const dir = makeWorkDir(envOf({ XDG_RUNTIME_DIR: "/nonexistent/weft-runtime" }));
  try {
    assert.ok(Deno.statSync(dir).isDirectory);
    if (Deno.build.os === "linux" && exists("/dev/shm")) assert.equal(dirname(dir), "/dev/shm");
  } finally {
    Deno.removeSync(dir);
  }
});

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
