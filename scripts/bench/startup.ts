/**
 * Start-up cost (issue 12 §3): the median of N runs (default 20) of `weft --version`,
 * `weft validate` of a small YAML file and of a small JSON file, `weft history --limit 10`
 * and `weft run` of a one-task JSON workflow (its fixed cost, issue 8 §5; no target),
 * from source (`deno run -A main.ts`, deno.json as config) and from the bundle (`deno task bundle`,
 * built here into a temporary folder), each as a ratio to `deno run` of an empty file
 * measured in the same rounds. Rounds interleave the commands so that load on the
 * machine weighs on all of them alike.
 *
 * Targets: `--version` <= 1.3x, `validate` and `history` <= 2.5x, from the bundle too.
 * Prints figures against the targets; never fails on a missed target. Next to each median
 * wall time it prints the mean CPU time (user + system) of the runs where /proc gives it
 * (Linux), which other load on the machine disturbs less.
 *
 *   deno run -A scripts/bench/startup.ts [--runs 20]
 * @module
 */
import { loadAverage, median, ms, option, timeCommand } from "./_stats.ts";
import { buildBundle, bundleArgs, bundleEnv } from "./_bundle.ts";

const runs = option("runs", 20);
const root = new URL("../../", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "weft-bench-startup-" });
try {
  const empty = `${dir}/empty.ts`;
  await Deno.writeTextFile(empty, "");
  const workflow = `${dir}/hello.yml`;
  await Deno.copyFile(`${root}examples/hello.yml`, workflow);
  // A .json workflow takes validate's quick path, without the YAML parser.
  const jsonWorkflow = `${dir}/deploy.json`;
  await Deno.copyFile(`${root}examples/deploy/deployment-workflow.json`, jsonWorkflow);
  const oneTask = `${dir}/one.json`;
  await Deno.writeTextFile(
    oneTask,
    JSON.stringify({ name: "one", tasks: [{ id: "a", command: "true" }] }),
  );
  const bundle = await buildBundle(dir);

  const env = {
    ...Deno.env.toObject(),
    WEFT_HOME: `${dir}/home`,
    ...bundleEnv(dir),
    NO_COLOR: "1",
  };
  const deno = Deno.execPath();
  const source = ["run", "-A", "--config", `${root}deno.json`, `${root}main.ts`];
  const bundled = bundleArgs(bundle);
  // Some history to list.
  for (let i = 0; i < 3; i++) {
    await timeCommand(deno, [...source, "run", workflow], { env, cwd: dir });
  }

  const cases: Array<{ name: string; args: string[]; target: number }> = [
    { name: "empty file", args: ["run", "-A", "--unstable-kv", "--no-config", empty], target: 1 },
  ];
  const verbs: Array<[string, string[], number]> = [
    ["--version", ["--version"], 1.3],
    ["validate", ["validate", workflow], 2.5],
    ["validate (.json)", ["validate", jsonWorkflow], 2.5],
    ["history --limit 10", ["history", "--limit", "10"], 2.5],
    ["run (1 task)", ["run", oneTask], Infinity],
  ];
  for (const [name, args, target] of verbs) {
    cases.push({ name: `source  ${name}`, args: [...source, ...args], target });
    cases.push({ name: `bundle  ${name}`, args: [...bundled, ...args], target });
  }
  const samples = cases.map(() => [] as number[]);
  const cpu = cases.map(() => 0);
  for (let round = -1; round < runs; round++) {
    for (const [i, c] of cases.entries()) {
      const before = childCpuMs();
      const t = await timeCommand(deno, c.args, { env, cwd: dir });
      if (round < 0) continue; // round -1 warms the caches
      samples[i].push(t);
      cpu[i] += childCpuMs() - before;
    }
  }
  const base = median(samples[0]);
  console.log(`startup: median of ${runs} runs, load ${loadAverage()}`);
  for (const [i, c] of cases.entries()) {
    const m = median(samples[i]);
    const ratio = m / base;
    const verdict = i === 0 || c.target === Infinity
      ? ""
      : ratio <= c.target
      ? `ok (<= ${c.target}x)`
      : `MISSED (${c.target}x)`;
    const cpuText = Number.isNaN(cpu[i]) ? "" : `cpu ${ms(cpu[i] / runs).padStart(9)}  `;
    console.log(
      `  ${c.name.padEnd(28)} ${ms(m).padStart(9)}  ${ratio.toFixed(2)}x  ${cpuText}${verdict}`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

/**
 * User + system CPU time of this process's waited-for children so far, in ms
 * (`cutime` + `cstime` of /proc/self/stat, proc(5), in clock ticks of 10 ms), or NaN
 * where /proc is missing. Summed over the runs of a case, the 10 ms ticks average out.
 */
function childCpuMs(): number {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    // Fields after the command name, which ends with the last ")"; field 3 comes first.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) * 10;
  } catch {
    return NaN;
  }
}
