/**
 * Validation of `workflow` tasks (parse/subworkflows.ts): the called file exists and is
 * valid (its problems under its own path), params fit its declarations, and no
 * workflow calls itself, directly or through others (the chain at the `file:` field).
 */
import assert from "node:assert/strict";
import { checkWorkflow } from "../src/parse/mod.ts";

const FIXTURES = new URL("./fixtures/subworkflow/", import.meta.url).pathname;

/** Problems of a fixture as `file:line:col: message`, files relative to the fixtures. */
async function problemsOf(name: string): Promise<string[]> {
  const { problems } = await checkWorkflow(name, { cwd: FIXTURES });
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
}

Deno.test("a parent calling a valid child with declared params is valid", async () => {
  const { loaded, problems } = await checkWorkflow("parent.yml", { cwd: FIXTURES });
  assert.deepEqual(problems, []);
  assert.equal(loaded?.workflow.tasks[0].type, "workflow");
});

Deno.test("a workflow calling itself is an error at its file: field", async () => {
  assert.deepEqual(await problemsOf("self.yml"), [
    "self.yml:5:11: a workflow must not call itself: self.yml -> self.yml",
  ]);
});

Deno.test("a cycle through another file shows the whole chain where it closes", async () => {
  assert.deepEqual(await problemsOf("cycle_a.yml"), [
    "cycle_a.yml:5:11: the called workflow cycle_b.yml has problems",
    "cycle_b.yml:5:11: a workflow must not call itself: cycle_a.yml -> cycle_b.yml -> cycle_a.yml",
  ]);
});

Deno.test("a missing child file is an error at the file: field", async () => {
  const [problem] = await problemsOf("missing.yml");
  assert.match(problem, /^missing\.yml:5:11: workflow file not found: "nowhere\/child\.yml"/);
});

Deno.test("a folder given as the child file is named as a folder", async () => {
  const [problem] = await problemsOf("folder.yml");
  assert.match(problem, /^folder\.yml:5:11: "a_folder" is a folder, not a workflow file/);
});

Deno.test("the child's own problems are reported with its path", async () => {
  assert.deepEqual(await problemsOf("bad_child.yml"), [
    "bad_child.yml:5:11: the called workflow broken_child.yml has problems",
    'broken_child.yml:5:18: unknown task "nope" in depends_on of task "oops"',
  ]);
});

Deno.test("params must be declared by the child, and its required ones given", async () => {
  assert.deepEqual(await problemsOf("bad_params.yml"), [
    'bad_params.yml:5:11: child.yml requires parameter "greeting"',
    'bad_params.yml:7:7: child.yml declares no parameter "greting"',
  ]);
});

Deno.test("a child called from two tasks has its problems reported once", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/twice.yml`,
      "name: twice\ntasks:\n  - id: a\n    type: workflow\n    file: broken.yml\n" +
        "  - id: b\n    type: workflow\n    file: broken.yml\n",
    );
    Deno.writeTextFileSync(
      `${dir}/broken.yml`,
      "name: broken\ntasks:\n  - id: x\n    command: echo\n    depends_on: [y]\n",
    );
    const { problems } = await checkWorkflow("twice.yml", { cwd: dir });
    assert.equal(problems.filter((p) => p.file === "broken.yml").length, 1);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a file: with ${...} is refused (it must be checkable before running)", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/dyn.yml`,
      "name: dyn\ntasks:\n  - id: a\n    type: workflow\n    file: ${env.WHICH}.yml\n",
    );
    const { problems } = await checkWorkflow("dyn.yml", { cwd: dir });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /\$\{\.\.\.\} is not allowed here/);
    assert.equal(problems[0].line, 5);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
