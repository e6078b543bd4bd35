/**
 * `weft logs RUN TASK` with a task the run does not have: exit 2, the nearest id as a
 * did-you-mean, and a dozen of its ids then how many more — not every id of a run of
 * hundreds of loop iterations (a 1,000-task run printed a 6 KB hint). Through the real CLI.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/logs_unknown_task/many.yml", import.meta.url).pathname;

Deno.test("weft logs with an unknown task: did-you-mean and a short list of ids", async () => {
  const env = { WEFT_HOME: `${testTempDir("logs-unknown-")}/home`, NO_COLOR: "1" };
  assert.equal((await weft(["run", FIXTURE, "-q"], { env })).code, 0);
  const typo = await weft(["logs", "gne"], { env });
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, /has no task "gne"\n {2}hint: did you mean "gen"\? its tasks: /);
  const hint = /its tasks: (.*)$/m.exec(typo.stderr)![1];
  assert.match(hint, /, …, and 20 more$/, hint);
  assert.equal(hint.replace(/, …, and 20 more$/, "").split(", ").length, 12, hint);
  // Nothing near: the list alone.
  const far = await weft(["logs", "zzzzzz"], { env });
  assert.equal(far.code, 2);
  assert.match(far.stderr, /hint: its tasks: .*, …, and 20 more\n/);
  assert.doesNotMatch(far.stderr, /did you mean/);
});
