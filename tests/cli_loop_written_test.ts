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
    'text {"v":2.50}',
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
    '{"version":3.10,"n":{"b":1.10,"c":[12,1.10,10,"True"]}}',
    '{"a":[{"x":2.50}]}',
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

Deno.test("weft run: an object item's numbers are JSON numbers in $WEFT_ITEM and ${item}, whatever their spelling", async () => {
  const dir = testTempDir("loop-numbers-");
  const seen = join(dir, "seen.txt");
  const step =
    `command: printf '%s|%s|%s\\n' "$WEFT_ITEM" "\${item}" "\${item.r} \${item.c}" >> "$SEEN"`;
  Deno.writeTextFileSync(
    join(dir, "w.yml"),
    `name: numbers
tasks:
  - id: lp
    type: loop
    items:
      - {r: 2.0, c: 1.50}
      - {r: 02, c: 1e3}
      - {r: 0x1F, c: .5}
      - {r: "2.0", c: 1e400}
    task:
      ${step}
`,
  );
  Deno.writeTextFileSync(
    join(dir, "w.json"),
    JSON.stringify({
      name: "numbers-json",
      tasks: [{ id: "lp", type: "loop", items: ["@ITEMS@"], task: { command: "@STEP@" } }],
    }).replace('"@ITEMS@"', '{"r": 2.0, "c": 1E+3}, {"r": 10, "c": "1.50"}')
      .replace('"@STEP@"', JSON.stringify(step.slice("command: ".length))),
  );
  for (const file of ["w.yml", "w.json"]) {
    const checked = await weft(["validate", file], { cwd: dir });
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const run = await weft(["run", file], { cwd: dir, env: { SEEN: seen } });
    assert.equal(run.code, 0, run.stderr);
  }
  // JSON: the digits as written when JSON has them, else the number YAML 1.2's core schema
  // reads (`02` is the integer 2); a field read alone keeps its text; quoted text and a
  // number past a double stay text.
  assert.deepEqual(Deno.readTextFileSync(seen).trimEnd().split("\n"), [
    '{"r":2.0,"c":1.50}|{"r":2.0,"c":1.50}|2.0 1.50',
    '{"r":2,"c":1e3}|{"r":2,"c":1e3}|02 1e3',
    '{"r":31,"c":0.5}|{"r":31,"c":0.5}|0x1F .5',
    '{"r":"2.0","c":"1e400"}|{"r":"2.0","c":"1e400"}|2.0 1e400',
    '{"r":2.0,"c":1E+3}|{"r":2.0,"c":1E+3}|2.0 1E+3',
    '{"r":10,"c":"1.50"}|{"r":10,"c":"1.50"}|10 1.50',
  ]);
});

Deno.test("weft validate: loop items as one text with commas, or text with no item, are refused", async () => {
  const dir = testTempDir("loop-items-text-");
  const loop = (items: string) =>
    `name: t
params:
  list: {default: "a"}
tasks:
  - id: lp
    type: loop
    items: ${items}
    task:
      command: echo "\${item}"
`;
  const cases: [string, RegExp | null][] = [
    [
      "staging, qa, production",
      /"staging, qa, production" names 3 items in one text.*\n.*hint: write a list: items: \[staging, qa, production\] \(or items: \["staging, qa, production"\] for one item\)/,
    ],
    ["'eu-1,us east'", /names 2 items in one text[^]*items: \[eu-1, "us east"\]/],
    ["'[]'", /the loop has no items, so it would run nothing/],
    ["''", /the loop has no items/],
    ["'  '", /the loop has no items/],
    ['"a, b\\nc"', null], // several lines: one item per line, commas and all
    ["solo", null],
    ["'${params.list}, b'", null], // from an expression: read at run time
  ];
  for (const [items, expected] of cases) {
    Deno.writeTextFileSync(join(dir, "w.yml"), loop(items));
    const checked = await weft(["validate", "w.yml"], { cwd: dir });
    if (expected === null) assert.equal(checked.code, 0, `${items}: ${checked.stderr}`);
    else {
      assert.equal(checked.code, 2, `${items}: ${checked.stdout}`);
      assert.match(checked.stderr, /w\.yml:7:12: items in task "lp": /);
      assert.match(checked.stderr, expected);
    }
  }
  // A JSON file alike; its run never starts.
  Deno.writeTextFileSync(
    join(dir, "w.json"),
    JSON.stringify({
      name: "j",
      tasks: [{ id: "lp", type: "loop", items: "a, b", task: { command: "true" } }],
    }),
  );
  const run = await weft(["run", "w.json"], { cwd: dir });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /"a, b" names 2 items in one text/);
});
