/**
 * A composite as a step (a loop in a conditional's `then`, a loop or conditional as a
 * parallel child) is refused by `weft validate` in words that say why (composites do not
 * nest, parse/issue_messages.ts badDiscriminator), not as an unknown task type.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/composite_nesting/", import.meta.url).pathname;

Deno.test("composite nesting: a composite step is refused as such, at its type", async () => {
  const out = await weft(["validate", "conditional_loop.yml", "parallel_children.yml"], {
    cwd: FIXTURES,
  });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  const found = [...text.matchAll(/^(\S+:\d+:\d+): (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(found, [
    'conditional_loop.yml:7:13 a step cannot be a loop in then of task "c": composite tasks do not nest',
    'parallel_children.yml:8:15 a step cannot be a loop in task "l": composite tasks do not nest',
    'parallel_children.yml:13:15 a step cannot be a conditional in task "c": composite tasks do not nest',
  ]);
  assert.match(
    text,
    /hint: steps are of type shell, .* or workflow; make the loop a top-level task/,
  );
  assert.doesNotMatch(text, /unknown task type/);
});

Deno.test("composite nesting: a misspelt step type is still an unknown type", async () => {
  const out = await weft(["validate", "-"], {
    cwd: FIXTURES,
    stdin: "name: x\ntasks:\n  - id: c\n    type: conditional\n    condition: 'true'\n" +
      "    then: {type: lopo}\n",
  });
  assert.equal(out.code, 2, out.stdout + out.stderr);
  assert.match(out.stdout + out.stderr, /unknown task type "lopo" in then of task "c"/);
});
