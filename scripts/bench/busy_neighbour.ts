/**
 * Benchmark of the machine, not of weft: how much a second CPU kept busy slows a chain of
 * process starts. `make -j8` runs a chain of `tasks` `true` commands (each after the one
 * before: one child at a time, the other CPUs idle) alone, then beside a busy loop run at
 * the lowest priority (`nice -n 19 sh -c 'while :; do :; done'`), alternating, median of
 * `runs`. The loop takes no CPU time a child would want (nice 19 yields to it, and the
 * chain leaves a CPU free), so where CPUs are independent the two medians are close; on a
 * virtual machine whose CPUs share a physical core, or that the host slows when all its CPUs
 * are busy, the second is longer.
 *
 * Why it is here: weft's ratio to `make` in dag_vs_make.ts depends on it. Anything weft
 * does while a task's process starts and runs (its bookkeeping, its store's writes) runs
 * beside that process; on a machine where a busy neighbour slows a process start, that
 * work costs the chain time even though it runs on another CPU.
 *
 *   deno run -A scripts/bench/busy_neighbour.ts [--tasks 1000] [--runs 5]
 * @module
 */
import { loadAverage, median, ms, option, timeCommand } from "./_stats.ts";

const tasks = option("tasks", 1000);
const runs = Math.max(1, option("runs", 5));

const dir = await Deno.makeTempDir({ prefix: "weft-bench-busy-" });
const ids = Array.from({ length: tasks }, (_, i) => `t${i}`);
await Deno.writeTextFile(
  `${dir}/Makefile`,
  [
    `all: ${ids.at(-1)}`,
    `.PHONY: all ${ids.join(" ")}`,
    ...ids.map((id, i) => `${id}: ${i > 0 ? ids[i - 1] : ""}\n\t@true`),
  ].join("\n") + "\n",
);

const make = () => timeCommand("make", ["-j8", "-s", "-C", dir]);

/** Runs `make` with a lowest-priority busy loop beside it; the loop is ended after. */
async function makeBesideLoop(): Promise<number> {
  const loop = new Deno.Command("nice", {
    args: ["-n", "19", "sh", "-c", "while :; do :; done"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    return await make();
  } finally {
    loop.kill("SIGKILL");
    await loop.status;
  }
}

try {
  console.log(
    `load at start: ${loadAverage()} (1/5/15 min; ${navigator.hardwareConcurrency} cpus)`,
  );
  await make(); // warm-up: page cache
  const alone: number[] = [];
  const beside: number[] = [];
  for (let i = 0; i < runs; i++) {
    alone.push(await make());
    beside.push(await makeBesideLoop());
  }
  const list = (samples: number[]) => samples.map((s) => s.toFixed(0)).join(" ");
  console.log(`chain of ${tasks} \`true\` by make -j8, median of ${runs} alternating`);
  console.log(`  alone                     ${ms(median(alone))}   [${list(alone)}]`);
  console.log(`  beside a nice-19 loop     ${ms(median(beside))}   [${list(beside)}]`);
  console.log(
    `  slowdown = ${
      (median(beside) / median(alone)).toFixed(2)
    }x (near 1.00x where CPUs are independent)`,
  );
  console.log(`load at end:   ${loadAverage()}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
