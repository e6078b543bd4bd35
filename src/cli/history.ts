/**
 * `weft history`: recorded runs, newest first, and `weft history prune`.
 * @module
 */
import { Command, Option } from "commander";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { RunRecord } from "../store/run_store.ts";
import { parsePositiveInt } from "./args.ts";
import {
  duration,
  localTime,
  parseRunStatus,
  parseSince,
  RUN_STATUSES,
  table,
  withHistory,
} from "./history_shared.ts";
import { homeFor, readGlobalConfig } from "./home.ts";
import { type CliIO, err, out } from "./io.ts";

interface HistoryOptions {
  limit: string;
  workflow?: string;
  status?: string;
  since?: string;
  json?: boolean;
  quiet?: boolean;
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
    id: run.id,
    workflow: run.workflow,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    host: run.host,
    pid: run.pid,
  };
}

/** The `history` verb (with its `prune` subcommand). */
export function historyCommand(io: CliIO, done: (code: number) => void): Command {
  const command = new Command("history")
    .description("list recorded runs, newest first")
    .option("-n, --limit <n>", "show at most N runs", "20")
    .option("-w, --workflow <name>", "only runs of this workflow")
    .addOption(
      new Option("-s, --status <state>", "only runs in this state").choices([...RUN_STATUSES]),
    )
    .option("--since <when>", "only runs started since: a duration (24h, 7d) or a date")
    .option("--json", "print a JSON array on stdout")
    .option("-q, --quiet", "print only run ids, one per line")
    .option("--home <dir>", "history folder (default: $WEFT_HOME, else ~/.local/share/weft)")
    .addHelpText(
      "after",
      `
Examples:
  weft history --limit 10
  weft history --workflow deploy --status failed --since 7d
  weft history -q --status failed | xargs -n1 weft status`,
    )
    .action(async (options: HistoryOptions) => {
      const filter = {
        limit: parsePositiveInt(options.limit, "--limit"),
        workflow: options.workflow,
        status: options.status === undefined ? undefined : parseRunStatus(options.status),
        since: options.since === undefined ? undefined : parseSince(options.since),
      };
      const runs = await withHistory(io, options.home, (store) => store.listRuns(filter));
      if (options.json) await out(io, JSON.stringify(runs.map(historyEntry), null, 2) + "\n");
      else if (options.quiet) await out(io, runs.map((r) => r.id + "\n").join(""));
      else if (runs.length === 0) await err(io, "no runs recorded (that match)\n");
      else await out(io, historyTable(runs));
      done(ExitCode.Ok);
    });
  command.addCommand(pruneCommand(io, done));
  return command;
}

function historyTable(runs: RunRecord[]): string {
  const rows = [["ID", "WORKFLOW", "STATUS", "STARTED", "DURATION"]];
  for (const run of runs) {
    rows.push([
      run.id,
      run.workflow,
      run.status,
      localTime(run.startedAt),
      duration(run.durationMs),
    ]);
  }
  return table(rows);
}

function pruneCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command("prune")
    .description("delete old runs and their logs")
    .option("--keep-days <n>", "delete runs that started more than N days ago")
    .option("--keep-runs <n>", "keep only the N newest runs (of the workflow, with --workflow)")
    .option("-w, --workflow <name>", "only prune runs of this workflow")
    .option("--dry-run", "list what would be deleted, delete nothing")
    .option("--json", "print the affected runs as a JSON array on stdout")
    .option("--home <dir>", "history folder (default: $WEFT_HOME, else ~/.local/share/weft)")
    .addHelpText(
      "after",
      `
Without --keep-days/--keep-runs, the "retention" of WEFT_HOME/config.json applies.

Examples:
  weft history prune --keep-days 30
  weft history prune --keep-runs 100 --workflow nightly --dry-run`,
    )
    .action(async (own: PruneOptions, cmd: Command) => {
      // Commander gives options that `history` also has (--home, --workflow, --json) to
      // the parent, wherever they are written: merge them back.
      const options: PruneOptions = { ...(cmd.parent?.opts() as PruneOptions), ...own };
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
      const { pruneRuns } = await import("../store/retention.ts");
      const runs = await withHistory(
        io,
        home,
        (store) =>
          pruneRuns(store, {
            keepDays,
            keepRuns,
            workflow: options.workflow,
            dryRun: options.dryRun,
          }),
      );
      if (options.json) await out(io, JSON.stringify(runs.map(historyEntry), null, 2) + "\n");
      else {
        if (runs.length) await out(io, historyTable(runs));
        const verb = options.dryRun ? "would delete" : "deleted";
        await err(io, `${verb} ${runs.length} run${runs.length === 1 ? "" : "s"}\n`);
      }
      done(ExitCode.Ok);
    });
}
