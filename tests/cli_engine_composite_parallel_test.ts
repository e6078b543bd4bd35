/**
 * A `parallel` task's children through the real CLI (engine/composite.ts, slots.ts): all
 * started at once under the default limit (the CPU count), as README and the seed's
 * "Run parallel test suites" say, while a limit someone chose (`--max-parallel`,
 * `max_parallel`) caps them as any task.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/parallel_at_once/", import.meta.url).pathname;

/** A workflow of one `parallel` task with `count` children each running `script`. */
function workflow(count: number, script: string, extra = ""): string {
  const children = Array.from(
    { length: count },
    (_, i) => `      - {id: c${i}, command: "sh ${FIXTURES}${script}"}`,
  );
  return `name: par\n${extra}tasks:\n  - id: suites\n    type: parallel\n    tasks:\n` +
    children.join("\n") + "\n";
}

async function runIn(text: string, env: Record<string, string>, args: string[] = []) {
  const dir = testTempDir("par-");
  const file = join(dir, "par.yml");
  await Deno.writeTextFile(file, text);
  const marks = testTempDir("marks-");
  return await weft(["run", file, ...args], { env: { DIR: marks, ...env } });
}

// More children than CPUs: under a CPU-count cap the barrier would never be reached.
const COUNT = navigator.hardwareConcurrency + 2;

Deno.test("cli parallel: more children than CPUs all start at once under the default limit", async () => {
  const { code, stderr } = await runIn(workflow(COUNT, "barrier.sh"), { WANT: String(COUNT) });
  assert.equal(code, 0, stderr);
  assert.match(stderr, new RegExp(`${COUNT + 1} tasks: ${COUNT + 1} success`));
});

Deno.test("cli parallel: --max-parallel 1 and max_parallel: 1 still cap the children", async () => {
  for (
    const [extra, args] of [["", ["--max-parallel", "1"]], ["max_parallel: 1\n", []]] as const
  ) {
    const { code, stderr } = await runIn(workflow(4, "alone.sh", extra), {}, [...args]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /5 tasks: 5 success/);
  }
});
