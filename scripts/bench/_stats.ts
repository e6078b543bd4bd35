/**
 * Small helpers shared by the benchmark scripts: timing commands and summarising.
 * @module
 */

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a command to completion and returns its wall time in milliseconds; throws on failure. */
export async function timeCommand(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<number> {
  const start = performance.now();
  const result = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - start;
  if (!result.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${result.code}: ${
        new TextDecoder().decode(result.stderr).slice(-2000)
      }`,
    );
  }
  return elapsed;
}

/** Times `runs` executions after one warm-up; returns every sample. */
export async function sample(runs: number, once: () => Promise<number>): Promise<number[]> {
  await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  return samples;
}

/** Reads a `--name value` option from argv. */
export function option(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** Formats milliseconds with one decimal. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Reads a `--name value` option from argv as text, or undefined when absent. */
export function textOption(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

/** Whether a bare `--name` flag is present in argv. */
export function flag(name: string): boolean {
  return Deno.args.includes(`--${name}`);
}

/** Formats bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The 1/5/15-minute load averages ("" where /proc is absent): figures depend on them. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "";
  }
}

/** A deterministic 32-bit PRNG (mulberry32): the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
