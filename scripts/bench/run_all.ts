/**
 * Runs every benchmark in turn and prints their figures (`deno task bench`). Modest
 * sizes by default so it finishes in a few minutes; `--full` uses the sizes the issues
 * name (the history benchmark then seeds 100,000 runs, which takes several minutes).
 * Benchmarks print figures against their targets; they never fail on a missed target.
 *
 *   deno run -A scripts/bench/run_all.ts [--full]
 * @module
 */
import { flag, loadAverage } from "./_stats.ts";

const full = flag("full");

/** Each benchmark script and its arguments (modest, or full with --full). */
const BENCHMARKS: Array<{ script: string; modest: string[]; full: string[] }> = [
  { script: "dag_vs_make.ts", modest: ["--runs", "5"], full: ["--runs", "5"] },
  { script: "busy_neighbour.ts", modest: ["--runs", "3"], full: ["--runs", "5"] },
  { script: "startup.ts", modest: ["--runs", "10"], full: ["--runs", "20"] },
  { script: "engine_100k.ts", modest: ["--runs", "1"], full: ["--runs", "3"] },
  { script: "memory_output.ts", modest: ["--mb", "200"], full: ["--mb", "200", "--runs", "3"] },
  {
    script: "history_100k.ts",
    modest: ["--runs", "10000", "--samples", "5"],
    full: ["--runs", "100000", "--samples", "10"],
  },
  { script: "fire_lag.ts", modest: ["--fires", "20"], full: ["--fires", "200"] },
  { script: "webhook_lag.ts", modest: ["--duration", "10"], full: ["--duration", "60"] },
];

let failures = 0;
for (const bench of BENCHMARKS) {
  const args = full ? bench.full : bench.modest;
  const path = new URL(bench.script, import.meta.url).pathname;
  console.log(`\n== ${bench.script} ${args.join(" ")}`);
  const started = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...args],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    failures++;
    console.log(`== ${bench.script} exited ${code} after ${seconds} s`);
  } else {
    console.log(`== ${bench.script} done in ${seconds} s`);
  }
}
// The figures depend on what else the machine does; say how busy it was.
console.log(`\nload average: ${loadAverage()} (on ${navigator.hardwareConcurrency} CPUs)`);
Deno.exit(failures ? 1 : 0);
