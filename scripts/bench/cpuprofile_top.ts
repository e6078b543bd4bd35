/**
 * Summarises V8 CPU profiles (`deno run --cpu-prof --cpu-prof-dir=D ...`): the main
 * thread's self time by function and by script, largest first, in ms. Used for the
 * before/after profiles of issue 8 §5:
 *
 *   deno run -A scripts/bench/dag_vs_make.ts --runs 1 --keep /tmp/dag
 *   deno run -A --cpu-prof --cpu-prof-interval 100 --cpu-prof-dir=/tmp/prof \
 *     main.ts run -q --max-parallel 8 /tmp/dag/dag.json
 *   deno run -A scripts/bench/cpuprofile_top.ts /tmp/prof/*.cpuprofile [--top 15]
 *
 * A profile's format is Chrome DevTools' `Profile` (nodes, samples, timeDeltas in µs).
 * @module
 */
import { option } from "./_stats.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const top = option("top", 15);
const files = Deno.args.filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--top");
if (files.length === 0) {
  console.error("usage: cpuprofile_top.ts FILE.cpuprofile... [--top N]");
  Deno.exit(2);
}

for (const file of files) {
  const profile = JSON.parse(await Deno.readTextFile(file)) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byScript = new Map<string, number>();
  for (const [i, id] of profile.samples.entries()) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    const us = profile.timeDeltas[i] ?? 0;
    const script = frame.url.replace(/.*\//, "") || "(native)";
    const name = `${frame.functionName || "(anonymous)"} ${script}:${frame.lineNumber}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byScript.set(script, (byScript.get(script) ?? 0) + us);
  }
  const span = (profile.endTime - profile.startTime) / 1000;
  console.log(`${file}: ${span.toFixed(1)} ms from first to last sample`);
  for (const [title, table] of [["by function", byFunction], ["by script", byScript]] as const) {
    console.log(`  ${title}:`);
    for (const [name, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${(us / 1000).toFixed(1).padStart(8)}  ${name}`);
    }
  }
}
