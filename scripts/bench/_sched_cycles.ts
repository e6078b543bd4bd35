/**
 * Reads the task cycles of a chain (one task at a time) out of Linux perf's sched events,
 * as printed by `perf script -F comm,pid,tid,cpu,time,event,trace` for
 * `perf record -a -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_process_fork
 * -e sched:sched_process_exec -e sched:sched_process_exit` (the tracepoints' fields are
 * the kernel's: include/trace/events/sched.h). Used by phases.ts `--cycles`.
 *
 * The spawner is the thread that forked the most children (weft's event loop, make).
 * Each child's cycle, from its fork to the next one's, is cut at:
 * - release: the child wakes the spawner (vfork: the spawner waits until the child's exec
 *   has let go of its memory);
 * - exec: the child's program is loaded;
 * - exit: the child exits;
 * - zombie: the child leaves the CPU for the last time;
 * - the next fork.
 * Beside those, the spawner's own time on a CPU per cycle, and how many CPUs were busy on
 * average over the cycle (the machine's, every process's): 1.0 means the chain ran one
 * thing at a time, whatever the number of CPUs.
 * @module
 */
import { median } from "./_stats.ts";

/** Medians over the middle 80% of the cycles, in µs (busy: CPUs). */
export interface CycleStats {
  cycles: number;
  cycle: number;
  forkToRelease: number;
  releaseToExec: number;
  execToExit: number;
  exitToZombie: number;
  zombieToFork: number;
  /** The spawner thread's time on a CPU. */
  spawnerCpu: number;
  /** Average number of CPUs running anything but their idle task. */
  busyCpus: number;
}

interface Event {
  tid: number;
  cpu: number;
  /** µs */
  at: number;
  kind: string;
  fields: string;
}

const LINE = /^\s*(.+?)\s+(\d+)\/(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+sched:(\w+):\s*(.*)$/;

/** The events of `perf script` text, in order; lines that are not one are skipped. */
function parse(text: string): Event[] {
  const events: Event[] = [];
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    events.push({
      tid: Number(m[3]),
      cpu: Number(m[4]),
      at: Number.parseFloat(m[5]) * 1e6,
      kind: m[6],
      fields: m[7],
    });
  }
  return events;
}

function field(fields: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(fields)?.[1];
}

/** sched_switch: the task leaving (pid, state) and the one coming. */
function switchOf(fields: string): { prev: number; state: string; next: number } | null {
  const m = /prev_pid=(\d+) .*prev_state=(\S+) ==> .*next_pid=(\d+)/.exec(fields);
  return m ? { prev: Number(m[1]), state: m[2], next: Number(m[3]) } : null;
}

/** Time of `intervals` (sorted, [from, to)) within [from, to). */
function overlap(intervals: [number, number][], from: number, to: number): number {
  let sum = 0;
  for (const [a, b] of intervals) {
    if (a >= to) break;
    if (b > from) sum += Math.min(b, to) - Math.max(a, from);
  }
  return sum;
}

/**
 * The cycle statistics of one traced chain, or null when the trace holds fewer than 10
 * complete cycles (not a chain, or tracing not allowed).
 */
export function chainCycles(text: string, cpus: number): CycleStats | null {
  const events = parse(text);
  const forksBy = new Map<number, number>();
  for (const e of events) {
    if (e.kind === "sched_process_fork") forksBy.set(e.tid, (forksBy.get(e.tid) ?? 0) + 1);
  }
  const spawner = [...forksBy].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (spawner === undefined) return null;
  type Child = { fork: number; release?: number; exec?: number; exit?: number; zombie?: number };
  const children = new Map<number, Child>();
  const running = new Map<number, { tid: number; since: number }>();
  const onCpu = new Map<number, [number, number][]>(); // tid → intervals, in time order
  for (const e of events) {
    if (e.kind === "sched_process_fork" && e.tid === spawner) {
      const pid = Number(field(e.fields, "child_pid"));
      children.set(pid, { fork: e.at });
    } else if (e.kind === "sched_wakeup" && children.has(e.tid)) {
      const child = children.get(e.tid)!;
      if (child.release === undefined && Number(field(e.fields, "pid")) === spawner) {
        child.release = e.at;
      }
    } else if (e.kind === "sched_process_exec") {
      const child = children.get(Number(field(e.fields, "pid")));
      if (child && child.exec === undefined) child.exec = e.at;
    } else if (e.kind === "sched_process_exit") {
      const child = children.get(Number(field(e.fields, "pid")));
      if (child && child.exit === undefined) child.exit = e.at;
    } else if (e.kind === "sched_switch") {
      const s = switchOf(e.fields);
      if (!s) continue;
      const was = running.get(e.cpu);
      if (was && was.tid !== 0) {
        let list = onCpu.get(was.tid);
        if (!list) onCpu.set(was.tid, list = []);
        list.push([was.since, e.at]);
      }
      running.set(e.cpu, { tid: s.next, since: e.at });
      const child = children.get(s.prev);
      if (child && /^[ZX]/.test(s.state)) child.zombie = e.at;
    }
  }
  const busy = [...onCpu.values()].flat().sort((a, b) => a[0] - b[0]);
  const spawnerRuns = onCpu.get(spawner) ?? [];
  const ordered = [...children.values()].sort((a, b) => a.fork - b.fork);
  const rows: Omit<CycleStats, "cycles">[] = [];
  for (let i = 0; i + 1 < ordered.length; i++) {
    const c = ordered[i];
    const next = ordered[i + 1].fork;
    if (c.release === undefined || c.exec === undefined) continue;
    if (c.exit === undefined || c.zombie === undefined) continue;
    const cycle = next - c.fork;
    rows.push({
      cycle,
      forkToRelease: c.release - c.fork,
      releaseToExec: c.exec - c.release,
      execToExit: c.exit - c.exec,
      exitToZombie: c.zombie - c.exit,
      zombieToFork: next - c.zombie,
      spawnerCpu: overlap(spawnerRuns, c.fork, next),
      busyCpus: Math.min(cpus, overlap(busy, c.fork, next) / cycle),
    });
  }
  if (rows.length < 10) return null;
  const middle = rows.slice(
    Math.floor(rows.length / 10),
    rows.length - Math.floor(rows.length / 10),
  );
  const m = (key: keyof Omit<CycleStats, "cycles">) => median(middle.map((r) => r[key]));
  return {
    cycles: middle.length,
    cycle: m("cycle"),
    forkToRelease: m("forkToRelease"),
    releaseToExec: m("releaseToExec"),
    execToExit: m("execToExit"),
    exitToZombie: m("exitToZombie"),
    zombieToFork: m("zombieToFork"),
    spawnerCpu: m("spawnerCpu"),
    busyCpus: m("busyCpus"),
  };
}
