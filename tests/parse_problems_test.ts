/**
 * src/parse/problems.ts: `weft validate`'s way into the checks. A `.json` file without
 * problems is accepted without the YAML parser; every other file gets exactly the
 * problems of checkWorkflow (mod.ts).
 */
import assert from "node:assert/strict";
import { checkWorkflow, workflowProblems as fullProblems } from "../src/parse/mod.ts";
import { cleanJsonWorkflow, workflowProblems } from "../src/parse/problems.ts";

const root = new URL("../", import.meta.url).pathname;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

const VALID = {
  name: "j",
  params: { who: "world" },
  tasks: [
    { id: "a", command: "echo hi" },
    { id: "b", command: "echo ${params.who}", depends_on: "a" },
  ],
};

Deno.test("a clean JSON workflow is accepted on the quick path, numbers kept as written", () => {
  const workflow = cleanJsonWorkflow(
    "\uFEFF" + json({ ...VALID, environment: { V: 0 } }).replace('"V": 0', '"V": 1.10'),
  );
  assert.ok(workflow);
  assert.equal(workflow.name, "j");
  assert.deepEqual(workflow.tasks.map((t) => t.id), ["a", "b"]);
  assert.equal(workflow.environment?.V, "1.10");
});

Deno.test("any problem sends JSON to the full path", () => {
  const broken = [
    "",
    "null",
    "{ name: 1 }",
    '{"name": "j", "name": "k", "tasks": [{"id": "a", "command": "x"}]}',
    json({ name: "j", tasks: [{ id: "a" }] }),
    json({ name: "j", tasks: [{ id: "a", command: "x", depends_on: "zz" }] }),
    json({ name: "j", tasks: [{ id: "a", command: "echo ${tasks.nope.output}" }] }),
    json({ name: "j", tasks: [{ id: "a", type: "workflow", file: "other.yml" }] }),
    "[".repeat(400) + "]".repeat(400),
  ];
  for (const text of broken) assert.equal(cleanJsonWorkflow(text), undefined, text.slice(0, 60));
});

Deno.test("workflowProblems reports what checkWorkflow reports, for JSON and YAML alike", async () => {
  const files: string[] = [];
  for (const dir of ["examples", "tests/fixtures/invalid"]) {
    for await (const entry of Deno.readDir(`${root}${dir}`)) {
      if (entry.isFile && /\.(json|ya?ml)$/.test(entry.name)) files.push(`${dir}/${entry.name}`);
    }
  }
  assert.ok(files.some((f) => f.endsWith(".json")) && files.some((f) => f.endsWith(".yml")));
  let invalid = 0;
  for (const file of files.sort()) {
    const expected = (await checkWorkflow(file, { cwd: root })).problems;
    assert.deepEqual(await workflowProblems(file, { cwd: root }), expected, file);
    assert.deepEqual(await fullProblems(file, { cwd: root }), expected, file);
    if (expected.length > 0) invalid++;
  }
  assert.ok(invalid > 0, "some files have problems");
});

Deno.test("stdin is read once, whichever path it takes", async () => {
  const stdin = (text: string) => ReadableStream.from([new TextEncoder().encode(text)]);
  assert.deepEqual(await workflowProblems("-", { cwd: root, stdin: stdin(json(VALID)) }), []);
  const bad = json({ name: "j", tasks: [{ id: "a", command: "x", depends_on: "zz" }] });
  const problems = await workflowProblems("-", { cwd: root, stdin: stdin(bad) });
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, "-");
  assert.match(problems[0].message, /zz/);
  assert.ok(problems[0].line && problems[0].line > 1);
});
