/**
 * A `${...}` value holding a NUL character that would reach a process (expr/process_value.ts,
 * tasks/exec_limits.ts argumentValue), through the real `weft run`: one behaviour in every
 * field — the task fails naming the field (and the `${...}` where known); the value is
 * never cut or dropped silently, and WEFT_ITEM is left out, said so.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/nul_values/", import.meta.url).pathname;

Deno.test("cli process value: a NUL in a ${...} value is refused naming the field, in command, environment, args, a processor and a loop", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}nul.yml`, "--json", "-v"], {
    env: { WEFT_HOME: home },
  });
  assert.equal(run.code, 1, run.stderr); // the loop fails the run; the others continue on error
  const report: RunReport = JSON.parse(run.stdout);
  const reason = (id: string) => reportTask(report, id).error ?? "";
  const nul = " holds a NUL character, which no process can receive";
  assert.equal(reason("cmd"), `command: the value of \${tasks.a.outputs.k}${nul}`);
  assert.equal(reason("envv"), `environment.V: the value of \${tasks.a.outputs.k}${nul}`);
  assert.equal(
    reason("arg"),
    "args[0] holds a NUL character once resolved, which no process can receive " +
      "(an argument of the javascript script)",
  );
  assert.equal(reason("proc"), `processor.command: the value of \${tasks.a.outputs.k}${nul}`);
  assert.equal(reportTask(report, "each").status, "failed");
  assert.match(run.stderr, /command: the value of \$\{item\} holds a NUL character/);
  // Weft's own WEFT_ITEM is left out, said so; the iteration runs without it.
  assert.match(
    run.stderr,
    /\[each-env\[0\]\] weft: WEFT_ITEM is not set: the item holds a NUL character/,
  );
  assert.match(run.stderr, /\[each-env\[0\]\] env \[\]\n/);
  assert.equal(reportTask(report, "plain").status, "success");
  // Nothing ran with the value cut: od never printed "a b".
  assert.doesNotMatch(run.stderr, /\[cmd\]|\[envv\]|\[arg\]/);
});
