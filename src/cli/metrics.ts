/**
 * `weft metrics`: the health report — runs, success rate and mean/p50/p95 durations
 * per workflow and per task, from the run records (log files are never read).
 * @module
 */
import { ExitCode } from "../model/errors.ts";
import type { HealthStats, MetricsReport } from "../store/metrics.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import {
  duration,
  localTime,
  parseSince,
  sayNoRuns,
  table,
  withHistory,
} from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { type CliIO, out, outJson } from "./io.ts";
import { measuredText } from "./render/width.ts";
import { oneLine } from "../safe_text.ts";

interface MetricsOptions {
  workflow?: string;
  since?: string;
  json?: boolean;
  home?: string;
}

/** The `metrics` verb. */
export const metricsVerb: VerbDef = {
  name: "metrics",
  summary: "health report: success rate and durations per workflow and task",
  options: [
    { long: "workflow", short: "w", value: "name", description: "only this workflow" },
    {
      long: "since",
      value: "when",
      description: "only runs started since: a duration (24h, 7d) or a date (default: all)",
    },
    { long: "json", description: "print the report as JSON on stdout" },
    HOME_OPTION,
  ],
  examples: `
Failures count failed, timed-out, cancelled and interrupted runs; running runs are
listed apart. Durations are of finished runs. Rates are percentages.

Examples:
  weft metrics --since 7d
  weft metrics --workflow deploy --json | jq .workflows[0].successRate`,
  run: (_args, options, io) => showMetrics(io, typed<MetricsOptions>(options)),
};

async function showMetrics(io: CliIO, options: MetricsOptions): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const runs = await withHistory(
    io,
    options.home,
    (store) => store.runsForMetrics({ since, workflow: options.workflow }),
  );
  const { computeMetrics } = await import("../store/metrics.ts");
  const report = computeMetrics(runs, since ?? null);
  if (options.json) await outJson(io, report);
  else await out(io, await measuredText(() => humanReport(report)));
  if (report.workflows.length === 0) {
    const filtered = options.since !== undefined || options.workflow !== undefined;
    await sayNoRuns(io, homeFor(io, options.home), filtered);
  }
  return ExitCode.Ok;
}

function statRow(name: string, s: HealthStats, extra: string[] = []): string[] {
  return [
    name,
    String(s.runs),
    String(s.successes),
    String(s.failures),
    ...extra,
    s.successRateText,
    duration(s.meanDurationMs),
    duration(s.p50DurationMs),
    duration(s.p95DurationMs),
  ];
}

/** The report for people (its header alone when there are no runs). */
function humanReport(report: MetricsReport): string {
  const window = report.since ? `since ${localTime(report.since)}` : "all history";
  const o = report.overall;
  let text = `Health report (${window}): ${o.runs} finished run${o.runs === 1 ? "" : "s"}, ` +
    `success rate ${o.successRateText}, mean ${duration(o.meanDurationMs)}` +
    (o.running ? `, ${o.running} running` : "") + "\n";
  if (report.workflows.length === 0) return text;
  const head = ["WORKFLOW", "RUNS", "OK", "FAILED", "RATE", "MEAN", "P50", "P95"];
  text += "\n" + table([head, ...report.workflows.map((w) => statRow(w.workflow, w))]);
  for (const w of report.workflows) {
    if (w.tasks.length === 0) continue;
    const taskHead = ["  TASK", "RUNS", "OK", "FAILED", "SKIPPED", "RATE", "MEAN", "P50", "P95"];
    const rows = w.tasks.map((t) => statRow(`  ${t.id}`, t, [String(t.skipped)]));
    // A name is free text: a line break in it must not split the section's title.
    text += `\n${oneLine(w.workflow)}:\n` + table([taskHead, ...rows]);
  }
  return text;
}
