/**
 * Finding a crashed run's task process groups by their leader's environment
 * (src/store/run_leaders.ts), with real processes: session leaders carrying exactly
 * `WEFT_RUN_ID=<run>` are found with their start time; their children, other runs'
 * leaders, other users' and groups that are not sessions are not.
 */
import assert from "node:assert/strict";
import { findRunLeaders, leaderTicksIfOfRun } from "../src/store/run_leaders.ts";
import { processStartTicks } from "../src/store/recovery.ts";
import { killSession, startSession, waitForGroupSize } from "./_recovery.ts";
import { processesInGroup } from "./_run_cli.ts";

const HAS_PROC = processStartTicks(Deno.pid) !== null;
const AS_ROOT = HAS_PROC && Deno.uid() === 0;

/** A run id no other test process uses. */
function uniqueRunId(): string {
  return `20260101T000000Z-leaders-${crypto.randomUUID().slice(0, 8)}`;
}

Deno.test({
  name: "run leaders: a session leader naming the run is found, with its start time",
  ignore: !HAS_PROC,
  fn: async () => {
    const runId = uniqueRunId();
    const ours = startSession("sleep 300 & sleep 300 & wait", { WEFT_RUN_ID: runId });
    // Same run id as a prefix only, and another run: not this run's.
    const longer = startSession("sleep 300 & wait", { WEFT_RUN_ID: `${runId}0` });
    const other = startSession("sleep 300 & wait", { WEFT_RUN_ID: uniqueRunId() });
    // A process of the run that is not a session leader (shares the test's session).
    // `exec`: its SIGKILL below ends the sleep itself (a forked one would outlive the test).
    const inner = new Deno.Command("sh", {
      args: ["-c", "exec sleep 300"],
      env: { WEFT_RUN_ID: runId },
    }).spawn();
    try {
      await waitForGroupSize(ours.pid, 3);
      await waitForGroupSize(longer.pid, 2);
      await waitForGroupSize(other.pid, 2);
      const found = findRunLeaders(runId);
      assert.deepEqual(found, [{ pid: ours.pid, startTicks: processStartTicks(ours.pid) }]);
      assert.equal(leaderTicksIfOfRun(ours.pid, runId), processStartTicks(ours.pid));
      assert.equal(leaderTicksIfOfRun(longer.pid, runId), null);
      assert.equal(leaderTicksIfOfRun(inner.pid, uniqueRunId()), null);
      assert.ok(processesInGroup(other.pid).length > 0, "others are only read");
    } finally {
      inner.kill("SIGKILL");
      await inner.status;
      for (const child of [ours, longer, other]) await killSession(child);
    }
  },
});

Deno.test({
  name: "run leaders: another user's leader naming the run is not ours",
  ignore: !AS_ROOT,
  fn: async () => {
    const runId = uniqueRunId();
    const nobody = startSession("sleep 300 & wait", { WEFT_RUN_ID: runId }, 65534);
    try {
      await waitForGroupSize(nobody.pid, 2);
      assert.equal(Deno.statSync(`/proc/${nobody.pid}`).uid, 65534);
      assert.deepEqual(findRunLeaders(runId), []);
      // Without the uid rule it would be found: the environment alone names the run.
      assert.deepEqual(findRunLeaders(runId, null).map((g) => g.pid), [nobody.pid]);
    } finally {
      await killSession(nobody);
    }
  },
});
