/**
 * src/model/workflow_for.ts: the workflow schema of the parts one file uses (the quick
 * path of a clean JSON file, parse/problems.ts) parses every workflow it accepts exactly
 * as the full `workflowSchema` does, and accepts every workflow the full one accepts.
 * Checked over every workflow of tests/fixtures and examples, valid and invalid, and over
 * edits of one that touch each task type and each section.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { workflowSchema } from "../src/model/workflow.ts";
import { workflowSchemaFor } from "../src/model/workflow_for.ts";
import { TASK_TYPES } from "../src/model/task.ts";
import { cleanJsonWorkflow } from "../src/parse/clean_json.ts";
import { parseWorkflowSource } from "../src/parse/mod.ts";

const root = new URL("../", import.meta.url).pathname;

/** Every workflow-like file under `dir` (json, yml, yaml), recursively. */
async function* workflowFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* workflowFiles(path);
    else if (/\.(json|ya?ml)$/.test(entry.name)) yield path;
  }
}

/** The data of a file, or undefined where it is no JSON/YAML at all. */
async function dataOf(path: string): Promise<unknown> {
  const text = await Deno.readTextFile(path).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    // logLevel "error": a fixture with a tag weft refuses (yaml_tags/) is data here, not a warning.
    return path.endsWith(".json") ? JSON.parse(text) : parseYaml(text, { logLevel: "error" });
  } catch {
    return undefined;
  }
}

/** Asserts the reduced schema's verdict and output are the full schema's. */
function assertSameParse(data: unknown, label: string): "valid" | "invalid" {
  const full = workflowSchema.safeParse(structuredClone(data));
  const reduced = workflowSchemaFor(data)?.safeParse(structuredClone(data));
  if (full.success) {
    assert.ok(reduced?.success, `${label}: the full schema accepts it, the reduced one does not`);
    assert.deepStrictEqual(reduced.data, full.data, label);
    return "valid";
  }
  assert.ok(!reduced?.success, `${label}: the reduced schema accepts what the full one refuses`);
  return "invalid";
}

async function allWorkflows(): Promise<[string, unknown][]> {
  const found: [string, unknown][] = [];
  for (const dir of ["tests/fixtures", "examples"]) {
    for await (const path of workflowFiles(root + dir)) {
      const data = await dataOf(path);
      if (data !== undefined) found.push([path.slice(root.length), data]);
    }
  }
  return found.sort(([a], [b]) => a.localeCompare(b));
}

Deno.test("workflowSchemaFor: every fixture and example parses as with the full schema", async () => {
  const counts = { valid: 0, invalid: 0 };
  for (const [label, data] of await allWorkflows()) counts[assertSameParse(data, label)]++;
  // A representative set of both verdicts, so the comparison means something.
  assert.ok(counts.valid >= 30, `only ${counts.valid} valid workflows compared`);
  assert.ok(counts.invalid >= 30, `only ${counts.invalid} invalid workflows compared`);
});

/** A workflow with one task of each type and every section, valid as a whole. */
const EVERY_PART = {
  name: "every",
  version: 2,
  trigger: { type: "schedule", config: { schedule: "0 2 * * *" } },
  params: { who: "world", region: { default: "eu", required: false } },
  defaults: { timeout: "5m", retry: { attempts: 2 } },
  retention: { keep_runs: 10 },
  notifications: { channels: ["slack"], on_failure: true },
  alerts: [{ name: "slow", condition: "execution.status == 'failed'", channels: ["email"] }],
  tasks: [
    { id: "sh", command: "echo hi", timeout: 30 },
    { id: "web", type: "http", url: "https://example.com", method: "post", data: { n: 1 } },
    { id: "img", type: "docker", config: { image: "alpine", command: ["true"] } },
    { id: "js", type: "javascript", code: "console.log(1)" },
    { id: "py", type: "python", script: "a.py" },
    { id: "db", type: "database", config: { connection: "sqlite:x.db", query: "select 1" } },
    { id: "sub", type: "workflow", file: "other.json", params: { a: 1 } },
    { id: "cond", type: "conditional", condition: "${params.who} == 'x'", then: { command: "a" } },
    { id: "par", type: "parallel", tasks: [{ id: "p1", command: "a" }] },
    { id: "lp", type: "loop", items: [1, "b", { v: 2 }], task: { command: "echo ${item}" } },
    {
      id: "dp",
      type: "data_processor",
      input: { type: "file", path: "in/*.json" },
      processor: { type: "javascript", code: "x" },
      output: { type: "file", path: "out.json" },
    },
  ],
};

Deno.test("workflowSchemaFor: each task type and section alone, valid and broken, as the full schema", () => {
  assert.equal(assertSameParse(EVERY_PART, "every part"), "valid");
  const sections = ["trigger", "params", "defaults", "retention", "notifications", "alerts"];
  for (const task of EVERY_PART.tasks) {
    const alone = { name: "one", tasks: [task] };
    assertSameParse(alone, `${task.id} alone`);
    // A field of another type, an unknown field, a wrong value: refused by both.
    assertSameParse({ ...alone, tasks: [{ ...task, bogus: 1 }] }, `${task.id} unknown field`);
    assertSameParse({ ...alone, tasks: [{ ...task, timeout: 0 }] }, `${task.id} zero timeout`);
    for (const key of sections) {
      const part = (EVERY_PART as Record<string, unknown>)[key];
      assert.equal(assertSameParse({ ...alone, [key]: part }, `${task.id} + ${key}`), "valid");
      assertSameParse({ ...alone, [key]: 5 }, `${task.id} + broken ${key}`);
    }
  }
  for (const type of TASK_TYPES) {
    assertSameParse({ name: "t", tasks: [{ id: "a", type }] }, `bare ${type}`);
  }
  const odd = [
    { name: "x", tasks: [] },
    { name: "x", tasks: {} },
    { name: "x" },
    { name: "x", tasks: [{ id: "a", type: "nope", command: "a" }] },
    { name: "x", tasks: [{ id: "a", type: 5, command: "a" }] },
    { name: "x", tasks: [{ id: "a", type: null, command: "a" }] },
    { name: "x", tasks: ["echo hi"] },
    { name: "x", tasks: [{ id: "a", type: "constructor", command: "a" }] },
    {
      name: "x",
      trigger: { type: "manual" },
      triggers: [{ type: "manual" }],
      tasks: [{ id: "a", command: "a" }],
    },
    [],
    null,
    "workflow",
  ];
  for (const data of odd) assertSameParse(data, JSON.stringify(data));
});

Deno.test("cleanJsonWorkflow: the workflow of the full path for every JSON fixture it takes", async () => {
  let taken = 0;
  for (const [label, data] of await allWorkflows()) {
    if (!label.endsWith(".json")) continue;
    const text = await Deno.readTextFile(root + label);
    const quick = cleanJsonWorkflow(text);
    if (quick === undefined) continue;
    taken++;
    const full = parseWorkflowSource(text, label);
    assert.deepStrictEqual(full.problems, [], label);
    assert.deepStrictEqual(quick, full.workflow, label);
    assert.ok(data !== undefined);
  }
  assert.ok(taken >= 5, `only ${taken} JSON fixtures took the quick path`);
});
