/**
 * Benchmark: the engine alone, in-process, on a wide DAG of no-op tasks (100,000 by
 * default: layers of 1,000, each task depending on 1–2 tasks of the layer before).
 * No processes are started: every task runs through the benchmark-only no-op runner
 * (src/tasks/noop.ts), and the only listener counts events. Reports the wall time from
 * `startRun` to `done` and the peak resident memory. Targets: < 2 s, < 300 MB.
 *
 * Each measured run happens in a fresh child process (this script with `--child`), so
 * one run's garbage and JIT state do not colour the next run's figures.
 *
 *   deno run -A scripts/bench/engine_100k.ts [--tasks 100000] [--width 1000]
 *     [--max-parallel 8] [--runs 3] [--parse] [--inline]
 *
 * The workflow is built directly in its parsed shape (what `workflowSchema.parse`
 * returns), and the first tasks are checked against a real parse of the same input, so
 * the figures are the engine's own and not zod's. `--parse` instead parses the whole
 * workflow through `workflowSchema.parse` (outside the timed section): the peak RSS
 * then also carries the parser's high-water mark, as in a real `weft run`.
 * `--inline` measures once in this process (handy under `deno run --cpu-prof`).
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { startRun } from "../../src/engine/mod.ts";
import type { EngineEvent } from "../../src/engine/events.ts";
import { workflowSchema } from "../../src/model/workflow.ts";
import type { Workflow } from "../../src/model/workflow.ts";
import type { TaskOf } from "../../src/model/task.ts";
import { noopRunner } from "../../src/tasks/noop.ts";
import type { ProcessSpawner } from "../../src/tasks/types.ts";
import { flag, loadAverage, median, mib, ms, option, prng } from "./_stats.ts";

const tasks = option("tasks", 100_000);
const width = option("width", 1_000);
const maxParallel = option("max-parallel", 8);
const runs = option("runs", 3);

const TARGET_MS = 2_000;
const TARGET_BYTES = 300 * 1024 * 1024;
/** RSS is sampled on a 10 ms timer and, because a run of no-op tasks may finish without
 * ever yielding to the timer queue (it is all promise callbacks), also every this many
 * events from the counting listener. */
const SAMPLE_EVERY_EVENTS = 2_000;

/** What one measured run reports (the child's JSON line). */
interface Measurement {
  tasks: number;
  events: number;
  status: string;
  wallMs: number;
  /** startRun's own return (validation, node building, ready tracker): part of wallMs. */
  setupMs: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  timerSamples: number;
  eventSamples: number;
}

/** Tasks checked against a real parse when the workflow is built directly. */
const CHECKED_TASKS = 2_000;

/**
 * The workflow: shell tasks `true`, 1–2 deps on the layer above. `parsed` gives the
 * shape `workflowSchema.parse` outputs (type filled in), otherwise the input as written.
 */
function buildWorkflow(count: number, parsed: boolean): { name: string; tasks: TaskOf<"shell">[] } {
  const random = prng(42);
  const list: TaskOf<"shell">[] = [];
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / width);
    const task: TaskOf<"shell"> = parsed
      ? { type: "shell", id: `t${i}`, command: "true" }
      : { id: `t${i}`, command: "true" } as TaskOf<"shell">;
    if (layer > 0) {
      const prev = (layer - 1) * width;
      const first = prev + Math.floor(random() * width);
      const deps = [`t${first}`];
      if (random() < 0.5) {
        const second = prev + Math.floor(random() * width);
        if (second !== first) deps.push(`t${second}`);
      }
      task.depends_on = deps;
    }
    list.push(task);
  }
  return { name: "bench-engine", tasks: list };
}

/** The workflow the engine gets; see the module doc for the two ways to make it. */
function workflowForRun(): Workflow {
  if (flag("parse")) return workflowSchema.parse(buildWorkflow(tasks, false));
  const sample = Math.min(tasks, CHECKED_TASKS);
  const expected = workflowSchema.parse(buildWorkflow(sample, false));
  if (!isDeepStrictEqual(buildWorkflow(sample, true), expected)) {
    throw new Error("the directly built workflow differs from workflowSchema.parse's output");
  }
  return buildWorkflow(tasks, true);
}

/** This benchmark starts no process; a spawn would be a bug in the setup. */
const noSpawner: ProcessSpawner = {
  spawn() {
    throw new Error("engine_100k: no process may be spawned (every task is a no-op)");
  },
};

async function measureOnce(): Promise<Measurement> {
  // Outside the timed section: built in the parsed shape (checked against a real parse),
  // or parsed in full with --parse.
  const workflow = workflowForRun();
  const rssBeforeBytes = Deno.memoryUsage().rss;
  let peakRssBytes = rssBeforeBytes;
  let peakHeapUsedBytes = 0;
  let timerSamples = 0;
  let eventSamples = 0;
  const takeSample = () => {
    const usage = Deno.memoryUsage();
    if (usage.rss > peakRssBytes) peakRssBytes = usage.rss;
    if (usage.heapUsed > peakHeapUsedBytes) peakHeapUsedBytes = usage.heapUsed;
  };
  let events = 0;
  const countEvents = (_event: EngineEvent) => {
    if (++events % SAMPLE_EVERY_EVENTS === 0) {
      eventSamples++;
      takeSample();
    }
  };
  const timer = setInterval(() => {
    timerSamples++;
    takeSample();
  }, 10);

  const start = performance.now();
  const handle = startRun({
    workflow,
    file: "/bench/engine_100k.json",
    dir: Deno.cwd(),
    fileHash: "0".repeat(64),
    params: {},
    baseEnv: {},
    maxParallel,
    spawner: noSpawner,
    runners: new Map([["shell", noopRunner]]),
    listeners: [countEvents],
  });
  const setupMs = performance.now() - start;
  const report = await handle.done;
  const wallMs = performance.now() - start;
  clearInterval(timer);
  takeSample();
  return {
    tasks: report.tasks.length,
    events,
    status: report.status,
    wallMs,
    setupMs,
    rssBeforeBytes,
    peakRssBytes,
    peakHeapUsedBytes,
    timerSamples,
    eventSamples,
  };
}

function describe(m: Measurement): string {
  return `${ms(m.wallMs)} (setup ${ms(m.setupMs)}), peak RSS ${mib(m.peakRssBytes)} ` +
    `(before run ${mib(m.rssBeforeBytes)}), peak heap ${mib(m.peakHeapUsedBytes)}, ` +
    `status ${m.status}, ${m.events} events, samples: ${m.timerSamples} timer + ` +
    `${m.eventSamples} event`;
}

function check(m: Measurement): void {
  if (m.status !== "success" || m.tasks !== tasks) {
    throw new Error(`run ended ${m.status} with ${m.tasks} tasks (expected success, ${tasks})`);
  }
}

async function childRun(): Promise<Measurement> {
  const args = [
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    "--child",
    "--tasks",
    String(tasks),
    "--width",
    String(width),
    "--max-parallel",
    String(maxParallel),
    ...(flag("parse") ? ["--parse"] : []),
  ];
  const result = await new Deno.Command(Deno.execPath(), { args, stderr: "inherit" }).output();
  if (!result.success) throw new Error(`child run exited ${result.code}`);
  const lines = new TextDecoder().decode(result.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Measurement;
}

if (import.meta.main) {
  if (flag("child")) {
    console.log(JSON.stringify(await measureOnce()));
  } else {
    const layers = Math.ceil(tasks / width);
    console.log(
      `Engine only: ${tasks} no-op tasks, ${layers} layers of ${width}, 1-2 deps each, ` +
        `max-parallel ${maxParallel}, workflow ${
          flag("parse") ? "parsed by workflowSchema" : "built in parsed shape"
        }`,
    );
    const results: Measurement[] = [];
    const count = flag("inline") ? 1 : runs;
    for (let i = 0; i < count; i++) {
      const m = flag("inline") ? await measureOnce() : await childRun();
      check(m);
      results.push(m);
      console.log(`  run ${i + 1}: ${describe(m)}`);
    }
    console.log(`  load average: ${loadAverage()} (on ${navigator.hardwareConcurrency} CPUs)`);
    const wall = median(results.map((m) => m.wallMs));
    const peak = Math.max(...results.map((m) => m.peakRssBytes));
    console.log(
      `  median wall ${ms(wall)} (target < ${ms(TARGET_MS)}: ${
        wall < TARGET_MS ? "met" : "MISSED"
      })`,
    );
    console.log(
      `  highest peak RSS ${mib(peak)} (target < ${mib(TARGET_BYTES)}: ${
        peak < TARGET_BYTES ? "met" : "MISSED"
      })`,
    );
  }
}
