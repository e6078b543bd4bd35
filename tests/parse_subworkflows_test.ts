/**
 * Validation of `workflow` tasks (parse/subworkflows.ts): the called file exists and is
 * valid (its problems under its own path), params fit its declarations, and no
 * workflow calls itself, directly or through others (the chain at the `file:` field).
 */
import { testTempDir } from "./_tmp.ts";
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
  const dir = testTempDir();
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
  const dir = testTempDir();
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

/** Writes `files` (name -> text) into a new temporary folder and returns it. */
function folderWith(files: Record<string, string>): string {
  const dir = testTempDir();
  for (const [name, text] of Object.entries(files)) Deno.writeTextFileSync(`${dir}/${name}`, text);
  return dir;
}

/** A workflow whose tasks call `files` in turn (task ids c0, c1, ...). */
function caller(name: string, files: string[]): string {
  const tasks = files.map((f, i) => `  - {id: c${i}, type: workflow, file: ${f}}\n`).join("");
  return `name: ${name}\ntasks:\n${tasks}`;
}

Deno.test("a fan-out of calls (6 per file, 9 levels) checks each file once and reports each problem once", async () => {
  const files: Record<string, string> = {};
  // 6^9 paths of calls reach f9: checked once per path, this took minutes (tester8 F4).
  for (let i = 0; i < 9; i++) files[`f${i}.yml`] = caller(`f${i}`, Array(6).fill(`f${i + 1}.yml`));
  files["f9.yml"] = "name: f9\ntasks:\n  - id: x\n    command: echo\n    depends_on: [nope]\n";
  const dir = folderWith(files);
  try {
    const { problems } = await checkWorkflow("f0.yml", { cwd: dir });
    const lines = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    const expected = [];
    for (let i = 0; i < 9; i++) {
      expected.push(`f${i}.yml:3: the called workflow f${i + 1}.yml has problems`);
    }
    expected.push('f9.yml:5: unknown task "nope" in depends_on of task "x"');
    assert.deepEqual(lines, expected);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the 10-level limit is found along the longest chain, even when a shorter one reached the file first", async () => {
  // r calls s directly (2 levels), then through c1 ... c7 (s at 9 levels); s calls t,
  // t calls u: along the long chain u is the 11th file.
  const files: Record<string, string> = {
    "r.yml": caller("r", ["s.yml", "c1.yml"]),
    "s.yml": caller("s", ["t.yml"]),
    "t.yml": caller("t", ["u.yml"]),
    "u.yml": "name: u\ntasks:\n  - id: leaf\n    command: echo\n",
  };
  for (let i = 1; i <= 7; i++) {
    files[`c${i}.yml`] = caller(`c${i}`, [i < 7 ? `c${i + 1}.yml` : "s.yml"]);
  }
  const dir = folderWith(files);
  try {
    const { problems } = await checkWorkflow("r.yml", { cwd: dir });
    const lines = problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
    assert.deepEqual(lines.filter((l) => l.includes("levels deep")), [
      "t.yml:3:36: workflow calls nest more than 10 levels deep: r.yml -> … -> u.yml (11 levels)",
    ]);
    // Each file on the long chain points at the next one, the way to the problem.
    assert.ok(
      lines.includes("r.yml:4:36: the called workflow c1.yml has problems"),
      lines.join("\n"),
    );
    assert.ok(
      lines.includes("c7.yml:3:36: the called workflow s.yml has problems"),
      lines.join("\n"),
    );
    // From c1 the chain has ten files (c1 ... c7, s, t, u): within the limit.
    assert.deepEqual((await checkWorkflow("c1.yml", { cwd: dir })).problems, []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a cycle reached along two paths is reported once", async () => {
  const dir = folderWith({
    "top.yml": caller("top", ["a.yml", "b.yml"]),
    "a.yml": caller("a", ["b.yml"]),
    "b.yml": caller("b", ["a.yml"]),
  });
  try {
    const { problems } = await checkWorkflow("top.yml", { cwd: dir });
    const cycles = problems.filter((p) => p.message.includes("must not call itself"));
    assert.deepEqual(cycles.map((p) => `${p.file}: ${p.message}`), [
      "b.yml: a workflow must not call itself: a.yml -> b.yml -> a.yml",
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
