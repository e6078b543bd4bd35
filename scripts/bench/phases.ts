/**
 * Benchmark: where the time of `weft run` on the 1,000-task DAG or chain goes, by phase,
 * told by the kernel rather than by weft: each process's exec and exit are recorded with
 * `perf record -e sched:sched_process_exec -e sched:sched_process_exit` (Linux perf), and
 *
 * - start-up is from deno's own exec to the first task's exec;
 * - the spawn phase from the first task's exec to the last one's;
 * - exit from the last task's exec to the process's exit.
 *
 * The same for the floor (`_deno_floor.ts` with weft's spawner: the same graph, nothing
 * else), so each phase of weft has its baseline measured in the same run. Runs alternate
 * after one warm-up of each; medians are printed with every sample and the load.
 *
 *   deno run -A scripts/bench/phases.ts [--shape dag|chain] [--runs 9] [--tasks 1000]
 *     [--width 50] [--jobs 8]
 *
 * With `--cycles` (a chain only), each task's cycle instead, for weft, the floor and
 * `make -jJ` on the same chain: the phases from one fork to the next, the spawner's own
 * time on a CPU, and how many CPUs were busy meanwhile (_sched_cycles.ts; every CPU is
 * traced, `perf record -a`):
 *
 *   deno run -A scripts/bench/phases.ts --shape chain --cycles [--runs 3]
 *
 * Needs `perf` (Debian: linux-perf) and permission to trace (root, or
 * kernel.perf_event_paranoid <= -1). The workflows are written by dag_vs_make.ts (`--keep`,
 * which also runs its own comparison once, from source: ~10 s).
 * @module
 */
import { flag, loadAverage, median, option, textOption } from "./_stats.ts";
import { buildBundle, bundleArgs, bundleEnv } from "./_bundle.ts";
import { chainCycles, type CycleStats } from "./_sched_cycles.ts";

const shape = textOption("shape") ?? "dag";
const runs = Math.max(1, option("runs", 9));
const tasks = option("tasks", 1000);
const width = option("width", 50);
const jobs = option("jobs", 8);
const cycles = flag("cycles");
if (shape !== "dag" && shape !== "chain") {
  console.error(`--shape must be dag or chain, not "${shape}"`);
  Deno.exit(2);
}
if (cycles && shape !== "chain") {
  console.error("--cycles reads one task at a time: use it with --shape chain");
  Deno.exit(2);
}
const here = new URL(".", import.meta.url).pathname;

/** Start-up, spawn phase and exit of one traced command, in ms. */
interface Phases {
  startup: number;
  spawn: number;
  exit: number;
}

/**
 * Runs `args` under `perf record` with `record` (events, options), then returns what
 * `perf script -F fields` prints of the trace. Throws when perf fails.
 */
async function perfTrace(
  record: string[],
  fields: string,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  const data = await Deno.makeTempFile({ prefix: "weft-phases-" });
  try {
    const recorded = await new Deno.Command("perf", {
      args: ["record", "-q", ...record, "-o", data, "--", ...args],
      env,
      stdout: "null",
      stderr: "null",
    }).output();
    if (!recorded.success) throw new Error(`perf record failed (exit ${recorded.code})`);
    const script = await new Deno.Command("perf", {
      args: ["script", "-i", data, "-F", fields],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(script.stdout);
  } finally {
    await Deno.remove(data).catch(() => {});
  }
}

/** Runs `args` under perf's sched events and reads its phases from the trace. */
async function traced(args: string[], env: Record<string, string>): Promise<Phases> {
  const events = ["-e", "sched:sched_process_exec", "-e", "sched:sched_process_exit"];
  const execs: number[] = [];
  let end = 0;
  for (const line of (await perfTrace(events, "time,event", args, env)).split("\n")) {
    const [time, event] = line.trim().split(/\s+/);
    if (!event) continue;
    const at = Number.parseFloat(time) * 1000;
    if (event.includes("exec")) execs.push(at);
    else if (event.includes("exit")) end = Math.max(end, at);
  }
  if (execs.length < 2) throw new Error("perf saw no task start: is tracing allowed here?");
  const [own, first] = execs;
  const last = execs[execs.length - 1];
  return { startup: first - own, spawn: last - first, exit: end - last };
}

/** The sched events {@link chainCycles} reads, on every CPU. */
const CYCLE_EVENTS = [
  "sched:sched_switch",
  "sched:sched_wakeup",
  "sched:sched_process_fork",
  "sched:sched_process_exec",
  "sched:sched_process_exit",
];

/** Runs `args` under perf with {@link CYCLE_EVENTS} on every CPU and reads its task cycles. */
async function tracedCycles(args: string[], env: Record<string, string>): Promise<CycleStats> {
  const record = ["-a", ...CYCLE_EVENTS.flatMap((e) => ["-e", e])];
  const text = await perfTrace(record, "comm,pid,tid,cpu,time,event,trace", args, env);
  const stats = chainCycles(text, navigator.hardwareConcurrency);
  if (!stats) throw new Error("perf saw no chain of tasks: is tracing allowed here?");
  return stats;
}

/** One line of cycle medians (µs), each the median over the runs. */
function cycleLine(name: string, runs: CycleStats[]): string {
  const m = (key: keyof CycleStats) => median(runs.map((r) => r[key]));
  const us = (key: keyof CycleStats) => m(key).toFixed(0);
  return `  ${name.padEnd(24)} cycle ${us("cycle")}: fork>release ${us("forkToRelease")}, ` +
    `release>exec ${us("releaseToExec")}, exec>exit ${us("execToExit")}, ` +
    `exit>zombie ${us("exitToZombie")}, zombie>fork ${us("zombieToFork")}; ` +
    `spawner on a CPU ${us("spawnerCpu")}; CPUs busy ${m("busyCpus").toFixed(2)} ` +
    `of ${navigator.hardwareConcurrency}`;
}

const dir = await Deno.makeTempDir({ prefix: "weft-phases-" });
try {
  const written = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${here}dag_vs_make.ts`,
      "--runs",
      "1",
      "--keep",
      dir,
      "--shape",
      shape,
      "--form",
      "source",
      "--tasks",
      String(tasks),
      "--width",
      String(width),
    ],
    stdout: "null",
    stderr: "inherit",
  }).output();
  const workflow = `${dir}/${shape}.json`;
  if (!written.success) throw new Error("writing the workflow failed");
  const bundle = await buildBundle(dir);
  const env = {
    ...Deno.env.toObject(),
    ...bundleEnv(dir),
    WEFT_HOME: `${dir}/home`,
    NO_COLOR: "1",
  };
  const sides: Record<string, string[]> = {
    "weft run (bundle)": [
      Deno.execPath(),
      ...bundleArgs(bundle),
      "run",
      "-q",
      "--max-parallel",
      String(jobs),
      workflow,
    ],
    "floor (weft's spawner)": [
      Deno.execPath(),
      "run",
      "-A",
      `${here}_deno_floor.ts`,
      workflow,
      String(jobs),
      "ffi",
    ],
  };
  if (cycles) {
    sides[`make -j${jobs}`] = ["make", `-j${jobs}`, "-s", "-C", `${dir}/${shape}`];
    await cycleTable(sides, env);
  } else {
    await phases(sides, env);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

/**
 * `measure` of each side after one warm-up each, then `runs` times in turn (so a change of
 * the machine's load hits every side alike); the load is printed before and after.
 */
async function alternate<T>(
  sides: Record<string, string[]>,
  env: Record<string, string>,
  measure: (args: string[], env: Record<string, string>) => Promise<T>,
): Promise<Map<string, T[]>> {
  console.log(`load at start: ${loadAverage()}`);
  const found = new Map<string, T[]>(Object.keys(sides).map((k) => [k, []]));
  for (const args of Object.values(sides)) await measure(args, env); // warm-up
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(sides)) {
      found.get(name)!.push(await measure(args, env));
    }
  }
  return found;
}

/** Start-up, spawn phase and exit of each side, printed. */
async function phases(sides: Record<string, string[]>, env: Record<string, string>) {
  const samples = await alternate(sides, env, traced);
  console.log(`${shape}: ${tasks} tasks, -j${jobs}, median of ${runs} alternating (ms)`);
  for (const [name, list] of samples) {
    const m = (key: keyof Phases) => median(list.map((p) => p[key])).toFixed(1);
    console.log(
      `  ${name.padEnd(24)} start-up ${m("startup").padStart(6)}  spawn phase ${
        m("spawn").padStart(6)
      }  exit ${m("exit").padStart(5)}`,
    );
  }
  console.log(`load at end:   ${loadAverage()}`);
}

/** The task cycles of each side, printed (see _sched_cycles.ts). */
async function cycleTable(sides: Record<string, string[]>, env: Record<string, string>) {
  const found = await alternate(sides, env, tracedCycles);
  console.log(`${shape}: ${tasks} tasks, -j${jobs}, median of ${runs} alternating (µs)`);
  for (const [name, list] of found) console.log(cycleLine(name, list));
  console.log(`load at end:   ${loadAverage()}`);
}
