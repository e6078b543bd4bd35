/**
 * `weft status RUN_ID` (or `--execution-id RUN_ID`): one recorded run with every task.
 * @module
 */
import type { TaskRecord } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { RunDetails } from "../store/run_store.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { duration, localTime, table, withHistory } from "./history_shared.ts";
import { type CliIO, out } from "./io.ts";
import { terminalSafe } from "./render/safe_text.ts";

interface StatusOptions {
  executionId?: string;
  json?: boolean;
  home?: string;
}

/**
 * `weft status --json`: the shape of `weft run --json` (a RunReport) plus where and
 * from what it ran. `finishedAt`/`durationMs` are null while the run is running.
 */
export function statusReport(details: RunDetails) {
  const { run, tasks } = details;
  return {
    id: run.id,
    workflow: run.workflow,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    tasks,
    host: run.host,
    pid: run.pid,
    resumedFrom: run.resumedFrom,
    file: run.file,
    ...(run.error === undefined ? {} : { error: run.error }),
  };
}

/** The `status` verb. */
export const statusVerb: VerbDef = {
  name: "status",
  summary: "show one recorded run and each task's state, duration and exit code",
  arguments: [{ name: "run-id", description: "run id, or a unique prefix of one" }],
  options: [
    { long: "execution-id", value: "id", description: "the run id (same as the argument)" },
    {
      long: "json",
      description: "print the run as JSON on stdout (the shape of `weft run --json`)",
    },
    HOME_OPTION,
  ],
  examples: `
Examples:
  weft status 20261126T002650.123Z-3f9a1c0b7e
  weft status 20261126T0026 --json | jq '.tasks[] | select(.status != "success")'
  weft status --execution-id 20261126T002650.123Z-3f9a1c0b7e`,
  run: (args, options, io) =>
    showStatus(io, typed<{ runId?: string }>(args).runId, typed<StatusOptions>(options)),
};

async function showStatus(
  io: CliIO,
  runId: string | undefined,
  options: StatusOptions,
): Promise<number> {
  const id = runId ?? options.executionId;
  if (!id) {
    throw new WeftError("which run? give a run id", {
      hint: "weft status RUN_ID (see `weft history` for ids)",
      exitCode: ExitCode.Invalid,
    });
  }
  if (runId && options.executionId && runId !== options.executionId) {
    throw new WeftError("give the run id once: as the argument or with --execution-id", {
      exitCode: ExitCode.Invalid,
    });
  }
  const details = await withHistory(io, options.home, (store) => store.getRun(id));
  if (options.json) await out(io, JSON.stringify(statusReport(details), null, 2) + "\n");
  else await out(io, humanStatus(details));
  return ExitCode.Ok;
}

/** The human report; text that tasks or users supplied is shown with controls escaped. */
function humanStatus(details: RunDetails): string {
  const { run, tasks } = details;
  const safe = (text: string) => terminalSafe(text, false);
  const lines = [
    `run       ${run.id}`,
    `workflow  ${safe(run.workflow)}`,
    `status    ${run.status}`,
    `file      ${safe(run.file)}`,
    `started   ${localTime(run.startedAt)}`,
    `finished  ${localTime(run.finishedAt)}  (${duration(run.durationMs)})`,
    `host      ${run.host}, pid ${run.pid}`,
  ];
  if (run.resumedFrom) lines.push(`resumed   from ${run.resumedFrom}`);
  if (run.error) lines.push(`error     ${safe(run.error)}`);
  const params = Object.entries(run.params);
  if (params.length) {
    lines.push(`params    ${params.map(([k, v]) => `${safe(k)}=${safe(v)}`).join(" ")}`);
  }
  const rows = [["TASK", "STATE", "DURATION", "EXIT", "ATTEMPTS", "REASON"]];
  for (const task of tasks) rows.push(taskRow(task, details.truncatedOutputs[task.id]));
  return lines.join("\n") + "\n\n" + table(rows);
}

function taskRow(task: TaskRecord, truncated?: string[]): string[] {
  const reason = [task.reason ?? "", task.error ?? ""].filter(Boolean).join(": ");
  const note = truncated?.length ? ` (outputs cut: ${truncated.join(", ")})` : "";
  return [
    task.callback ? `${task.id} (callback)` : task.id,
    task.status,
    duration(task.durationMs),
    task.exitCode === null ? "-" : String(task.exitCode),
    String(task.attempts),
    terminalSafe((reason.split("\n")[0] + note).trim(), false) || "-",
  ];
}
