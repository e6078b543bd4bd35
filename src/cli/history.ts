/**
 * `weft history`: recorded runs, newest first, `weft history prune` and
 * `weft history mark-interrupted` (history_mark.ts).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import type { RunRecord, RunStore } from "../store/run_store.ts";
import { isDiskFull } from "../store/faults.ts";
import { triggerOf } from "../engine/events.ts";
import { parsePositiveInt } from "./args.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import {
  duration,
  holdsNoRuns,
  localTime,
  openHistory,
  parseRunStatus,
  parseSince,
  RUN_STATUSES,
  runSummary,
  sayNoRuns,
  table,
  withHistory,
} from "./history_shared.ts";
import { homeFor, readGlobalConfig } from "./home.ts";
import { type CliIO, err, out, outData, outJson } from "./io.ts";
import { terminalSafe } from "../safe_text.ts";
import { markInterruptedVerb } from "./history_mark.ts";
import { measuredText } from "./render/width.ts";

interface HistoryOptions {
  limit: string;
  workflow?: string;
  status?: string;
  since?: string;
  json?: boolean;
  quiet?: boolean;
  /** Also list child runs (started by `workflow` tasks); hidden by default, as in dagu. */
  all?: boolean;
  home?: string;
}

interface PruneOptions {
  keepDays?: string;
  keepRuns?: string;
  workflow?: string;
  dryRun?: boolean;
  json?: boolean;
  home?: string;
}

/** The shape of one run in `weft history --json`. */
export function historyEntry(run: RunRecord) {
  return {
    ...runSummary(run),
    host: run.host,
    pid: run.pid,
    trigger: triggerOf(run),
    ...(run.parentRunId === undefined
      ? {}
      : { parentRunId: run.parentRunId, parentTaskId: run.parentTaskId ?? null }),
  };
}

/** `weft history prune`. */
const pruneVerb: VerbDef = {
  name: "prune",
  summary: "delete old runs and their logs",
  options: [
    { long: "keep-days", value: "n", description: "delete runs that started more than N days ago" },
    {
      long: "keep-runs",
      value: "n",
      description: "keep only the N newest runs (of the workflow, with --workflow)",
    },
    {
      long: "workflow",
      short: "w",
      value: "name",
      description: "only prune runs of this workflow",
    },
    { long: "dry-run", description: "list what would be deleted, delete nothing" },
    { long: "json", description: "print the affected runs as a JSON array on stdout" },
    HOME_OPTION,
  ],
  examples: `
Without --keep-days/--keep-runs, the "retention" of WEFT_HOME/config.json applies.

Examples:
  weft history prune --keep-days 30
  weft history prune --keep-runs 100 --workflow nightly --dry-run`,
  run: (_args, options, io) => prune(io, typed<PruneOptions>(options)),
};

/** The `history` verb (with its `prune` subcommand). */
export const historyVerb: VerbDef = {
  name: "history",
  summary: "list recorded runs, newest first",
  options: [
    { long: "limit", short: "n", value: "n", default: "20", description: "show at most N runs" },
    { long: "workflow", short: "w", value: "name", description: "only runs of this workflow" },
    {
      long: "status",
      short: "s",
      value: "state",
      choices: RUN_STATUSES,
      description: "only runs in this state",
    },
    {
      long: "since",
      value: "when",
      description: "only runs started since: a duration (24h, 7d) or a date",
    },
    { long: "json", description: "print a JSON array on stdout" },
    {
      long: "quiet",
      short: "q",
      description: "print only run ids, one per line",
      conflicts: ["json"],
    },
    {
      long: "all",
      short: "a",
      description: "also list child runs of sub-workflows (hidden by default)",
    },
    HOME_OPTION,
  ],
  subcommands: [pruneVerb, markInterruptedVerb],
  examples: `
Examples:
  weft history --limit 10
  weft history --workflow deploy --status failed --since 7d
  weft history -q --status failed | xargs -n1 weft status
  weft history --all                        child runs of \`workflow\` tasks too`,
  run: (_args, options, io) => listHistory(io, typed<HistoryOptions>(options)),
};

async function listHistory(io: CliIO, options: HistoryOptions): Promise<number> {
  const filter = {
    limit: parsePositiveInt(options.limit, "--limit"),
    workflow: options.workflow,
    status: options.status === undefined ? undefined : parseRunStatus(options.status),
    since: options.since === undefined ? undefined : parseSince(options.since),
    // Child runs are reached through their parent (`weft status`), unless --all.
    children: options.all === true,
  };
  const runs = await withHistory(io, options.home, (store) => store.listRuns(filter));
  if (options.json) await outJson(io, runs.map(historyEntry));
  else if (options.quiet) await outData(io, runs.map((r) => r.id + "\n").join(""));
  else if (runs.length > 0) await out(io, await measuredText(() => historyTable(runs)));
  // Named with --json too (on stderr, as `status --json` names it); -q prints ids only.
  if (runs.length === 0 && !options.quiet) {
    const filtered = filter.workflow !== undefined || filter.status !== undefined ||
      filter.since !== undefined;
    await sayNoRuns(io, homeFor(io, options.home), filtered);
  }
  return ExitCode.Ok;
}

/**
 * What started a run, for the table: `manual`, `resume`, `webhook`, `file`, or a fire
 * with the time it stood for (`schedule for 2026-11-30T02:00:00+01:00`; the actual
 * time is STARTED).
 */
function triggerText(run: RunRecord): string {
  const trigger = triggerOf(run);
  return trigger.scheduledFor
    ? `${trigger.type} for ${terminalSafe(trigger.scheduledFor, false)}`
    : trigger.type;
}

function historyTable(runs: RunRecord[]): string {
  const rows = [["ID", "WORKFLOW", "STATUS", "STARTED", "DURATION", "TRIGGER"]];
  for (const run of runs) {
    rows.push([
      run.id,
      // A child run (listed with --all) names its caller.
      terminalSafe(run.workflow, false) +
      (run.parentRunId ? ` (called by ${run.parentRunId})` : ""),
      run.status,
      localTime(run.startedAt),
      duration(run.durationMs),
      triggerText(run),
    ]);
  }
  return table(rows);
}

async function prune(io: CliIO, options: PruneOptions): Promise<number> {
  const home = options.home;
  let keepDays = options.keepDays === undefined
    ? undefined
    : parsePositiveInt(options.keepDays, "--keep-days");
  let keepRuns = options.keepRuns === undefined
    ? undefined
    : parsePositiveInt(options.keepRuns, "--keep-runs");
  if (keepDays === undefined && keepRuns === undefined) {
    const config = await readGlobalConfig(homeFor(io, home));
    keepDays = config.retention?.keep_days;
    keepRuns = config.retention?.keep_runs;
    if (keepDays === undefined && keepRuns === undefined) {
      throw new WeftError("nothing to prune by: give --keep-days N or --keep-runs N", {
        hint: 'or set {"retention": {"keep_days": 30}} in WEFT_HOME/config.json',
        exitCode: ExitCode.Invalid,
      });
    }
  }
  const [{ pruneRuns, PruneStopped }, { pruneRoom, openWithRoom }, { StorageError }, { kvPath }] =
    await Promise.all([
      import("../store/retention.ts"),
      import("./prune_room.ts"),
      import("../store/faults.ts"),
      import("../store/open.ts"),
    ]);
  const folder = homeFor(io, home);
  const room = pruneRoom(folder);
  const pruned = (store: RunStore, dryRun = options.dryRun) =>
    pruneRuns(store, {
      keepDays,
      keepRuns,
      workflow: options.workflow,
      dryRun,
      // A full disk: weft's own room first, then the logs of the runs being deleted.
      freeSpace: room.freeSpace,
    });
  // Freeing space works on a full disk: weft.reserve gives the room (store/open.ts).
  // Where no history is, nothing is deleted and nothing made (no home, logs/ or weft.kv).
  const open = () =>
    openHistory(io, home, { write: !options.dryRun, spendReserve: true, existingOnly: true });
  let runs: RunRecord[];
  let empty = false;
  try {
    let store: RunStore;
    try {
      store = await open();
    } catch (e) {
      // Too full to open the history for writing even without the reserve (a run spent
      // it to record its end): room is made run by run (cli/prune_room.ts).
      if (options.dryRun || !isDiskFull(e)) throw e;
      const doomed = await withHistory(io, home, (store) => pruned(store, true));
      if (doomed.length === 0) throw e;
      store = await openWithRoom(folder, room, doomed, open, isDiskFull);
    }
    try {
      runs = await pruned(store);
      // Nothing deleted because nothing is recorded there: the folder is named below.
      empty = runs.length === 0 && await holdsNoRuns(store);
    } finally {
      store.close();
    }
  } catch (e) {
    if (!(e instanceof PruneStopped)) throw e;
    // Said as a fault of the history database, with what is already gone (exit 2, as
    // every verb says a weft.kv it cannot write).
    const gone = e.deleted.length;
    if (gone > 0) await err(io, `deleted ${gone} run${gone === 1 ? "" : "s"} before the fault\n`);
    const deleted = new Set(e.deleted.map((run) => run.id));
    const half = [...room.stripped].filter((id) => !deleted.has(id)).length;
    if (half > 0) {
      await err(
        io,
        `${half} run${half === 1 ? "" : "s"} lost ${
          half === 1 ? "its logs" : "their logs"
        } for room but ${half === 1 ? "is" : "are"} still in the history: the next prune deletes ${
          half === 1 ? "it" : "them"
        } first\n`,
      );
    }
    throw e.cause instanceof StorageError ? e.cause : new StorageError(
      "cannot delete runs from the history",
      kvPath(folder),
      e.cause,
      ExitCode.Invalid,
    );
  }
  if (options.json) await outJson(io, runs.map(historyEntry));
  else {
    if (runs.length) await out(io, await measuredText(() => historyTable(runs)));
    const verb = options.dryRun ? "would delete" : "deleted";
    await err(io, `${verb} ${runs.length} run${runs.length === 1 ? "" : "s"}\n`);
  }
  if (empty) await sayNoRuns(io, folder);
  return ExitCode.Ok;
}
