/**
 * Start-up cost (issue 12 §3): the median of N runs (default 20) of `weft --version`,
 * `weft validate` of a small YAML file and of a small JSON file, and `weft history --limit 10`,
 * from source (`deno run -A main.ts`, deno.json as config) and from the bundle (`deno task bundle`,
 * built here into a temporary folder), each as a ratio to `deno run` of an empty file
 * measured in the same rounds. Rounds interleave the commands so that load on the
 * machine weighs on all of them alike.
 *
 * Targets: `--version` <= 1.3x, `validate` and `history` <= 2.5x, from the bundle too.
 * Prints figures against the targets; never fails on a missed target.
 *
 *   deno run -A scripts/bench/startup.ts [--runs 20]
 * @module
 */
import { loadAverage, median, ms, option, timeCommand } from "./_stats.ts";

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
  const bundle = `${dir}/weft.js`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/build.ts`, "--bundle", "--output", bundle],
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!built.success) throw new Error("bench: building the bundle failed");

  const env = {
    ...Deno.env.toObject(),
    WEFT_HOME: `${dir}/home`,
    XDG_CACHE_HOME: `${dir}/cache`, // where the bundle writes out its parts
    NO_COLOR: "1",
  };
  const deno = Deno.execPath();
  const source = ["run", "-A", "--config", `${root}deno.json`, `${root}main.ts`];
  const bundled = ["run", "-A", "--unstable-kv", "--no-config", bundle];
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
  ];
  for (const [name, args, target] of verbs) {
    cases.push({ name: `source  ${name}`, args: [...source, ...args], target });
    cases.push({ name: `bundle  ${name}`, args: [...bundled, ...args], target });
  }
  const samples = cases.map(() => [] as number[]);
  for (let round = -1; round < runs; round++) {
    for (const [i, c] of cases.entries()) {
      const t = await timeCommand(deno, c.args, { env, cwd: dir });
      if (round >= 0) samples[i].push(t); // round -1 warms the caches
    }
  }
  const base = median(samples[0]);
  console.log(`startup: median of ${runs} runs, load ${loadAverage()}`);
  for (const [i, c] of cases.entries()) {
    const m = median(samples[i]);
    const ratio = m / base;
    const verdict = i === 0
      ? ""
      : ratio <= c.target
      ? `ok (<= ${c.target}x)`
      : `MISSED (${c.target}x)`;
    console.log(`  ${c.name.padEnd(28)} ${ms(m).padStart(9)}  ${ratio.toFixed(2)}x  ${verdict}`);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
