/**
 * Benchmark: 1,000 `true` tasks run by `weft run --max-parallel J` and, in the same script,
 * by `make -jJ` on an equivalent Makefile, in two shapes:
 * - `dag`: layers of `width` tasks, each depending on two tasks of the previous layer;
 * - `chain`: each task depending on the one before it (no parallelism at all).
 *
 * Runs alternate (weft, make, weft, make, ...) after one warm-up of each, so a change of
 * machine load hits both sides alike. Prints every sample, the medians, the ratio, and the
 * load averages (/proc/loadavg) at start and end: the figures mean little on a busy machine.
 *
 *   deno run -A scripts/bench/dag_vs_make.ts [--tasks 1000] [--width 50] [--jobs 8] [--runs 5]
 *     [--shape dag|chain|both] [--keep DIR]   (--keep writes the inputs to DIR and keeps them)
 * @module
 */
import { loadAverage, median, ms, option, textOption, timeCommand } from "./_stats.ts";

const tasks = option("tasks", 1000);
const width = option("width", 50);
const jobs = option("jobs", 8);
const runs = Math.max(1, option("runs", 5));
const shapeOption = textOption("shape") ?? "both";
const keep = textOption("keep");
const mainTs = new URL("../../main.ts", import.meta.url).pathname;

type Shape = "dag" | "chain";
const shapes: Shape[] = shapeOption === "both" ? ["dag", "chain"] : [shapeOption as Shape];
if (!shapes.every((s) => s === "dag" || s === "chain")) {
  console.error(`--shape must be dag, chain or both, not "${shapeOption}"`);
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
const env = { ...Deno.env.toObject(), WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };

function weft(shape: Shape): Promise<number> {
  const args = ["run", "-A", mainTs, "run", `${dir}/${shape}.json`];
  return timeCommand(Deno.execPath(), [...args, "--max-parallel", String(jobs), "--quiet"], {
    env,
  });
}

function make(shape: Shape): Promise<number> {
  return timeCommand("make", [`-j${jobs}`, "-s", "-C", `${dir}/${shape}`], { env });
}

try {
  console.log(
    `load at start: ${loadAverage()} (1/5/15 min; ${navigator.hardwareConcurrency} cpus)`,
  );
  const ratios: string[] = [];
  for (const shape of shapes) {
    await writeInputs(dir, shape);
    await weft(shape); // warm-up: module cache, store creation, page cache
    await make(shape);
    const weftSamples: number[] = [];
    const makeSamples: number[] = [];
    for (let i = 0; i < runs; i++) {
      weftSamples.push(await weft(shape));
      makeSamples.push(await make(shape));
    }
    const w = median(weftSamples);
    const m = median(makeSamples);
    const shapeText = shape === "dag" ? `width ${width}, 2 deps each` : "each on the previous";
    console.log(
      `${shape}: ${tasks} tasks (${shapeText}), -j${jobs}, median of ${runs} alternating`,
    );
    console.log(`  weft run  ${ms(w)}   [${weftSamples.map((s) => s.toFixed(0)).join(" ")}]`);
    console.log(
      `  make -j${jobs}   ${ms(m)}   [${makeSamples.map((s) => s.toFixed(0)).join(" ")}]`,
    );
    console.log(`  ratio weft/make = ${(w / m).toFixed(2)}x (target <= 1.5x)`);
    ratios.push(`${shape} ${(w / m).toFixed(2)}x`);
  }
  console.log(`load at end:   ${loadAverage()}`);
  console.log(`summary: ${ratios.join(", ")}`);
} finally {
  if (!keep) await Deno.remove(dir, { recursive: true });
}
