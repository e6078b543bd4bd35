/**
 * Benchmark: weft's peak memory while a task prints a lot. Runs `weft run --quiet` on
 * a workflow whose task prints nothing, then on workflows whose task prints `--mb`
 * megabytes (default 200) as short lines and as long lines, with and without a secret
 * to mask, and prints each peak RSS
 * of the weft process (`/usr/bin/time -f %M`, kilobytes) and its rise over the quiet
 * run. Target (issue 7 §2): the rise stays under about 32 MiB whatever the task prints.
 * Prints figures only; it never fails on a missed target.
 *
 *   deno run -A scripts/bench/memory_output.ts [--mb 200] [--runs 1]
 * @module
 */
import { loadAverage, median, mib, option } from "./_stats.ts";

const megabytes = option("mb", 200);
const runs = Math.max(1, option("runs", 1));
const mainTs = new URL("../../main.ts", import.meta.url).pathname;
const TIME = "/usr/bin/time";
const TARGET_RISE = 32 * 1024 * 1024;

try {
  Deno.statSync(TIME);
} catch {
  console.error(`${TIME} not found: install GNU time (package "time") to measure peak RSS`);
  Deno.exit(2);
}

const bytes = megabytes * 1000 * 1000;
const SHORT = `yes '${"x".repeat(99)}' | head -c ${bytes}`;
const LONG = `head -c ${bytes} /dev/zero | tr '\\0' y | fold -w 1000000`;
/** A secret makes every line go through masking (decoded to text, masked, re-encoded). */
const SECRET = { BENCH_TOKEN: "not-in-the-output-1234" };
/** Workflow name → the command its one task runs, and the workflow's environment. */
const WORKFLOWS: Record<string, { command: string; environment?: Record<string, string> }> = {
  quiet: { command: "true" },
  // 100-byte lines: two million output events for 200 MB.
  "short lines": { command: SHORT },
  // 1 MB lines, each longer than what weft keeps of one line in memory.
  "long lines": { command: LONG },
  "short, masked": { command: SHORT, environment: SECRET },
  "long, masked": { command: LONG, environment: SECRET },
};

const dir = await Deno.makeTempDir({ prefix: "weft-bench-memory-" });
const env = { ...Deno.env.toObject(), WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };

/** Runs one workflow under /usr/bin/time; returns weft's peak RSS in bytes. */
async function peakRss(name: string, workflow: (typeof WORKFLOWS)[string]): Promise<number> {
  const file = `${dir}/${name.replace(/[ ,]+/g, "-")}.json`;
  const { command, environment = {} } = workflow;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ name: "memory", environment, tasks: [{ id: "t", command }] }),
  );
  const report = `${dir}/time.txt`;
  const result = await new Deno.Command(TIME, {
    args: ["-f", "%M", "-o", report, Deno.execPath(), "run", "-A", mainTs, "run", file, "--quiet"],
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!result.success) {
    const stderr = new TextDecoder().decode(result.stderr).slice(-2000);
    throw new Error(`weft run (${name}) exited ${result.code}: ${stderr}`);
  }
  // GNU time reports the largest RSS among the waited-for processes: weft's own Deno.
  return Number((await Deno.readTextFile(report)).trim().split("\n").pop()) * 1024;
}

try {
  console.log(`load average at start: ${loadAverage()}`);
  const peaks: Record<string, number> = {};
  for (const [name, workflow] of Object.entries(WORKFLOWS)) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await peakRss(name, workflow));
    peaks[name] = median(samples);
  }
  const quiet = peaks.quiet;
  console.log(`peak RSS, quiet task:             ${mib(quiet)}`);
  for (const name of Object.keys(WORKFLOWS).filter((n) => n !== "quiet")) {
    const rise = peaks[name] - quiet;
    const verdict = rise <= TARGET_RISE ? "within" : "OVER";
    console.log(
      `peak RSS, ${megabytes} MB as ${name}:`.padEnd(34) +
        ` ${mib(peaks[name])}  rise ${mib(rise)} (${verdict} the ${mib(TARGET_RISE)} target)`,
    );
  }
  console.log(`load average at end: ${loadAverage()}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
