/**
 * src/parse/problems.ts: `weft validate`'s way into the checks. A `.json` file without
 * problems is accepted without the YAML parser; every other file gets exactly the
 * problems of checkWorkflow (mod.ts).
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { WeftError } from "../src/model/errors.ts";
import {
  checkWorkflow,
  loadWorkflow as fullLoad,
  workflowProblems as fullProblems,
} from "../src/parse/mod.ts";
import { cleanJsonWorkflow } from "../src/parse/clean_json.ts";
import { loadWorkflow, workflowProblems } from "../src/parse/problems.ts";
import { inputPath, readInput } from "../src/parse/read.ts";

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

/** What a load gives: the workflow, or the problems of the WeftError it throws. */
async function outcome(load: () => Promise<unknown>): Promise<unknown> {
  try {
    return await load();
  } catch (e) {
    assert.ok(e instanceof WeftError, String(e));
    return { exitCode: e.exitCode, problems: e.problems };
  }
}

Deno.test("loadWorkflow gives what mod.ts's loadWorkflow gives, quick path or not", async () => {
  const dir = testTempDir();
  try {
    const files: Record<string, string> = {
      "clean.json": "\uFEFF" +
        json({ ...VALID, environment: { V: 0 } }).replace('"V": 0', '"V": 1.10'),
      "CAPS.JSON": json(VALID),
      "broken.json": json({ name: "j", tasks: [{ id: "a", command: "x", depends_on: "zz" }] }),
      "calls.json": json({ name: "c", tasks: [{ id: "a", type: "workflow", file: "clean.json" }] }),
      "flow.yml": "name: y\ntasks:\n  - id: a\n    command: echo 3.10\n",
      "binary.json": "\0\0",
    };
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    for (const name of [...Object.keys(files), "missing.json", "."]) {
      const quick = await outcome(() => loadWorkflow(name, { cwd: dir }));
      assert.deepEqual(quick, await outcome(() => fullLoad(name, { cwd: dir })), name);
    }
    const loaded = await loadWorkflow("clean.json", { cwd: dir });
    assert.equal(loaded.file, join(dir, "clean.json"));
    assert.equal(loaded.dir, dir);
    assert.equal(loaded.workflow.environment?.V, "1.10");
    assert.match(loaded.hash, /^[0-9a-f]{64}$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("inputPath resolves a file as node:path's join does", async () => {
  const { isAbsolute, join: nodeJoin } = await import("node:path");
  const cwds = ["/", "/work", "/work/a/", "/work//a/./b", "rel", "rel/../.."];
  const files = [
    "",
    "x.yml",
    "/abs/x.yml",
    "./x.yml",
    "../x.yml",
    "../../../../x.yml",
    "a/./b/../c.json",
    "a//b/",
    ".",
    "..",
    "dir/",
  ];
  for (const cwd of cwds) {
    for (const file of files) {
      const expected = isAbsolute(file) ? file : nodeJoin(cwd, file);
      assert.equal(await inputPath(cwd, file), expected, `${cwd} + ${file}`);
    }
  }
});

Deno.test("readInput reads a regular file whole and refuses one over the limit", async () => {
  const dir = testTempDir();
  try {
    const file = join(dir, "w.json");
    await Deno.writeTextFile(file, json(VALID));
    const raw = await readInput("w.json", { cwd: dir });
    assert.ok(!("message" in raw));
    assert.equal(raw.path, file);
    assert.equal(new TextDecoder().decode(raw.bytes), json(VALID));
    const big = join(dir, "big.json");
    await Deno.writeFile(big, new Uint8Array(0));
    await Deno.truncate(big, 16 * 1024 * 1024 + 1);
    const tooBig = await readInput(big, { cwd: dir });
    assert.ok("message" in tooBig);
    assert.match(tooBig.message, /file too large/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A 1,000-task JSON workflow, each task after the first depending on two before it. */
function large(last: Record<string, unknown>): string {
  const tasks: Record<string, unknown>[] = [];
  for (let i = 0; i < 999; i++) {
    const depends = i < 2 ? {} : { depends_on: [`t${i - 2}`, `t${i - 1}`] };
    tasks.push({ id: `t${i}`, command: "true", ...depends });
  }
  tasks.push({ id: "t999", command: "true", ...last });
  return json({ name: "big", tasks });
}

Deno.test("a problem late in a large JSON workflow is found at its place, as on the full path", async () => {
  const dir = testTempDir();
  try {
    const clean = join(dir, "clean.json");
    await Deno.writeTextFile(clean, large({ depends_on: ["t998", "t998"] }));
    assert.ok(cleanJsonWorkflow(await Deno.readTextFile(clean)));
    assert.deepEqual(
      (await loadWorkflow(clean, { cwd: dir })).workflow,
      (await fullLoad(clean, { cwd: dir })).workflow,
    );
    const late: Record<string, Record<string, unknown>> = {
      unknown: { depends_on: ["t998", "nope"] },
      self: { depends_on: "t999" },
      cycle: { on_success: ["t999"] },
      callback: { on_failure: ["t5"] },
      reference: { command: "echo ${tasks.t999.status} ${tasks.zz.stdout}" },
      heredoc: { command: "cat <<'E'\n${params.x}\nE" },
    };
    for (const [name, fields] of Object.entries(late)) {
      const text = large(fields);
      assert.equal(cleanJsonWorkflow(text), undefined, name);
      const file = join(dir, `${name}.json`);
      await Deno.writeTextFile(file, text);
      const expected = (await checkWorkflow(file, { cwd: dir })).problems;
      assert.ok(expected.length > 0, name);
      // Every problem is placed in the last task's lines (or, for a callback that has
      // depends_on, at task t5's).
      const lines = text.split("\n");
      const lastTask = lines.findIndex((l) => l.includes('"t999"')) + 1;
      for (const p of expected) assert.ok(p.line! >= lastTask || name === "callback", name);
      const at = (written: string) => {
        const line = lines.findIndex((l) => l.includes(written));
        return { line: line + 1, column: lines[line].indexOf(written) + 1 };
      };
      const placed = expected.map((p) => ({ line: p.line, column: p.column }));
      if (name === "unknown") assert.deepEqual(placed, [at('"nope"')]);
      if (name === "reference") assert.deepEqual(placed[1], at("${tasks.zz"));
      assert.deepEqual(await workflowProblems(file, { cwd: dir }), expected, name);
      assert.deepEqual(await outcome(() => loadWorkflow(file, { cwd: dir })), {
        exitCode: 2,
        problems: expected,
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
