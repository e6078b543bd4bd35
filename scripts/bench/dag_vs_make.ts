/**
 * Benchmark: 1,000 `true` tasks run by `weft run --max-parallel J` and, in the same script,
 * by `make -jJ` on an equivalent Makefile, in two shapes:
 * - `dag`: layers of `width` tasks, each depending on two tasks of the previous layer;
 * - `chain`: each task depending on the one before it (no parallelism at all).
 *
 * weft runs in two forms: from source (`deno run -A main.ts`, as a developer runs it) and
 * from the bundle (`deno task bundle`, built here: the whole program in one file, the form
 * `deno compile` ships and a released binary starts from). Each form gets a ratio of its own.
 *
 * Two more lines, the floors, run the same graph with `_deno_floor.ts`: a task started by
 * `Deno.Command`, or by weft's own spawner (spawn_ffi.ts), and nothing else (no history,
 * events, templates). Their ratios to make are the best a Deno program starting processes
 * that way reaches on this machine; weft's distance above them is weft's own work.
 *
 * Runs alternate (weft source, weft bundle, the floors, make, ...) after one warm-up of each, so a
 * change of machine load hits every side alike. Prints every sample, the medians, the
 * ratios, the CPU time (user + system, children included) of weft and make, and the load
 * averages (/proc/loadavg) at start and end: the wall-time figures mean little
 * on a busy machine.
 *
 *   deno run -A scripts/bench/dag_vs_make.ts [--tasks 1000] [--width 50] [--jobs 8] [--runs 5]
 *     [--shape dag|chain|both] [--form source|bundle|both] [--keep DIR]
 *   (--keep writes the inputs to DIR and keeps them)
 * @module
 */
import {
  loadAverage,
  median,
  ms,
  option,
  textOption,
  timeCommand,
  timeCommandCpu,
} from "./_stats.ts";
import { buildBundle, bundleArgs, bundleEnv } from "./_bundle.ts";

const tasks = option("tasks", 1000);
const width = option("width", 50);
const jobs = option("jobs", 8);
const runs = Math.max(1, option("runs", 5));
const shapeOption = textOption("shape") ?? "both";
const formOption = textOption("form") ?? "both";
const keep = textOption("keep");
const mainTs = new URL("../../main.ts", import.meta.url).pathname;
const floorTs = new URL("./_deno_floor.ts", import.meta.url).pathname;

type Shape = "dag" | "chain";
const shapes: Shape[] = shapeOption === "both" ? ["dag", "chain"] : [shapeOption as Shape];
if (!shapes.every((s) => s === "dag" || s === "chain")) {
  console.error(`--shape must be dag, chain or both, not "${shapeOption}"`);
  Deno.exit(2);
}
type Form = "source" | "bundle";
const forms: Form[] = formOption === "both" ? ["source", "bundle"] : [formOption as Form];
if (!forms.every((f) => f === "source" || f === "bundle")) {
  console.error(`--form must be source, bundle or both, not "${formOption}"`);
  Deno.exit(2);
}

/** The tasks task i depends on, in `shape`. */
function dependencies(shape: Shape, i: number): number[] {
  if (shape === "chain") return i === 0 ? [] : [i - 1];
  const layer = Math.floor(i / width);
  if (layer === 0) return [];
  const prev = (layer - 1) * width;
  const col = i % width;
  return [prev + col, prev + ((col + 1) % width)];
}

/** Writes `<shape>.json` and `<shape>/Makefile` under `dir`. */
async function writeInputs(dir: string, shape: Shape): Promise<void> {
  const ids = Array.from({ length: tasks }, (_, i) => `t${i}`);
  const workflow = {
    name: `bench-${shape}`,
    tasks: ids.map((id, i) => {
      const deps = dependencies(shape, i);
      return {
        id,
        command: "true",
        ...(deps.length ? { depends_on: deps.map((d) => `t${d}`) } : {}),
      };
    }),
  };
  await Deno.writeTextFile(`${dir}/${shape}.json`, JSON.stringify(workflow));
  const makefile = [
    `all: ${ids.join(" ")}`,
    `.PHONY: all ${ids.join(" ")}`,
    ...ids.map((id, i) =>
      `${id}: ${dependencies(shape, i).map((d) => `t${d}`).join(" ")}\n\t@true`
    ),
  ].join("\n") + "\n";
  await Deno.mkdir(`${dir}/${shape}`, { recursive: true });
  await Deno.writeTextFile(`${dir}/${shape}/Makefile`, makefile);
}

const dir = keep ?? await Deno.makeTempDir({ prefix: "weft-bench-dag-" });
await Deno.mkdir(dir, { recursive: true });
const env = {
  ...Deno.env.toObject(),
  ...bundleEnv(dir),
  WEFT_HOME: `${dir}/home`,
  NO_COLOR: "1",
};
const bundle = forms.includes("bundle") ? await buildBundle(dir) : "";
const formArgs: Record<Form, string[]> = {
  source: ["run", "-A", mainTs],
  bundle: bundleArgs(bundle),
};

/** Wall and CPU time of one run; see {@link timeCommandCpu}. */
type Timing = { wall: number; cpu: number | null };

function weft(form: Form, shape: Shape): Promise<Timing> {
  const args = [...formArgs[form], "run", `${dir}/${shape}.json`];
  return timeCommandCpu(Deno.execPath(), [...args, "--max-parallel", String(jobs), "--quiet"], {
    env,
  });
}

type Spawner = "deno" | "ffi";
const spawners: Spawner[] = ["deno", "ffi"];
const spawnerName: Record<Spawner, string> = { deno: "Deno.Command", ffi: "weft's spawner" };

function floor(shape: Shape, spawner: Spawner): Promise<number> {
  return timeCommand(
    Deno.execPath(),
    ["run", "-A", floorTs, `${dir}/${shape}.json`, String(jobs), spawner],
    {
      env,
    },
  );
}

function make(shape: Shape): Promise<Timing> {
  return timeCommandCpu("make", [`-j${jobs}`, "-s", "-C", `${dir}/${shape}`], { env });
}

/** Median CPU time of `timings`, null when any lacks one (no /proc). */
function cpuMedian(timings: Timing[]): number | null {
  const cpu = timings.map((t) => t.cpu);
  return cpu.every((c) => c !== null) ? median(cpu as number[]) : null;
}

try {
  console.log(
    `load at start: ${loadAverage()} (1/5/15 min; ${navigator.hardwareConcurrency} cpus)`,
  );
  const ratios: string[] = [];
  for (const shape of shapes) {
    await writeInputs(dir, shape);
    // Warm-up: module cache, the bundle's parts, store creation, page cache.
    for (const form of forms) await weft(form, shape);
    for (const spawner of spawners) await floor(shape, spawner);
    await make(shape);
    const weftSamples = new Map<Form, Timing[]>(forms.map((f) => [f, []]));
    const floorSamples = new Map<Spawner, number[]>(spawners.map((s) => [s, []]));
    const makeTimings: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      for (const form of forms) weftSamples.get(form)!.push(await weft(form, shape));
      for (const spawner of spawners) floorSamples.get(spawner)!.push(await floor(shape, spawner));
      makeTimings.push(await make(shape));
    }
    const makeSamples = makeTimings.map((t) => t.wall);
    const m = median(makeSamples);
    const shapeText = shape === "dag" ? `width ${width}, 2 deps each` : "each on the previous";
    console.log(
      `${shape}: ${tasks} tasks (${shapeText}), -j${jobs}, median of ${runs} alternating`,
    );
    const list = (samples: number[]) => samples.map((s) => s.toFixed(0)).join(" ");
    const walls = (form: Form) => weftSamples.get(form)!.map((t) => t.wall);
    for (const form of forms) {
      const samples = walls(form);
      console.log(`  weft run (${form.padEnd(6)})  ${ms(median(samples))}   [${list(samples)}]`);
    }
    for (const spawner of spawners) {
      const samples = floorSamples.get(spawner)!;
      console.log(`  floor (${spawnerName[spawner]})  ${ms(median(samples))}   [${list(samples)}]`);
    }
    console.log(`  make -j${jobs}             ${ms(m)}   [${list(makeSamples)}]`);
    for (const form of forms) {
      const ratio = (median(walls(form)) / m).toFixed(2);
      console.log(`  ratio weft (${form})/make = ${ratio}x (target <= 1.5x)`);
      ratios.push(`${shape} ${form} ${ratio}x`);
    }
    // CPU time (user + system, children included) counts work, not waiting: a second view
    // of weft's own work beside the wall time, the target.
    const makeCpu = cpuMedian(makeTimings);
    for (const form of forms) {
      const weftCpu = cpuMedian(weftSamples.get(form)!);
      if (weftCpu === null || makeCpu === null) continue;
      console.log(
        `  cpu weft (${form}) ${ms(weftCpu)}, make ${ms(makeCpu)}: ` +
          `${(weftCpu / makeCpu).toFixed(2)}x (user + system, children included; not the target)`,
      );
    }
    for (const spawner of spawners) {
      const ratio = (median(floorSamples.get(spawner)!) / m).toFixed(2);
      console.log(`  ratio floor (${spawnerName[spawner]})/make = ${ratio}x (and nothing else)`);
      ratios.push(`${shape} floor-${spawner} ${ratio}x`);
    }
  }
  console.log(`load at end:   ${loadAverage()}`);
  console.log(`summary: ${ratios.join(", ")}`);
} finally {
  if (!keep) await Deno.remove(dir, { recursive: true });
}
