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
          "  hint: this workflow was read from stdin: the path is relative to the current folder\n",
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
