/**
 * `weft status [RUN_ID]` (or `--execution-id RUN_ID`): one recorded run with every task,
 * the latest run when no id is given; a failed task's reason and last output lines.
 * @module
 */
import type { RunRecord } from "../store/run_store.ts";
import type { TaskRecord } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import { formatDuration } from "../model/duration.ts";
import type { AttemptRecord, RunDetails, RunStore } from "../store/run_store.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import {
  duration,
  localTime,
  runOrLatest,
  runSummary,
  table,
  withHistory,
} from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { type CliIO, out, outJson } from "./io.ts";
import { terminalSafe } from "../safe_text.ts";
import { isFailure, paint } from "./render/format.ts";
import { displayedWholeLine, splitAtCr } from "./render/cut.ts";
import { failureBlock } from "./render/recap.ts";
import { TAIL_LINES } from "./render/tails.ts";
import { childRunsOf } from "../store/children.ts";
import { ownerName, ownerPlace } from "../store/run_owner.ts";
import { HEARTBEAT_FRESH_MS } from "../store/heartbeat.ts";
import { measuredText } from "./render/width.ts";

interface StatusOptions {
  executionId?: string;
  json?: boolean;
  home?: string;
}

/**
 * `weft status --json`: the shape of `weft run --json` (a RunReport) plus where and
 * from what it ran, with its params. `finishedAt`/`durationMs` are null while the run is
 * running.
 */
export function statusReport(details: RunDetails, childRuns: Record<string, string[]> = {}) {
  const { run } = details;
  // A task whose final record was never written says why (its state was rebuilt).
  const unrecorded = details.unrecordedTasks ?? {};
  const tasks = details.tasks.map((task) =>
    Object.hasOwn(unrecorded, task.id) ? { ...task, unrecorded: unrecorded[task.id] } : task
  );
  return {
    ...runSummary(run),
    tasks,
    host: run.host,
    pid: run.pid,
    resumedFrom: run.resumedFrom,
    file: run.file,
    // Whole, however long (the human output cuts long values: cutParam).
    params: run.params,
    ...(run.error === undefined ? {} : { error: run.error }),
    ...(run.notifications === undefined ? {} : { notifications: run.notifications }),
    // Sub-workflows: who called this run, and the runs its `workflow` tasks started.
    ...(run.parentRunId === undefined
      ? {}
      : { parentRunId: run.parentRunId, parentTaskId: run.parentTaskId ?? null }),
    childRuns,
  };
}

/** The `status` verb. */
export const statusVerb: VerbDef = {
  name: "status",
  summary: "show one recorded run and each task's state, duration and exit code",
  arguments: [{
    name: "run-id",
    description: "run id, or a unique prefix of one (default: the latest run)",
  }],
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
  weft status                               the latest run
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
  if (runId && options.executionId && runId !== options.executionId) {
    throw new WeftError("give the run id once: as the argument or with --execution-id", {
      exitCode: ExitCode.Invalid,
    });
  }
  const home = homeFor(io, options.home);
  if (options.json) {
    const report = await withHistory(io, options.home, async (store) => {
      const details = await runOrLatest(store, id, home);
      return statusReport(details, await childRunsOf(store, details.run));
    });
    await outJson(io, report);
    return ExitCode.Ok;
  }
  const text = await withHistory(io, options.home, async (store) => {
    const details = await runOrLatest(store, id, home);
    const children = await childRunsOf(store, details.run);
    return await measuredText(() => humanStatus(details, children)) +
      await failureTails(store, details);
  });
  await out(io, text);
  return ExitCode.Ok;
}

/**
 * For each task that failed or timed out: its reason and the last lines of its last
 * attempt's log, marked stdout or stderr, under the header `weft run`'s summary gives
 * them (`last 10 of 17 lines`; `last 10 lines` for an attempt recorded without its count).
 */
async function failureTails(store: RunStore, details: RunDetails): Promise<string> {
  const failed = details.tasks.filter((t) => isFailure(t.status));
  if (failed.length === 0) return "";
  const { logFilePath } = await import("../store/log_files.ts");
  const { readLogTailIfPresent } = await import("../store/log_tail.ts");
  let text = "";
  for (const task of failed) {
    const attempts = await store.listAttempts(details.run.id, task.id);
    const last = attempts.reduce<AttemptRecord | undefined>(
      (a, b) => (a && a.attempt > b.attempt ? a : b),
      undefined,
    );
    const file = last &&
      `${store.logsDir}/${last.logPath ?? logFilePath(last.runId, last.taskId, last.attempt)}`;
    let lines: Awaited<ReturnType<typeof readLogTailIfPresent>> = [];
    // Output was recorded, yet its file is gone or unreadable: say so rather than "no output".
    let trouble = "";
    try {
      lines = file ? await readLogTailIfPresent(file, TAIL_LINES) : [];
      if (lines === null && last!.logBytes > 0) {
        trouble = `    its log file is missing: ${terminalSafe(file!, false)}\n`;
      }
    } catch (e) {
      trouble = `    its log file cannot be read: ${terminalSafe(file!, false)}: ${
        terminalSafe((e as Error).message, false)
      }\n`;
    }
    // A progress bar's CRs end lines here as in `weft logs` (render/cut.ts crLines).
    const whole = (lines ?? []).map((line) => ({
      stream: line.stream,
      text: displayedWholeLine(line.text),
    }));
    const split = splitAtCr(whole, TAIL_LINES);
    const shown = split.lines.map((line) => ({ ...line, text: terminalSafe(line.text, false) }));
    // Counted as the run's summary counts them: the log's lines, and those its CRs make.
    const total = last?.logLines === undefined ? null : last.logLines + split.added;
    text += "\n" + failureBlock(task, shown, total, paint(false), trouble ? "" : undefined) +
      trouble;
  }
  return text;
}

/** The human report; text that tasks or users supplied is shown with controls escaped. */
function humanStatus(details: RunDetails, children: Record<string, string[]>): string {
  const { run, tasks } = details;
  const safe = (text: string) => terminalSafe(text, false);
  const lines = [
    `run       ${run.id}`,
    `workflow  ${safe(run.workflow)}`,
    `status    ${run.status}`,
    `file      ${safe(run.file)}`,
    `started   ${localTime(run.startedAt)}`,
    finishedLine(run),
    `host      ${safe(ownerName(run))}, pid ${run.pid}`,
  ];
  if (run.status === "running" && ownerPlace(run, Deno.hostname()) === "elsewhere") {
    // Its pid means nothing here (run_owner.ts): nobody here can tell whether it lives.
    lines.push(
      `          another host or pid namespace: not checked from here; if its weft is gone`,
      `          (no heartbeat for ${
        formatDuration(HEARTBEAT_FRESH_MS)
      }): weft history mark-interrupted ${run.id}`,
    );
  }
  if (run.resumedFrom) lines.push(`resumed   from ${run.resumedFrom}`);
  if (run.parentRunId) {
    lines.push(`called by ${run.parentRunId} task ${safe(run.parentTaskId ?? "?")}`);
  }
  for (const [taskId, ids] of Object.entries(children)) {
    lines.push(`child     ${safe(taskId)}: ${ids.join(", ")}`);
  }
  if (run.error) lines.push(`error     ${safe(run.error)}`);
  for (const n of run.notifications ?? []) {
    const what = n.alert
      ? `alert ${safe(n.alert)} → ${safe(n.channel)}`
      : n.task
      ? `task ${safe(n.task)} → ${safe(n.channel)}`
      : safe(n.channel);
    const how = n.ok ? "sent" : `FAILED after ${n.attempts} tries: ${safe(n.error ?? "")}`;
    lines.push(`notified  ${what}: ${how}`);
  }
  const params = Object.entries(run.params);
  if (params.length) {
    lines.push(`params    ${params.map(([k, v]) => `${safe(k)}=${safe(cutParam(v))}`).join(" ")}`);
  }
  const rows = [["TASK", "STATE", "DURATION", "EXIT", "ATTEMPTS", "REASON"]];
  for (const task of tasks) {
    rows.push(
      taskRow(task, details.truncatedOutputs[task.id], details.unrecordedTasks?.[task.id]),
    );
  }
  return lines.join("\n") + "\n\n" + table(rows);
}

/** Characters of a param value `weft status` shows; `--json` keeps values whole. */
export const PARAM_SHOWN = 200;

/**
 * `value` cut to {@link PARAM_SHOWN} characters (code points, so no character is split),
 * marked with how much was cut: a file_change run's `changed_files` can list thousands of
 * paths, which made one line of many kilobytes.
 */
export function cutParam(value: string): string {
  if (value.length <= PARAM_SHOWN) return value;
  const chars = [...value];
  if (chars.length <= PARAM_SHOWN) return value;
  const cut = chars.length - PARAM_SHOWN;
  return `${chars.slice(0, PARAM_SHOWN).join("")}… (${cut} more characters; --json shows all)`;
}

/**
 * When the run ended: `finished  <time>  (<duration>)`; a run that is still going says
 * so, and an interrupted one gives its last sign of life (its duration is unknown: the
 * process died some time after it, see store/recovery.ts).
 */
function finishedLine(run: RunRecord): string {
  if (run.status === "running") return `finished  -  (still running)`;
  if (run.status === "interrupted") {
    const lived = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : NaN;
    const known = lived >= 0 ? `ran at least ${duration(lived)}; ` : "";
    return `last seen ${
      localTime(run.finishedAt)
    }  (${known}duration unknown: its process died after that)`;
  }
  return `finished  ${localTime(run.finishedAt)}  (${duration(run.durationMs)})`;
}

function taskRow(task: TaskRecord, truncated?: string[], unrecorded?: string): string[] {
  const reason = [task.reason ?? "", task.error ?? ""].filter(Boolean).join(": ");
  const note = (unrecorded === undefined ? "" : ` (record rebuilt: ${unrecorded})`) +
    (truncated?.length ? ` (outputs cut: ${cutNames(truncated)})` : "");
  return [
    task.callback ? `${task.id} (callback)` : task.id,
    task.status,
    duration(task.durationMs),
    task.exitCode === null ? "-" : String(task.exitCode),
    String(task.attempts),
    terminalSafe((reason.split("\n")[0] + note).trim(), false) || "-",
  ];
}

/** Names of cut outputs shown in a task's row: the first few, then how many more. */
const CUT_NAMES_SHOWN = 5;

/** Characters of one cut output's name shown (a record made before names were limited). */
const CUT_NAME_SHOWN = 60;

/**
 * `a, b, c` or, past {@link CUT_NAMES_SHOWN}, `a, b, c, d, e and 4,299 more`, each name cut
 * to {@link CUT_NAME_SHOWN} characters: a row stays one short line.
 */
export function cutNames(names: readonly string[]): string {
  const shown = names.slice(0, CUT_NAMES_SHOWN).map((name) => {
    const chars = [...name];
    return chars.length <= CUT_NAME_SHOWN ? name : `${chars.slice(0, CUT_NAME_SHOWN).join("")}…`;
  }).join(", ");
  if (names.length <= CUT_NAMES_SHOWN) return shown;
  const more = (names.length - CUT_NAMES_SHOWN).toLocaleString("en-US");
  return `${shown} and ${more} more`;
}
