/**
 * A fault at a path is told with the path and the setting that chose it, through the
 * real CLI: a TMPDIR that is a file or missing names TMPDIR (model/path_fault.ts,
 * engine/work_dir.ts), never WEFT_HOME (store/faults.ts describeFault).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const HELLO = new URL("./fixtures/faults/hello.yml", import.meta.url).pathname;

Deno.test("cli path faults: a TMPDIR that is a file names the file and TMPDIR, not WEFT_HOME", async () => {
  const file = `${testTempDir("tmp-")}/afile`;
  Deno.writeTextFileSync(file, "");
  const run = await weft(["run", HELLO], { env: { TMPDIR: file } });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr,
    `${file}: cannot create the run's work folder in TMPDIR: a part of the path is a file, not a folder\n` +
      "  hint: move that file away, or point TMPDIR at another folder\n",
  );
});

Deno.test("cli path faults: a missing TMPDIR is named, and a good one runs", async () => {
  const missing = `${testTempDir("tmp-")}/not-there`;
  const bad = await weft(["run", HELLO], { env: { TMPDIR: missing } });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(
    bad.stderr,
    new RegExp(
      `^${missing}: cannot create the run's work folder in TMPDIR: no such file or folder\\n`,
    ),
  );
  assert.ok(!bad.stderr.includes("WEFT_HOME"), bad.stderr);
  const good = await weft(["run", HELLO], { env: { TMPDIR: testTempDir("tmp-") } });
  assert.equal(good.code, 0, good.stderr);
});
