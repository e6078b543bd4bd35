/**
 * What the daemon benchmarks share: a real `weft daemon` in a subprocess on a fresh
 * WEFT_HOME, waiting on its stderr lines, and reading each run's first task start
 * from the store afterwards.
 * @module
 */
import { openStore } from "../../src/store/open.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** A running daemon with its stderr lines. */
export interface BenchDaemon {
  home: string;
  lines: string[];
  /** Resolves once `count(pattern) >= n`. */
  until(pattern: RegExp, n: number): Promise<void>;
  stop(): Promise<number>;
}

/** Starts `weft daemon ARGS` on a fresh WEFT_HOME. */
export function startBenchDaemon(args: string[], home: string): BenchDaemon {
  const env = Deno.env.toObject();
  for (const k of Object.keys(env)) if (k.startsWith("WEFT_")) delete env[k];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", CONFIG, MAIN, "daemon", ...args],
    env: { ...env, WEFT_HOME: home },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let wake = () => {};
  (async () => {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
      wake();
    }
    wake();
  })();
  return {
    home,
    lines,
    async until(pattern, n) {
      while (lines.filter((l) => pattern.test(l)).length < n) {
        await new Promise<void>((resolve) => wake = resolve);
      }
    },
    async stop() {
      child.kill("SIGTERM");
      return (await child.status).code;
    },
  };
}

/** Per run of `workflow`: its id, its trigger, and when its first task started (ms). */
export async function runStarts(
  home: string,
  workflow: string,
): Promise<Array<{ id: string; scheduledFor?: string; firstTaskAt: number }>> {
  const store = await openStore(home, { readOnly: true, recover: false });
  try {
    const out = [];
    for (const run of await store.listRuns({ workflow, limit: 100_000 })) {
      const details = await store.getRun(run.id);
      const starts = details.tasks.map((t) => t.startedAt).filter((s): s is string => !!s);
      if (starts.length === 0) continue;
      out.push({
        id: run.id,
        scheduledFor: (run as { trigger?: { scheduledFor?: string } }).trigger?.scheduledFor,
        firstTaskAt: Math.min(...starts.map((s) => Date.parse(s))),
      });
    }
    return out;
  } finally {
    store.close();
  }
}

/** The p-th percentile (0–100) of a non-empty list, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
