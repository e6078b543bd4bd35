/**
 * A full work folder (tasks/work_fault.ts) through the real CLI: TMPDIR on a 64 KiB
 * tmpfs, two 70 KB values that a shell task and a script's params must write there. The
 * task fails saying the work folder is full and what to do, not the OS's raw words.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const FILE = new URL("./fixtures/work_fault/big.yml", import.meta.url).pathname;

Deno.test({
  name: "cli work folder full: shell and javascript tasks say so and name TMPDIR" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  async fn() {
    await withTmpfs("64k", async (dir) => {
      const { code, stderr } = await weft(
        ["run", FILE, "-p", `big=${"z".repeat(70_000)}`, "-p", `big2=${"z".repeat(70_000)}`],
        { env: { TMPDIR: dir } },
      );
      assert.equal(code, 1, stderr.slice(0, 3000));
      for (
        const [id, what] of [
          ["sh", "cannot write the command to a file"],
          ["js", "cannot write the run's parameters to a private file"],
        ]
      ) {
        const line = stderr.split("\n").find((l) => l.startsWith(`✖ ${id} failed: `)) ?? "";
        assert.ok(
          line.includes(`${what}: the run's work folder ${dir}/weft-${Deno.uid()}/weft-run-`),
          line,
        );
        assert.match(
          line,
          / is full \(no space left on the device\): free space there, or set TMPDIR to a folder with room/,
        );
        assert.doesNotMatch(line, /os error|writefile/);
      }
    });
  },
});
