/**
 * A workflow read from stdin (`weft run -`, `weft validate -`) that calls a sub-workflow
 * by a relative path: the path resolves against the current folder, and a missing file's
 * hint says so, not "the folder of this workflow file" (stdin has no folder).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/subworkflow/", import.meta.url).pathname;

Deno.test("run - / validate -: a missing called file's hint names the current folder", async () => {
  const cwd = testTempDir("sub-stdin-");
  const stdin = await Deno.readTextFile(`${FIXTURES}missing.yml`);
  for (const verb of ["run", "validate"]) {
    const r = await weft([verb, "-"], { cwd, stdin });
    assert.equal(r.code, 2, `${verb}: ${r.stderr}`);
    assert.ok(
      r.stderr.includes(
        `-:5:11: workflow file not found: "nowhere/child.yml" (looked for ${cwd}/nowhere/child.yml)\n` +
          "  hint: this workflow was read from stdin or a pipe: the path is relative to the current folder\n",
      ),
      `${verb}: ${r.stderr}`,
    );
    assert.ok(!r.stderr.includes("folder of this workflow file"), `${verb}: ${r.stderr}`);
  }
  // Read from its file, the same call keeps the file's folder in its hint.
  const file = await weft(["validate", `${FIXTURES}missing.yml`], { cwd });
  assert.equal(file.code, 2, file.stderr);
  assert.match(file.stderr, /hint: the path is relative to the folder of this workflow file\n/);
});

Deno.test("run FIFO (weft run <(…)): a called file resolves against the current folder, as for stdin", async () => {
  // The workflow comes through a named pipe in another folder than the current one, as
  // `weft run <(…)` gives /dev/fd/63: its `file: sub/child.yml` is the current folder's.
  const cwd = testTempDir("sub-fifo-cwd-");
  Deno.mkdirSync(`${cwd}/sub`);
  Deno.copyFileSync(`${FIXTURES}child.yml`, `${cwd}/sub/child.yml`);
  const pipes = testTempDir("sub-fifo-pipe-");
  const parent = Deno.readTextFileSync(`${FIXTURES}parent.yml`)
    .replace("file: child.yml", "file: sub/child.yml");
  for (const verb of ["validate", "run"]) {
    const fifo = `${pipes}/${verb}.yml`;
    const made = new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    assert.ok(made.success, "mkfifo");
    // The writer blocks until weft opens the pipe to read it.
    const writing = Deno.writeTextFile(fifo, parent);
    const r = await weft(verb === "run" ? [verb, "-v", fifo] : [verb, fifo], { cwd });
    await writing;
    assert.equal(r.code, 0, `${verb}: ${r.stderr}`);
    if (verb === "run") assert.match(r.stdout + r.stderr, /got hello world! and from-second/);
  }
  // A missing one is said as for stdin, naming the current folder.
  const fifo = `${pipes}/missing.yml`;
  new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
  const writing = Deno.writeTextFile(fifo, Deno.readTextFileSync(`${FIXTURES}missing.yml`));
  const missing = await weft(["validate", fifo], { cwd });
  await writing;
  assert.equal(missing.code, 2, missing.stderr);
  assert.ok(missing.stderr.includes(`(looked for ${cwd}/nowhere/child.yml)`), missing.stderr);
  assert.match(
    missing.stderr,
    /hint: this workflow was read from stdin or a pipe: the path is relative to the current folder/,
  );
});
