/**
 * Loop items through the real CLI keep the text a number was written as, wherever the
 * list comes from: JSON text in the workflow, a previous task's output, object items
 * in YAML (src/engine/loop.ts loopItems, src/expr/value.ts parseJsonKeepingText).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const WORKFLOW = `name: loop-written
tasks:
  - id: emit
    command: echo 'list=[1.10, 1E3, -0, 100000000000000000000001, 10]' >> "$WEFT_OUTPUT"
  - id: from_output
    type: loop
    depends_on: [emit]
    items: \${tasks.emit.outputs.list}
    task:
      command: echo "out \${item}" >> "$SEEN"
  - id: from_text
    type: loop
    depends_on: [from_output]
    items: '[3.10, {"v": 2.50}]'
    task:
      command: echo "text \${item}" >> "$SEEN"
  - id: objects
    type: loop
    depends_on: [from_text]
    items: [{version: 3.10, build: 0012, flag: True}]
    task:
      command: echo "obj \${item.version} \${item.build} \${item.flag}" >> "$SEEN"
`;

Deno.test("weft run: loop items keep numbers as written (JSON text, outputs, objects)", async () => {
  const dir = testTempDir("loop-written-");
  Deno.writeTextFileSync(join(dir, "w.yml"), WORKFLOW);
  const seen = join(dir, "seen.txt");
  const checked = await weft(["validate", "w.yml"], { cwd: dir });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const run = await weft(["run", "w.yml"], { cwd: dir, env: { SEEN: seen } });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(Deno.readTextFileSync(seen).trimEnd().split("\n"), [
    "out 1.10",
    "out 1E3",
    "out -0",
    "out 100000000000000000000001",
    "out 10",
    "text 3.10",
    'text {"v":"2.50"}',
    "obj 3.10 0012 True",
  ]);
});
