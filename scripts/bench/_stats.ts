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
  return (await timeCommandCpu(cmd, args, options)).wall;
}

/**
 * Runs a command to completion; returns its wall time and the CPU time (user + system,
 * ms) it and every process it waited for used, or null where /proc is absent. Throws on
 * failure. CPU time counts work, not waiting: a second view beside the wall time, which
 * also moves with how long the machine makes the command wait (a busy machine inflates
 * both). It is what this process's children used meanwhile: run one command at a time,
 * or it counts the others too.
 */
export async function timeCommandCpu(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ wall: number; cpu: number | null }> {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const result = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const wall = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  if (!result.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${result.code}: ${
        new TextDecoder().decode(result.stderr).slice(-2000)
      }`,
    );
  }
  const cpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return { wall, cpu };
}

/** Clock ticks per second of /proc's times: USER_HZ, 100 on Linux whatever the kernel's HZ. */
const USER_HZ = 100;

/**
 * The CPU time (user + system, ms, in steps of 10 ms) of this process's children that it
 * has waited for, grandchildren they waited for included: cutime + cstime, fields 16 and
 * 17 of /proc/self/stat (proc(5)); null where that cannot be read.
 */
export function childrenCpuMs(): number | null {
  try {
    return childrenCpuOf(Deno.readTextFileSync("/proc/self/stat"));
  } catch {
    return null;
  }
}

/** cutime + cstime of a /proc/<pid>/stat line, in ms; null when it is not one. */
export function childrenCpuOf(stat: string): number | null {
  // The command name (field 2) is in parentheses and may hold spaces or ")": split after
  // the last ")". Field 3 is then the first of the rest.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cutime = Number(rest[16 - 3]);
  const cstime = Number(rest[17 - 3]);
  if (!Number.isInteger(cutime) || !Number.isInteger(cstime)) return null;
  return (cutime + cstime) * 1000 / USER_HZ;
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
