/**
 * Finding a crashed run's live processes by their environment (src/store/run_leaders.ts),
 * with real processes: session leaders carrying exactly `WEFT_RUN_ID=<run>` are found
 * with their start time, their group's members are not listed apart; what left a group
 * (a group of its own, a process whose group leader is gone) is found too; other runs',
 * other users' and those of the test's own session are not.
 */
import assert from "node:assert/strict";
import { findRunProcesses, leaderTicksIfOfRun } from "../src/store/run_leaders.ts";
import { processStartTicks } from "../src/store/recovery.ts";
import { killSession, startSession, waitForGroupSize } from "./_recovery.ts";
import { testTempDir } from "./_tmp.ts";
import { childrenOf, processesInGroup } from "./_run_cli.ts";
import { readProcStat } from "../src/proc.ts";

const HAS_PROC = processStartTicks(Deno.pid) !== null;
const AS_ROOT = HAS_PROC && Deno.uid() === 0;

/** Waits until `path` exists (the script's sign that it is set up); throws if `child` ends first. */
async function waitForFile(path: string, child: Deno.ChildProcess): Promise<void> {
  let ended = false;
  child.status.then(() => ended = true);
  for (;;) {
    try {
      Deno.statSync(path);
      return;
    } catch {
      assert.ok(!ended, `the script ended before writing ${path}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

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
      const found = findRunProcesses(runId);
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
      assert.deepEqual(findRunProcesses(runId), []);
      // Without the uid rule it would be found: the environment alone names the run.
      assert.deepEqual(findRunProcesses(runId, null).map((g) => g.pid), [nobody.pid]);
    } finally {
      await killSession(nobody);
    }
  },
});

Deno.test({
  name: "run leaders: what left the group is found, a group leader as its group, another alone",
  ignore: !HAS_PROC,
  fn: async () => {
    const runId = uniqueRunId();
    const ready = `${testTempDir("leaders-")}/ready`;
    // A session whose shell starts a job in a group of its own (as `set -m` does) and a
    // child left in a session whose leader exited (as `setsid` + exit, a double fork).
    // bash: dash turns job control off without a terminal. `setsid -w` returns once that
    // leader has exited: until then it (or setsid's own forked parent) is a live group
    // leader of the run, found as such, so the test reads /proc only after `ready`.
    const ours = startSession(
      `exec bash -c "set -m; sleep 300 & setsid -w sh -c 'sleep 300 & exit 0'; : > ${ready}; wait"`,
      { WEFT_RUN_ID: runId },
    );
    const left: number[] = [];
    try {
      await waitForFile(ready, ours);
      const found = findRunProcesses(runId);
      const job = childrenOf(ours.pid).find((pid) => {
        const stat = readProcStat(pid);
        return stat && stat !== "absent" && stat.pgrp === pid;
      });
      assert.ok(job, "the job leads a group of its own");
      const alone = found.filter((f) => f.alone).map((f) => f.pid);
      left.push(...found.map((f) => f.pid));
      assert.deepEqual(
        found.filter((f) => !f.alone).map((f) => f.pid).sort(),
        [ours.pid, job].sort(),
      );
      assert.equal(alone.length, 1, "the setsid child, its session leader gone");
      const stat = readProcStat(alone[0]);
      assert.ok(stat && stat !== "absent" && stat.pgrp !== alone[0] && stat.session !== ours.pid);
    } finally {
      for (const pid of left) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await killSession(ours);
    }
  },
});
