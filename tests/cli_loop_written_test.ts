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

Deno.test("weft run: loop items written in the file keep their text at every depth", async () => {
  const dir = testTempDir("loop-written-");
  Deno.writeTextFileSync(
    join(dir, "w.yml"),
    `name: deep-written
tasks:
  - id: lp
    type: loop
    items: [{version: 3.10, n: {b: 1.10, c: [0012, 1.10, 10, True]}}, {a: [{x: 2.50}]}]
    task:
      command: echo "\${item}" >> "$SEEN"
`,
  );
  const seen = join(dir, "seen.txt");
  const checked = await weft(["validate", "w.yml"], { cwd: dir });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const run = await weft(["run", "w.yml"], { cwd: dir, env: { SEEN: seen } });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(Deno.readTextFileSync(seen).trimEnd().split("\n"), [
    '{"version":"3.10","n":{"b":"1.10","c":["0012","1.10",10,"True"]}}',
    '{"a":[{"x":"2.50"}]}',
  ]);
});

Deno.test("weft run: loop items nesting more than 256 levels fail the loop saying so", async () => {
  const dir = testTempDir("loop-deep-");
  const deep = (n: number) => "[" + '{"a":'.repeat(n) + "1" + "}".repeat(n) + "]";
  Deno.writeTextFileSync(join(dir, "deep.json"), deep(3000));
  Deno.writeTextFileSync(join(dir, "ok.json"), deep(250));
  Deno.writeTextFileSync(
    join(dir, "w.yml"),
    `name: deep-items
tasks:
  - id: gen
    command: printf 'deep=%s\\nok=%s\\n' "$(cat deep.json)" "$(cat ok.json)" >> "$WEFT_OUTPUT"
  - id: lp
    type: loop
    depends_on: gen
    items: \${tasks.gen.outputs.deep}
    task:
      command: "true"
  - id: fine
    type: loop
    depends_on: gen
    items: \${tasks.gen.outputs.ok}
    task:
      command: "true"
`,
  );
  const run = await weft(["run", "w.yml", "--json"], { cwd: dir });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const lp = report.tasks.find((t: { id: string }) => t.id === "lp");
  assert.equal(lp.status, "failed");
  assert.equal(lp.exitCode, null, "no process ran");
  assert.match(
    lp.error,
    /^loop items: the JSON nests lists and objects more than 256 levels deep$/,
  );
  assert.equal(report.tasks.find((t: { id: string }) => t.id === "fine").status, "success");
  // Written in the file, the same text is a validation error at its place.
  Deno.writeTextFileSync(
    join(dir, "v.yml"),
    `name: deep-literal\ntasks:\n  - id: lp\n    type: loop\n    items: '${
      deep(300)
    }'\n    task:\n      command: "true"\n`,
  );
  const checked = await weft(["validate", "v.yml"], { cwd: dir });
  assert.equal(checked.code, 2);
  assert.match(
    checked.stdout + checked.stderr,
    /v\.yml:5:\d+: items in task "lp": items starting with \[ are read as a JSON array: it nests lists and objects more than 256 levels deep/,
  );
});
