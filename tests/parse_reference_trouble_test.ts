/**
 * `${tasks.ID.stdout}` of a loop or parallel task (parse/reference_trouble.ts): such a
 * task has no stdout of its own, so validate refuses it at its place rather than let
 * the run read it as empty; a conditional's stdout is its branch's. Through the CLI.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FILE = new URL("./fixtures/composite_stdout/stdouts.yml", import.meta.url).pathname;

Deno.test("weft validate and run refuse the stdout of a loop or parallel task, at its place", async () => {
  const validate = await weft(["validate", FILE]);
  assert.equal(validate.code, 2, validate.stderr);
  assert.match(
    validate.stderr,
    /stdouts\.yml:20:24: command in task "show": task "lp" is a loop task, which has no stdout of its own in \$\{tasks\.lp\.stdout\}\n {2}hint: its iterations' output is shown per item \(weft logs RUN lp\)/,
  );
  assert.match(
    validate.stderr,
    /stdouts\.yml:20:49: command in task "show": task "par" is a parallel task, which has no stdout of its own in \$\{tasks\.par\.stdout\}\n {2}hint: read a child's: \$\{tasks\.CHILD\.stdout\}/,
  );
  assert.match(validate.stderr, /2 problems/, "the conditional's and the child's stdout are fine");
  const run = await weft(["run", FILE]);
  assert.equal(run.code, 2, "the run refuses it as validate does");
  // Without the two: the conditional's stdout is its branch's, the child's its own.
  const dir = testTempDir("stdout-");
  Deno.writeTextFileSync(
    `${dir}/ok.yml`,
    Deno.readTextFileSync(FILE).replace(
      "lp=[${tasks.lp.stdout}] par=[${tasks.par.stdout}] ",
      "",
    ),
  );
  const ok = await weft(["run", "-v", `${dir}/ok.yml`]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /\[show\] cond=\[from-then\] p1=\[p1\]/);
});
