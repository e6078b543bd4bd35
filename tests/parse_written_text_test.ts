/**
 * A plain YAML scalar in a text-only field is the text as written, whatever YAML reads
 * it as: `file: true`, `file: 10` name the files "true" and "10" as `file: 1.10` and
 * `file: True` always did. Fields that also take numbers or booleans keep those.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { parseWorkflowSource } from "../src/parse/mod.ts";
import { itemNumberText } from "../src/model/json_number.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("weft validate / run: `file: true` and `file: 10` name files, like `file: True`", async () => {
  const dir = testTempDir("written-bool-");
  const child = "name: c\ntasks:\n  - id: a\n    command: echo ok\n";
  for (const name of ["true", "false", "10", "True", "010", "1.10"]) {
    await Deno.writeTextFile(`${dir}/${name}`, child);
    const parent = `name: p\ntasks:\n  - id: call\n    type: workflow\n    file: ${name}\n`;
    await Deno.writeTextFile(`${dir}/p.yml`, parent);
    const checked = await weft(["validate", "p.yml"], { cwd: dir });
    assert.equal(checked.code, 0, `${name}: ${checked.stdout}${checked.stderr}`);
    const run = await weft(["run", "p.yml", "--json"], { cwd: dir });
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal((JSON.parse(run.stdout) as RunReport).status, "success", name);
    await Deno.remove(`${dir}/${name}`);
    // Without the file, the problem names the text as written.
    const missing = await weft(["validate", "p.yml"], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(
      missing.stdout + missing.stderr,
      new RegExp(`p\\.yml:5:11: workflow file not found: "${name.replace(".", "\\.")}"`),
    );
  }
});

Deno.test("text fields take any unquoted number or boolean as written; others keep theirs", () => {
  const { workflow, problems } = parseWorkflowSource(
    [
      "name: true",
      "version: 10",
      "max_parallel: 4",
      "environment: {A: true, B: 7, C: yes}",
      "tasks:",
      "  - id: l",
      "    type: loop",
      "    items: [3.8, 3.10, true]",
      "    task: {command: echo, timeout: 10, continue_on_error: true}",
    ].join("\n"),
    "w.yml",
  );
  assert.deepEqual(problems, []);
  assert.ok(workflow);
  assert.equal(workflow.name, "true");
  assert.equal(workflow.version, "10");
  assert.equal(workflow.max_parallel, 4);
  assert.deepEqual(workflow.environment, { A: "true", B: "7", C: "yes" });
  const [loop] = workflow.tasks as unknown as Record<string, unknown>[];
  assert.deepEqual(loop.items, [3.8, "3.10", true]); // items take numbers and booleans
  const task = loop.task as { timeout: number; continue_on_error: boolean };
  assert.equal(task.continue_on_error, true); // a boolean field keeps its boolean
  assert.equal(task.timeout, 10_000); // a duration takes 10 and "10" alike
});

Deno.test("weft validate: a null text field says how YAML reads it and how to quote", async () => {
  const dir = testTempDir("written-null-");
  await Deno.writeTextFile(
    `${dir}/p.yml`,
    "name: p\ntasks:\n  - id: call\n    type: workflow\n    file: ~\n",
  );
  const checked = await weft(["validate", "p.yml"], { cwd: dir });
  assert.equal(checked.code, 2);
  const text = checked.stdout + checked.stderr;
  assert.match(text, /p\.yml:5:11: file in task "call": expected a string, got nothing \(null\)/);
  assert.match(text, /hint: .*no value in YAML.*quote it/);
});

Deno.test("object loop items: fields keep an unquoted number or boolean as written, YAML and JSON", () => {
  const yaml = parseWorkflowSource(
    [
      "name: w",
      "tasks:",
      "  - id: l",
      "    type: loop",
      "    items: [{v: 3.10, n: 007, t: True, h: 0x10, e: 1e3, z: -0, i: 10, b: true, s: x}]",
      "    task: {command: 'echo ${item.v}'}",
    ].join("\n"),
    "w.yml",
  );
  assert.deepEqual(yaml.problems, []);
  const [loop] = yaml.workflow!.tasks as unknown as { items: unknown[] }[];
  // Re-spelled numbers are JSON number tokens (keepItemNumbers): as written where JSON has
  // the spelling, else the number YAML 1.2's core schema reads, their text kept for
  // `${item.n}`; `True` stays text; `10` and `true` stay a number and a boolean.
  assert.equal(
    JSON.stringify(loop.items),
    '[{"v":3.10,"n":7,"t":"True","h":16,"e":1e3,"z":-0,"i":10,"b":true,"s":"x"}]',
  );
  const item = loop.items[0] as Record<string, object>;
  assert.deepEqual([item.n, item.h, item.v].map(itemNumberText), ["007", "0x10", "3.10"]);
  const json = parseWorkflowSource(
    JSON.stringify({
      name: "w",
      tasks: [{ id: "l", type: "loop", items: [{}], task: { command: "x" } }],
    })
      .replace("[{}]", '[{"v": 1.10, "e": 1E3, "z": -0.0, "i": 10, "b": true}]'),
    "w.json",
  );
  assert.deepEqual(json.problems, []);
  const [jsonLoop] = json.workflow!.tasks as unknown as { items: unknown[] }[];
  assert.equal(JSON.stringify(jsonLoop.items), '[{"v":1.10,"e":1E3,"z":-0.0,"i":10,"b":true}]');
});
