/**
 * src/engine/loop_items.ts through the real CLI: a loop's `items` written as text is read
 * as its written text decides, so a `${...}` value stays data inside the item it was
 * written in and never adds items (a JSON array text, one item per line), in `weft run`,
 * `--dry-run`, a called workflow and `weft validate`; the documented forms still work.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/loop_items/", import.meta.url).pathname;
const INJECT = `${DIR}inject.yml`;
const FORMS = `${DIR}forms.yml`;

/** A value that would close its JSON string and open another item. */
const QUOTED = 'x", "injected';
/** A value that would start another line, so another item. */
const TWO_LINES = "x\ninjected";

/**
 * Runs `file` verbosely with `args`: each loop's items as its iterations printed them (in
 * order: a loop runs one at a time unless `parallel`), and the report.
 */
async function runItems(file: string, args: string[]) {
  const home = testTempDir("home-");
  const run = await weft(["run", file, "-v", "--json", ...args], { env: { WEFT_HOME: home } });
  const items: Record<string, string[]> = {};
  for (const [, loop, item] of run.stderr.matchAll(/^\[([\w-]+)\[[^\]]*\]\] item=\[(.*)\]$/gm)) {
    (items[loop] ??= []).push(item);
  }
  const report = JSON.parse(run.stdout) as {
    tasks: { id: string; status: string; error: string | null; outputs: Record<string, string> }[];
  };
  const task = (id: string) => report.tasks.find((t) => t.id === id)!;
  return { run, items, report, task };
}

Deno.test("weft run: a value in JSON array items text stays in its string: no item added", async () => {
  const { run, items, task } = await runItems(INJECT, ["-p", `a=${QUOTED}`]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(items.json, ['x", "injected', "b"]);
  assert.equal(task("json").outputs.total, "2");
  // The same value on a line of its own is one item too; the list form was right already.
  assert.deepEqual(items.lines, ['x", "injected', "b"]);
  assert.deepEqual(items.list, ['x", "injected', "b"]);
});

Deno.test("weft run: a value holding a line break in items read one per line fails the loop, naming it", async () => {
  const { run, items, report, task } = await runItems(INJECT, ["-p", `a=${TWO_LINES}`]);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(task("lines").status, "failed");
  assert.equal(
    task("lines").error,
    'loop items: the value of ${params.a}, "x\\ninjected": holds a line break, and items text ' +
      "is read one item per line, so it would add items; write items as a list " +
      '(items: ["${...}", b]), where each value is one item, or give the whole list as one ${...}',
  );
  assert.ok(!report.tasks.some((t) => t.id.startsWith("lines[")), "no iteration ran");
  assert.equal(items.lines, undefined);
  // In a JSON string the line break is escaped: still one item.
  assert.equal(task("json").outputs.total, "2");
  assert.equal(task("list").outputs.total, "2");
});

Deno.test("weft run --dry-run: items text shown as the run builds it; a refused one is refused", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const quoted = await weft(["run", INJECT, "--dry-run", "-p", `a=${QUOTED}`], { env });
  assert.equal(quoted.code, 0, quoted.stderr);
  assert.match(quoted.stderr, /^ +for each item of \["x\\", \\"injected", "b"\]:$/m);
  assert.match(quoted.stderr, /^ +for each item of x", "injected\\nb:$/m);

  const broken = await weft(["run", INJECT, "--dry-run", "-p", `a=${TWO_LINES}`], { env });
  assert.equal(broken.code, 2, broken.stderr);
  assert.match(broken.stderr, /^ +for each item of \["x\\ninjected", "b"\]:$/m);
  assert.match(
    broken.stderr,
    /^ +refused: loop items: the value of \$\{params\.a\}, "x\\ninjected": holds a line break/m,
  );
  assert.match(broken.stderr, /1 task would be refused for these values/);
});

Deno.test("weft run: a value outside a string in JSON items text must be one number", async () => {
  const { run, items, task } = await runItems(FORMS, ["-p", "n=1, 3"]);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    task("numbers").error,
    'loop items: the value of ${params.n}, "1, 3": a value outside a JSON string must be one ' +
      'number, true, false or null; put it inside quotes ("${...}"), or write items as a list ' +
      '(items: ["${...}", b]), where each value is one item, or give the whole list as one ${...}',
  );
  assert.equal(items.numbers, undefined);
  const dry = await weft(["run", FORMS, "--dry-run", "-p", "n=1, 3"], {
    env: { WEFT_HOME: testTempDir("home-") },
  });
  assert.equal(dry.code, 2, dry.stderr);
  assert.match(
    dry.stderr,
    /refused: loop items: the value of \$\{params\.n\}, "1, 3": a value outside/,
  );
  // A value known only once the run goes is not refused: its placeholder is shown.
  assert.match(dry.stderr, /^ +for each item of \[<tasks\.src\.outputs\.n>, "z"\]:$/m);
  assert.match(dry.stderr, /1 task would be refused for these values/);
});

Deno.test("weft run: the documented items forms read as before", async () => {
  const { run, items } = await runItems(FORMS, []);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(items, {
    // One `${...}` is the whole list: a param's JSON array, a task's output, its stdout lines.
    param: ["p1", "p 2"],
    output: ["o1", "o 2"],
    stdout: ["s1", "s2"],
    // Numbers keep their spelling; a value outside a string is one number.
    numbers: ["1.10", "2", "n-2"],
    later: ["7", "z"],
    lines: ["x-1", "x-2"],
    list: ["x", "2-b"],
  });
  // A param that is the whole text may hold lines: it is the list.
  const lines = await runItems(FORMS, ["-p", "list=l1\nl2"]);
  assert.equal(lines.run.code, 0, lines.run.stderr);
  assert.deepEqual(lines.items.param, ["l1", "l2"]);
});

Deno.test("weft run: a called workflow's param in its loop items text adds no item", async () => {
  const dir = testTempDir("loop-items-");
  for (const name of ["parent.yml", "child.yml"]) {
    Deno.copyFileSync(`${DIR}${name}`, `${dir}/${name}`);
  }
  const env = { WEFT_HOME: `${dir}/home` };
  const quoted = await weft(["run", `${dir}/parent.yml`, "-p", `a=${QUOTED}`], { env });
  assert.equal(quoted.code, 0, quoted.stderr);
  // Each iteration appends its item and a line break.
  assert.equal(Deno.readTextFileSync(`${dir}/json.txt`), 'x", "injected\nb\n');
  assert.equal(Deno.readTextFileSync(`${dir}/lines.txt`), 'x", "injected\nb\n');

  Deno.removeSync(`${dir}/json.txt`);
  const broken = await weft(["run", `${dir}/parent.yml`, "-p", `a=${TWO_LINES}`], { env });
  assert.equal(broken.code, 1, broken.stderr);
  assert.match(
    broken.stderr,
    /task "lines" failed: loop items: the value of \$\{params\.a\}, "x\\ninjected": holds a line break/,
  );
  // Two iterations: the first item holds the line break whole.
  assert.equal(Deno.readTextFileSync(`${dir}/json.txt`), "x\ninjected\nb\n");
});

Deno.test("weft validate: items text starting with [ that is no JSON whatever its values, at its place", async () => {
  const dir = testTempDir("loop-items-");
  Deno.writeTextFileSync(
    `${dir}/v.yml`,
    [
      "name: v",
      "params: {a: x, n: '1'}",
      "tasks:",
      "  - id: open",
      "    type: loop",
      `    items: '["\${params.a}", "b"'`,
      "    task: {command: 'echo \"${item}\"'}",
      "  - id: bare",
      "    type: loop",
      `    items: '["\${params.a}", b]'`,
      "    task: {command: 'echo \"${item}\"'}",
      "  - id: fine",
      "    type: loop",
      `    items: '[\${params.n}, "\${params.a}"]'`,
      "    task: {command: 'echo \"${item}\"'}",
      "",
    ].join("\n"),
  );
  const checked = await weft(["validate", "v.yml"], { cwd: dir });
  assert.equal(checked.code, 2, checked.stdout + checked.stderr);
  const out = checked.stdout + checked.stderr;
  assert.match(
    out,
    /v\.yml:6:32: items in task "open": items starting with \[ are read as a JSON array, and this one is no JSON whatever its values: unexpected end of file: '\]' is missing\n *hint: fix the JSON \(each \$\{\.\.\.\} value then stays inside its string\), or write a YAML list: items: \["\$\{params\.a\}", b\]/,
  );
  assert.match(out, /v\.yml:10:29: items in task "bare": .*unexpected character "b"/);
  assert.doesNotMatch(out, /"fine"/);
  assert.match(out, /2 problems/);
});

Deno.test("weft run: an empty or blank value on its own line is an empty item, not a removed one", async () => {
  const BLANK = `${DIR}blank.yml`;
  for (const value of ["", " "]) {
    const { run, items, report, task } = await runItems(BLANK, ["-p", `a=${value}`]);
    assert.equal(run.code, 0, run.stderr);
    // The line as written holds a ${...}: one item, at the middle, first or last line.
    assert.deepEqual(items.middle, ["first", "", "last"], `a=${JSON.stringify(value)}`);
    assert.equal(task("middle").outputs.total, "3");
    // The line blank as written is still dropped.
    assert.deepEqual(items.edges, ["", "mid", ""], `a=${JSON.stringify(value)}`);
    assert.equal(task("edges").outputs.total, "3");
    // An empty item names no iteration: all are keyed by index.
    assert.deepEqual(
      report.tasks.map((t) => t.id).filter((id) => id.startsWith("middle[")),
      ["middle[0]", "middle[1]", "middle[2]"],
    );
  }
  // A value leaves the blank line as written dropped too.
  const { run, items } = await runItems(BLANK, ["-p", "a=x"]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(items.edges, ["x", "mid", "x"]);

  // --dry-run shows the items as the run reads them: the empty ones as empty lines.
  const dry = await weft(["run", BLANK, "--dry-run", "-p", "a= "], {
    env: { WEFT_HOME: testTempDir("home-") },
  });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /^ +for each item of first\\n\\nlast:$/m);
  assert.match(dry.stderr, /^ +for each item of \\nmid\\n:$/m);
});
