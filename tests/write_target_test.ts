/**
 * write_target.ts: the one rule for a path weft writes a file over — nothing, a file, or
 * a link to a file (written through, the link kept) may be written; a FIFO, a device, a
 * folder, a link to one of those or to nothing is refused, saying what is there.
 */
import assert from "node:assert/strict";
import { NotAFileError, writeTarget } from "../src/write_target.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("writeTarget: nothing, a file and a link to a file; the link's file and its mode", () => {
  const dir = testTempDir("target-");
  assert.deepEqual(writeTarget(`${dir}/new`), { path: `${dir}/new`, mode: null });
  Deno.writeTextFileSync(`${dir}/file`, "x");
  Deno.chmodSync(`${dir}/file`, 0o640);
  assert.deepEqual(writeTarget(`${dir}/file`), { path: `${dir}/file`, mode: 0o640 });
  Deno.mkdirSync(`${dir}/sub`);
  Deno.symlinkSync("../file", `${dir}/sub/link`);
  Deno.symlinkSync("sub/link", `${dir}/chain`);
  assert.deepEqual(writeTarget(`${dir}/chain`), {
    path: Deno.realPathSync(`${dir}/file`),
    mode: 0o640,
  });
});

Deno.test("writeTarget: a FIFO, a device, a folder, a link to one or to nothing is refused, saying what", () => {
  const dir = testTempDir("target-");
  const made = new Deno.Command("mkfifo", { args: [`${dir}/fifo`] }).outputSync();
  assert.ok(made.success);
  Deno.mkdirSync(`${dir}/folder`);
  Deno.symlinkSync("fifo", `${dir}/to-fifo`);
  Deno.symlinkSync("folder", `${dir}/to-folder`);
  Deno.symlinkSync("gone", `${dir}/dangling`);
  const cases: Array<[string, string]> = [
    ["fifo", "is a named pipe (FIFO), not a file"],
    ["folder", "is a folder, not a file"],
    ["to-fifo", "is a symbolic link to fifo, a named pipe (FIFO), not a file"],
    ["to-folder", "is a symbolic link to folder, a folder, not a file"],
    ["dangling", "is a symbolic link to gone, where nothing is (a dangling link), not a file"],
  ];
  // Our own device node (never one of /dev), as root only.
  if (Deno.uid() === 0) {
    const node = new Deno.Command("mknod", { args: [`${dir}/null`, "c", "1", "3"] }).outputSync();
    assert.ok(node.success);
    cases.push(["null", "is a character device, not a file"]);
  }
  for (const [name, says] of cases) {
    assert.throws(() => writeTarget(`${dir}/${name}`), (e: unknown) => {
      assert.ok(e instanceof NotAFileError);
      assert.equal(e.message, `${dir}/${name} ${says}`);
      assert.equal(e.path, `${dir}/${name}`);
      return true;
    });
  }
  // The link's text is data: describe() passes it through the caller's quoting.
  const error = (() => {
    try {
      writeTarget(`${dir}/to-fifo`);
    } catch (e) {
      return e as NotAFileError;
    }
  })()!;
  assert.equal(error.describe((s) => `<${s}>`), "a symbolic link to <fifo>, a named pipe (FIFO)");
});
