/**
 * Where a run keeps its $WEFT_OUTPUT files: a private folder on a memory file system
 * when the machine has one ($XDG_RUNTIME_DIR, /dev/shm), unless the user set TMPDIR; inside
 * this user's private parent folder there (`weft-<uid>`, work_dir_owner.ts), or straight in
 * the place when what is there under that name is not safe to use (never followed or changed).
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { makeWorkDir } from "../src/engine/work_dir.ts";
import { PathFault } from "../src/model/path_fault.ts";
import { testTempDir } from "./_tmp.ts";
import { workParent } from "./_work_dirs.ts";

function envOf(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

Deno.test("work dir: under $XDG_RUNTIME_DIR, private (0700), a fresh name each time", () => {
  const runtime = testTempDir("xdg-");
  const a = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime }));
  const b = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime }));
  assert.equal(dirname(a), workParent(runtime));
  assert.notEqual(a, b);
  assert.equal(Deno.statSync(a).mode! & 0o777, 0o700);
  assert.equal(Deno.lstatSync(workParent(runtime)).mode! & 0o777, 0o700, "the parent is private");
});

Deno.test("work dir: a TMPDIR the user set wins over the memory file systems", () => {
  const runtime = testTempDir("xdg-");
  const tmp = testTempDir("tmpdir-");
  const dir = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime, TMPDIR: tmp }));
  assert.equal(dirname(dir), workParent(tmp));
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
    if (Deno.build.os === "linux" && exists("/dev/shm")) {
      assert.equal(dirname(dir), workParent("/dev/shm"));
    }
  } finally {
    Deno.removeSync(dir);
  }
});

Deno.test("work dir: a parent folder made private under any umask", () => {
  const runtime = testTempDir("xdg-");
  const before = Deno.umask(0o277);
  try {
    const dir = makeWorkDir(envOf({ XDG_RUNTIME_DIR: runtime }));
    assert.equal(dirname(dir), workParent(runtime));
    assert.equal(Deno.lstatSync(workParent(runtime)).mode! & 0o777, 0o700);
  } finally {
    Deno.umask(before);
  }
});

Deno.test("work dir: an unsafe parent is neither followed nor changed: the folder goes in the place", () => {
  const target = testTempDir("target-");
  const cases: [string, (parent: string) => void][] = [
    ["a link to a folder", (parent) => Deno.symlinkSync(target, parent)],
    ["a folder others can read", (parent) => {
      Deno.mkdirSync(parent);
      Deno.chmodSync(parent, 0o755);
    }],
    ["a file", (parent) => Deno.writeTextFileSync(parent, "")],
  ];
  if (Deno.uid() === 0) {
    cases.push(["another user's folder", (parent) => {
      Deno.mkdirSync(parent, { mode: 0o700 });
      Deno.chownSync(parent, 65534, 65534);
    }]);
  }
  for (const [what, make] of cases) {
    const place = testTempDir("place-");
    const parent = workParent(place);
    make(parent);
    const before = Deno.lstatSync(parent);
    const dir = makeWorkDir(envOf({ TMPDIR: place }));
    assert.equal(dirname(dir), place, what);
    assert.equal(Deno.statSync(dir).mode! & 0o777, 0o700, what);
    const after = Deno.lstatSync(parent);
    assert.deepEqual([after.mode, after.uid], [before.mode, before.uid], `${what}: unchanged`);
  }
  assert.deepEqual([...Deno.readDirSync(target)], [], "nothing made through the link");
});

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
