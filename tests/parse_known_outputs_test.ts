/**
 * src/parse/known_outputs.ts and item_fields.ts through `weft validate` and `weft run`:
 * an output key that a task type whose outputs weft sets never has, and an item field
 * that no literal item has, are validation errors with a did-you-mean; outputs of shell
 * (and other free) tasks and items known only at run time are not checked. The table of
 * fixed outputs is checked against what the runners really set.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { FIXED_OUTPUTS } from "../src/parse/known_outputs.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { reportTask, weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/known_outputs/", import.meta.url).pathname;

Deno.test("cli validate: an unknown output of an http, loop, parallel or conditional task is an error with did-you-mean", async () => {
  const run = await weft(["validate", `${FIXTURES}typos.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  for (
    const [col, id, type, key, near] of [
      [21, "fetch", "an http", "staus", "status"],
      [52, "l", "a loop", "succeded", "succeeded"],
      [82, "p", "a parallel", "faild", "failed"],
      [109, "c", "a conditional", "brnch", "branch"],
    ]
  ) {
    assert.match(
      run.stderr,
      new RegExp(
        `typos\\.yml:20:${col}: command in task "use": task "${id}" is ${type} task, which has no output "${key}" in \\$\\{tasks\\.${id}\\.outputs\\.${key}\\}\\n {2}hint: did you mean "${near}"\\?`,
      ),
    );
  }
  assert.match(
    run.stderr,
    /typos\.yml:23:20: .*no output "winner".*\n {2}hint: a parallel task names a winner only with wait_for: any or first/,
  );
  assert.match(run.stderr, /5 problems/);
});

Deno.test("cli validate: ${item.FIELD} must name a field of the literal items; scalar items have none", async () => {
  const run = await weft(["validate", `${FIXTURES}items.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /items\.yml:6:28: .*no item has the field "nmae" in \$\{item\.nmae\}\n {2}hint: did you mean "name"\?/,
  );
  assert.match(
    run.stderr,
    /items\.yml:6:41: .*no item has the field "of" in item\.tls in \$\{item\.tls\.of\}/,
  );
  assert.match(
    run.stderr,
    /items\.yml:10:28: .*the loop's items are not objects, so they have no field "name" in \$\{item\.name\}\n {2}hint: .*write \$\{item\} for the whole value/,
  );
  assert.match(
    run.stderr,
    /items\.yml:14:28: .*no item has the field "hots".*\n {2}hint: did you mean "host"\?/,
  );
  assert.match(run.stderr, /4 problems/);
});

Deno.test("cli run: documented outputs validate, and the runners set exactly the keys of the table", async () => {
  const server = startRecordingServer((req) => new URL(req.url).pathname);
  try {
    const file = `${FIXTURES}valid.yml`;
    const validate = await weft(["validate", file]);
    assert.equal(validate.code, 0, validate.stderr);
    const run = await weft(["run", file, "--json", "-p", `port=${server.port}`]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as RunReport;
    const keys = (id: string) => Object.keys(reportTask(report, id).outputs).sort();
    assert.deepEqual(keys("fetch"), [...FIXED_OUTPUTS.http].sort());
    assert.deepEqual(keys("l"), [...FIXED_OUTPUTS.loop].sort());
    assert.deepEqual(keys("p"), [...FIXED_OUTPUTS.parallel].sort(), "wait_for: any names a winner");
    assert.deepEqual(keys("c"), ["branch", ...FIXED_OUTPUTS.http].sort());
    assert.deepEqual(keys("free_branch"), ["branch", "mine"]);
  } finally {
    await server.close();
  }
});
