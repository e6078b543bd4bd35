/**
 * Reading a chain's task cycles out of perf's sched events (scripts/bench/_sched_cycles.ts,
 * phases.ts --cycles), on a trace written here in `perf script` format.
 * @module
 */
import assert from "node:assert/strict";
import { chainCycles } from "../scripts/bench/_sched_cycles.ts";

const SPAWNER = 100;

/** One `perf script -F comm,pid,tid,cpu,time,event,trace` line; `us` from a fixed origin. */
function line(comm: string, tid: number, cpu: number, us: number, event: string, fields: string) {
  const time = (1000 + us / 1e6).toFixed(6);
  const where = `[${String(cpu).padStart(3, "0")}]`;
  return `${comm.padStart(16)} ${tid}/${tid} ${where} ${time}: sched:${event}: ${fields}`;
}

/** A sched_switch on `cpu`: `prev` (comm, pid, state) leaves, `next` (comm, pid) comes. */
function switched(cpu: number, us: number, prev: [string, number, string], next: [string, number]) {
  const fields = `prev_comm=${prev[0]} prev_pid=${prev[1]} prev_prio=120 prev_state=${prev[2]}` +
    ` ==> next_comm=${next[0]} next_pid=${next[1]} next_prio=120`;
  return line(prev[0], prev[1], cpu, us, "sched_switch", fields);
}

/**
 * `n` cycles of 2,000 µs on CPU 0: fork, the child runs 200 µs and wakes the spawner
 * (vfork), which runs 190 µs, the exec ends 200 µs after that, the program runs 1,000 µs,
 * exits, is a zombie 100 µs later, and the spawner forks again 300 µs after. Once, a
 * thread whose name holds a space runs 500 µs on CPU 1. Lines in time order, as perf's.
 */
function chainTrace(n: number): string {
  const events: [number, string][] = [];
  const at = (us: number, text: string) => events.push([us, text]);
  for (let i = 0; i < n; i++) {
    const t = i * 2000;
    const child = 1000 + i;
    const fork = `comm=deno pid=${SPAWNER} child_comm=deno child_pid=${child}`;
    at(t, line("deno", SPAWNER, 0, t, "sched_process_fork", fork));
    at(t + 5, switched(0, t + 5, ["deno", SPAWNER, "D"], ["deno", child]));
    const wake = `comm=deno pid=${SPAWNER} prio=120 target_cpu=000`;
    at(t + 200, line("deno", child, 0, t + 200, "sched_wakeup", wake));
    at(t + 210, switched(0, t + 210, ["deno", child, "R+"], ["deno", SPAWNER]));
    at(t + 400, switched(0, t + 400, ["deno", SPAWNER, "S"], ["deno", child]));
    const exec = `filename=/usr/bin/true pid=${child} old_pid=${child}`;
    at(t + 600, line("true", child, 0, t + 600, "sched_process_exec", exec));
    const exit = `comm=true pid=${child} prio=120 group_dead=true`;
    at(t + 1600, line("true", child, 0, t + 1600, "sched_process_exit", exit));
    at(t + 1700, switched(0, t + 1700, ["true", child, "Z"], ["deno", SPAWNER]));
    if (i === 5) {
      at(t + 800, switched(1, t + 800, ["swapper/1", 0, "R"], ["V8 DefaultWorke", 102]));
      at(t + 1300, switched(1, t + 1300, ["V8 DefaultWorke", 102, "S"], ["swapper/1", 0]));
    }
  }
  return events.sort((a, b) => a[0] - b[0]).map(([, text]) => text).join("\n");
}

Deno.test("sched cycles: each phase of a chain's cycle, the spawner's CPU time, one CPU busy", () => {
  const stats = chainCycles(chainTrace(30), 2);
  assert.ok(stats);
  assert.equal(stats.cycle, 2000);
  assert.equal(stats.forkToRelease, 200);
  assert.equal(stats.releaseToExec, 400);
  assert.equal(stats.execToExit, 1000);
  assert.equal(stats.exitToZombie, 100);
  assert.equal(stats.zombieToFork, 300);
  // 5 µs before it switches away at the fork, 190 after the release, 300 from the zombie on.
  assert.equal(stats.spawnerCpu, 495);
  // The chain ran one thing at a time; the one cycle with a second thread is not the median.
  assert.equal(stats.busyCpus, 1);
  // The middle 80% of the 29 complete cycles (the last has no next fork).
  assert.equal(stats.cycles, 29 - 2 * 2);
});

Deno.test("sched cycles: no chain (no fork, or too few cycles) reads as null", () => {
  assert.equal(chainCycles("", 2), null);
  assert.equal(chainCycles(chainTrace(5), 2), null);
  assert.equal(chainCycles("not perf output\n", 2), null);
});
