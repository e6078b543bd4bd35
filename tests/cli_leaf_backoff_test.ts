/**
 * A task stopped while it waits to retry (engine/leaf.ts `stopped`): no process was
 * running, so its record says it was stopped while waiting, names the attempt that
 * ended and how, and has no exit code — the signal made no process exit. Through the
 * real `weft run` and `weft status`.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, startWeft, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/leaf_backoff/", import.meta.url).pathname;
const WAITING = "stopped while waiting to retry after attempt 1 (it ended: exited with code 1)";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`weft run: ${signal} during a retry's back-off records the wait, not a signal exit`, async () => {
    const env = { WEFT_HOME: testTempDir("home-") };
    const run = startWeft(["run", `${FIXTURES}signal.yml`, "--json"], env);
    await run.stderrIncludes("retrying in 1h");
    Deno.kill(run.child.pid, signal);
    const { code, stdout, stderr } = await run.finish();
    assert.equal(code, 130, stderr);
    const flaky = reportTask(JSON.parse(stdout) as RunReport, "flaky");
    assert.deepEqual(
      [flaky.status, flaky.reason, flaky.exitCode, flaky.attempts, flaky.error],
      ["cancelled", "signal", null, 1, WAITING],
    );
    const status = await weft(["status"], { env });
    assert.equal(status.code, 0, status.stderr);
    const row = status.stdout.split("\n").find((l) => l.startsWith("flaky "));
    assert.match(row ?? "", /^flaky\s+cancelled\s+\S+\s+-\s+1\s+signal: stopped while waiting/);
    assert.ok(row?.endsWith(`signal: ${WAITING}`), row);
  });
}

Deno.test("weft run: the workflow timeout during a retry's back-off says the task was waiting", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const run = await weft(["run", `${FIXTURES}timeout.yml`, "--json"], { env });
  assert.equal(run.code, 1, run.stderr);
  const flaky = reportTask(JSON.parse(run.stdout) as RunReport, "flaky");
  assert.deepEqual(
    [flaky.status, flaky.reason, flaky.exitCode, flaky.attempts, flaky.error],
    ["timed_out", "workflow_timeout", null, 1, `the workflow's timeout of 3.0s, ${WAITING}`],
  );
});
