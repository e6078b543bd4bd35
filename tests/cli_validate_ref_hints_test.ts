/**
 * A hint for a misspelt task reference proposes only ids the validator accepts at that
 * place (issue 8 §4; parse/ref_targets.ts, reference_trouble.ts): not the task itself,
 * not one that closes a cycle, not a callback for a main task's depends_on, not a task
 * the text may not read yet. Each proposal is followed, and `weft validate` must then
 * have exactly that problem fewer. Through the real CLI.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/ref_hints/", import.meta.url).pathname;

interface JsonProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string | null;
}

async function validate(files: string[]): Promise<JsonProblem[]> {
  const out = await weft(["validate", "--json", ...files]);
  assert.ok(out.code === 0 || out.code === 2, out.stderr);
  return JSON.parse(out.stdout);
}

/** The ids a hint proposes: its `did you mean "X"?`, or the list after `name one of:`. */
function proposals(hint: string | null): string[] {
  const one = /did you mean "([^"]+)"\?/.exec(hint ?? "")?.[1];
  if (one !== undefined) return [one];
  return /name one of: (.*)$/.exec(hint ?? "")?.[1].split(", ") ?? [];
}

Deno.test("validate: the tester's self-dependency typo proposes no task that depends on itself", async () => {
  const out = await weft(["validate", `${DIR}self.yml`]);
  assert.equal(out.code, 2, out.stderr);
  assert.match(out.stderr, /unknown task "tset" in depends_on of task "test"\n {2}hint: (.*)\n/);
  assert.doesNotMatch(out.stderr, /"test"\?|one of: .*\btest\b/);
  assert.match(out.stderr, /hint: define a task with id "tset", or name one of: build\n/);
});

Deno.test("validate: every proposed task id, written in, is accepted there", async () => {
  const file = `${DIR}refs.yml`;
  const text = await Deno.readTextFile(file);
  const before = await validate([file]);
  const dir = testTempDir("ref-hints-");
  const followed: { file: string; label: string }[] = [];
  for (const problem of before) {
    const word = /unknown task "([^"]+)"/.exec(problem.message)?.[1];
    if (word === undefined) continue;
    for (const id of proposals(problem.hint)) {
      const lines = text.split("\n");
      const line = lines[problem.line - 1];
      const at = line.indexOf(word, problem.column - 1);
      assert.ok(at >= 0, `${word} at ${problem.line}:${problem.column}`);
      lines[problem.line - 1] = line.slice(0, at) + id + line.slice(at + word.length);
      const path = `${dir}/${followed.length}.yml`;
      await Deno.writeTextFile(path, lines.join("\n"));
      followed.push({ file: path, label: `${problem.line}: ${word} → ${id}` });
    }
  }
  // Not empty by accident: close ids and lists of them were proposed.
  assert.ok(followed.length >= 20, `${followed.length} proposals`);
  assert.ok(followed.some((f) => f.label.endsWith("biuld → build")), "a readable near id");
  const after = await validate(followed.map((f) => f.file));
  for (const { file, label } of followed) {
    const left = after.filter((p) => p.file === file);
    assert.equal(
      left.length,
      before.length - 1,
      `following ${label} should fix one problem and make none:\n` +
        left.map((p) => `${p.line}:${p.column}: ${p.message}`).join("\n"),
    );
  }
  // A near id that may not be read is named with the reason, not proposed.
  const own = before.find((p) => p.line === 15);
  assert.match(own?.hint ?? "", /^"test" is near, but task "test" cannot read its own result/);
});

Deno.test("validate: a long 'name one of' list names 12 ids and how many more, in each field", async () => {
  // 40 tasks and three references near none of them: depends_on, on_failure, ${tasks.X}.
  const tasks = Array.from({ length: 40 }, (_, i) => `  - id: t${i}\n    command: "true"\n`);
  tasks.push(
    "  - id: last\n    depends_on: [qqqqqqqqqq]\n    on_failure: [wwwwwwwwww]\n" +
      '    command: "true"\n',
    // It may read t0..t19 (it waits for them); t20..t39 may be callbacks.
    `  - id: reader\n    depends_on: [${tasks.slice(0, 20).map((_, i) => `t${i}`).join(", ")}]\n` +
      '    command: echo "${tasks.eeeeeeeeee.output}"\n',
  );
  const file = `${testTempDir("ref-hints-")}/many.yml`;
  await Deno.writeTextFile(file, `name: many\ntasks:\n${tasks.join("")}`);
  const problems = await validate([file]);
  const lists = problems.map((p) => /name one of: (.*)$/.exec(p.hint ?? "")?.[1]);
  assert.equal(lists.filter((l) => l !== undefined).length, 3, JSON.stringify(problems));
  for (const list of lists) {
    if (list === undefined) continue;
    const shown = list.split(", ");
    assert.equal(shown.length, 14, list); // 12 ids, "…", "and N more"
    assert.match(list, /, …, and \d+ more$/);
    const more = Number(/and (\d+) more$/.exec(list)![1]);
    assert.ok(more >= 8, list);
  }
});
