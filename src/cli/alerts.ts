/**
 * `weft alerts [FILE]`: the alert rules weft has evaluated, each with its state
 * (`firing` while its condition holds, else `ok`), how many times it fired and when it
 * last did. With a workflow file, its rules are listed too, those never evaluated as
 * `never run`. `--json` prints the list for scripts.
 * @module
 */
import { ExitCode } from "../model/errors.ts";
import type { AlertState } from "../notify/alerts.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { holdsNoRuns, localTime, sayNoRuns, table, withHistory } from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { type CliIO, out, outJson } from "./io.ts";
import { measuredText } from "./render/width.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";

interface AlertsOptions {
  workflow?: string;
  json?: boolean;
  home?: string;
}

/** One listed rule: its stored state, or for a rule of FILE never evaluated, its definition. */
export type AlertRow =
  & Pick<AlertState, "workflow" | "rule" | "condition" | "channels">
  & Partial<AlertState>
  & { state: "firing" | "ok" | "never run" };

/** The `alerts` verb. */
export const alertsVerb: VerbDef = {
  name: "alerts",
  summary: "list alert rules with their state and last fire",
  arguments: [{
    name: "file",
    description: "a workflow file: list its rules, also those never evaluated",
  }],
  options: [
    { long: "workflow", short: "w", value: "name", description: "only this workflow's rules" },
    { long: "json", description: "print the list as JSON on stdout" },
    HOME_OPTION,
  ],
  examples: `
Rules are evaluated after each run of their workflow (README: "Notifications and
alerts"). A rule fires when its condition starts to hold, and fires again only after
its condition has cleared.

Examples:
  weft alerts
  weft alerts deploy.yml --json | jq '.[] | select(.state == "firing")'`,
  run: (args, options, io) =>
    listAlerts(io, typed<{ file?: string }>(args).file, typed<AlertsOptions>(options)),
};

async function listAlerts(io: CliIO, file: string | undefined, options: AlertsOptions) {
  let defined: AlertRow[] = [];
  let workflow = options.workflow;
  if (file !== undefined) {
    const { loadWorkflow } = await import("../parse/problems.ts");
    const loaded = await loadWorkflow(file, {
      cwd: io.cwd,
      stdin: io.stdin,
      refusals: fixedRefusalCheck,
    });
    workflow ??= loaded.workflow.name;
    defined = (loaded.workflow.alerts ?? []).map((a) => ({
      workflow: loaded.workflow.name,
      rule: a.name,
      condition: a.condition,
      channels: a.channels,
      state: "never run",
    }));
  }
  const { stored, empty } = await withHistory(io, options.home, async (store) => ({
    stored: await store.listState<AlertState>([
      "alert",
      ...(workflow === undefined ? [] : [workflow]),
    ]),
    // Rules are evaluated after runs: a folder without any is likely not the one meant.
    empty: await holdsNoRuns(store),
  }));
  const rows: AlertRow[] = stored.map(({ value }) => ({
    ...value,
    state: value.firing ? "firing" : "ok",
  }));
  for (const rule of defined) {
    const index = rows.findIndex((r) => r.workflow === rule.workflow && r.rule === rule.rule);
    // The file's definition is the current one; the store keeps the state.
    if (index >= 0) {
      rows[index] = { ...rows[index], condition: rule.condition, channels: rule.channels };
    } else rows.push(rule);
  }
  if (options.json) await outJson(io, rows);
  else if (rows.length === 0) {
    await out(io, "no alert rules evaluated yet (rules run after each run of their workflow)\n");
  } else await out(io, await measuredText(() => alertsTable(rows)));
  if (empty) await sayNoRuns(io, homeFor(io, options.home));
  return ExitCode.Ok;
}

function alertsTable(rows: AlertRow[]): string {
  const cells = [["WORKFLOW", "RULE", "STATE", "FIRED", "LAST FIRED", "CONDITION"]];
  for (const row of rows) {
    cells.push([
      row.workflow,
      row.rule,
      row.state,
      String(row.fired ?? 0),
      row.lastFiredAt ? `${localTime(row.lastFiredAt)} (${row.lastFiredRunId})` : "-",
      row.condition,
    ]);
  }
  return table(cells);
}
