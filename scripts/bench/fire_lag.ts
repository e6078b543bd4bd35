/**
 * Fire lag: from a schedule's logical fire time to its run's first task starting, over
 * `--fires N` fires (default 200) of a seconds-field schedule (`* * * * * *`) fired by
 * a real `weft daemon`. The task start is the one recorded in history. Prints p50, p95
 * and the worst; issue 10 asks that a fire starts its run within one second.
 *
 *   deno run -A scripts/bench/fire_lag.ts [--fires 200]
 * @module
 */
import { loadAverage, ms, option } from "./_stats.ts";
import { percentile, runStarts, startBenchDaemon } from "./_daemon.ts";

const fires = option("fires", 200);
const dir = Deno.makeTempDirSync({ prefix: "weft-fire-lag-" });
try {
  Deno.mkdirSync(`${dir}/flows`);
  Deno.writeTextFileSync(
    `${dir}/flows/tick.yml`,
    `name: tick
trigger:
  type: schedule
  config:
    schedule: "* * * * * *"
    overlap: allow
tasks:
  - id: first
    type: shell
    command: "true"
`,
  );
  const daemon = startBenchDaemon(["--dir", `${dir}/flows`], `${dir}/home`);
  console.log(`fire lag: ${fires} fires of "* * * * * *" (about ${fires} s)…`);
  await daemon.until(/ended /, fires);
  const code = await daemon.stop();
  if (code !== 0) throw new Error(`the daemon exited ${code}:\n${daemon.lines.join("\n")}`);
  const runs = await runStarts(`${dir}/home`, "tick");
  const lags = runs.filter((r) => r.scheduledFor)
    .map((r) => r.firstTaskAt - Date.parse(r.scheduledFor!));
  console.log(
    `fire → first task started over ${lags.length} fires: p50 ${ms(percentile(lags, 50))}, ` +
      `p95 ${ms(percentile(lags, 95))}, max ${ms(Math.max(...lags))}; ` +
      `${lags.filter((l) => l >= 1000).length} over 1 s (target: none); load ${loadAverage()}`,
  );
} finally {
  Deno.removeSync(dir, { recursive: true });
}
