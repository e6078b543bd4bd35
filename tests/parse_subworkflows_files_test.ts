/**
 * A called workflow that exists but is no regular file (/dev/null, a link to it, a
 * named pipe) is said to be what it is, not "not found": a called file is read when
 * checked and again when the task runs, which a device or pipe cannot serve alike.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("weft validate: a sub-workflow file that is a device or a pipe is named so", async () => {
  const dir = testTempDir("subwf-special-");
  await Deno.symlink("/dev/null", `${dir}/null.json`);
  const mk = await new Deno.Command("mkfifo", { args: [`${dir}/pipe.yml`] }).output();
  assert.equal(mk.code, 0);
  await Deno.symlink(`${dir}/gone.yml`, `${dir}/dangling.yml`);
  const call = (id: string, file: string) =>
    `  - id: ${id}\n    type: workflow\n    file: ${file}\n`;
  await Deno.writeTextFile(
    `${dir}/p.yml`,
    "name: p\ntasks:\n" + call("a", "/dev/null") + call("b", "null.json") +
      call("c", "pipe.yml") + call("d", "dangling.yml"),
  );
  const checked = await weft(["validate", "p.yml"], { cwd: dir });
  assert.equal(checked.code, 2);
  const text = checked.stdout + checked.stderr;
  assert.match(text, /p\.yml:5:11: "\/dev\/null" is a character device, not a regular file/);
  assert.match(text, /p\.yml:8:11: "null\.json" is a character device, not a regular file/);
  assert.match(text, /p\.yml:11:11: "pipe\.yml" is a named pipe \(FIFO\), not a regular file/);
  assert.match(text, /hint: a called workflow must be a regular \.yml or \.json file/);
  assert.match(text, /p\.yml:14:11: workflow file not found: "dangling\.yml"/);
});
