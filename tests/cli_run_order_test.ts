/**
 * The order of `weft run`'s progress lines under `max_parallel`: a task's end is shown
 * before the task that takes its slot starts (engine/leaf.ts, Node.holdsSlot), so the
 * lines never suggest more tasks at once than the limit allows.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("weft run: with max_parallel 1, each task's end is shown before the next one starts", async () => {
  const dir = testTempDir();
  const file = `${dir}/one.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: one-at-a-time",
      "max_parallel: 1",
      "tasks:",
      "  - id: a",
      "    command: echo n=1 >> $WEFT_OUTPUT",
      "  - id: b",
      "    command: 'true'",
      "  - id: c",
      "    command: 'true'",
      "",
    ].join("\n"),
  );
  const { code, stdout, stderr } = await weft(["run", file]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "");
  const steps = stderr.split("\n").flatMap((line) => {
    const m = line.match(/^\d\d:\d\d:\d\d [▶✔] (\w+) (started|success)/);
    return m ? [`${m[1]} ${m[2]}`] : [];
  });
  assert.deepEqual(steps, [
    "a started",
    "a success",
    "b started",
    "b success",
    "c started",
    "c success",
  ]);
});
