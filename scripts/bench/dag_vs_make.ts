/**
 * Benchmark: a layered DAG of `true` tasks run by `weft run --max-parallel J` and, in the
 * same script, by `make -jJ` on an equivalent Makefile. Prints both medians and the ratio.
 *
 *   deno run -A scripts/bench/dag_vs_make.ts [--tasks 1000] [--width 50] [--jobs 8] [--runs 5]
 * @module
 */
import { median, ms, option, sample, timeCommand } from "./_stats.ts";

const tasks = option("tasks", 1000);
const width = option("width", 50);
const jobs = option("jobs", 8);
const runs = option("runs", 5);
const mainTs = new URL("../../main.ts", import.meta.url).pathname;

/** Task i depends on two tasks of the previous layer. */
function dependencies(i: number): number[] {
  const layer = Math.floor(i / width);
  if (layer === 0) return [];
  const prev = (layer - 1) * width;
  const col = i % width;
  return [prev + col, prev + ((col + 1) % width)];
}

const dir = await Deno.makeTempDir({ prefix: "weft-bench-dag-" });
const workflow = {
  name: "bench-dag",
  tasks: Array.from({ length: tasks }, (_, i) => ({
    id: `t${i}`,
    command: "true",
    ...(dependencies(i).length ? { depends_on: dependencies(i).map((d) => `t${d}`) } : {}),
  })),
};
await Deno.writeTextFile(`${dir}/dag.json`, JSON.stringify(workflow));
const makefile = [
  `all: ${Array.from({ length: tasks }, (_, i) => `t${i}`).join(" ")}`,
  ".PHONY: all " + Array.from({ length: tasks }, (_, i) => `t${i}`).join(" "),
  ...Array.from(
    { length: tasks },
    (_, i) => `t${i}: ${dependencies(i).map((d) => `t${d}`).join(" ")}\n\t@true`,
  ),
].join("\n") + "\n";
await Deno.writeTextFile(`${dir}/Makefile`, makefile);

try {
  const env = { ...Deno.env.toObject(), WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const weftSamples = await sample(runs, () =>
    timeCommand(Deno.execPath(), [
      "run",
      "-A",
      mainTs,
      "run",
      `${dir}/dag.json`,
      "--max-parallel",
      String(jobs),
      "--quiet",
    ], { env }));
  const makeSamples = await sample(
    runs,
    () => timeCommand("make", [`-j${jobs}`, "-s", "-C", dir], { env }),
  );

  const weft = median(weftSamples);
  const make = median(makeSamples);
  console.log(`DAG: ${tasks} tasks, width ${width}, -j${jobs}, median of ${runs}`);
  console.log(`  weft run   ${ms(weft)}`);
  console.log(`  make -j${jobs}  ${ms(make)}`);
  console.log(`  ratio weft/make = ${(weft / make).toFixed(2)}x (target <= 1.5x)`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
