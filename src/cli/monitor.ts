/**
 * `weft monitor [--live] [--json] [--limit N]`: running runs with each task's state,
 * duration and progress through the DAG, the last finished runs, and per-workflow
 * success rate and mean duration over 24 hours. Printed once, as JSON, or (`--live`)
 * as a full-screen view redrawn every second. It only reads the store, which every
 * weft process (runs, the daemon) writes, so runs of other processes show.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import type { RunStore } from "../store/run_store.ts";
import { parsePositiveInt } from "./args.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import {
  holdsNoRuns,
  localTime,
  openHistory,
  sayNoRuns,
  table,
  withHistory,
} from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { type CliIO, colorRefused, out, outJson } from "./io.ts";
import { measuredText } from "./render/width.ts";

interface MonitorOptions {
  live?: boolean;
  json?: boolean;
  limit: string;
  home?: string;
}

/** The `monitor` verb. */
export const monitorVerb: VerbDef = {
  name: "monitor",
  summary: "running runs, the last finished ones and 24-hour figures (--live: full screen)",
  options: [
    {
      long: "live",
      description: "full-screen view refreshed every second (q quits, arrows select, " +
        "Enter opens a run, Esc goes back)",
    },
    { long: "json", description: "print the view once as JSON on stdout" },
    {
      long: "limit",
      short: "n",
      value: "n",
      default: "10",
      description: "show the last N finished runs",
    },
    HOME_OPTION,
  ],
  examples: `
Runs of every weft process sharing the home show: \`weft run\` in other terminals and
runs the daemon starts. The figures cover runs started in the last 24 hours.
--live needs a terminal; in scripts use --json (field names: README "Monitor").
--live exits 0 on q, 130 on Ctrl-C or SIGTERM, 129 on SIGHUP.

Examples:
  weft monitor --live
  weft monitor                              print the view once
  weft monitor --limit 20 --json | jq '.running[] | {workflow, progress}'`,
  run: (_args, options, io) => monitor(io, typed<MonitorOptions>(options)),
};

async function monitor(io: CliIO, options: MonitorOptions): Promise<number> {
  const limit = parsePositiveInt(options.limit, "--limit");
  if (options.live && options.json) {
    throw new WeftError("give --live or --json, not both", { exitCode: ExitCode.Invalid });
  }
  if (options.live) return await live(io, options, limit);
  const [{ buildView }, { readSnapshot }] = await Promise.all([
    import("./monitor/model.ts"),
    import("./monitor/snapshot.ts"),
  ]);
  const now = new Date();
  const { snapshot, empty } = await withHistory(io, options.home, async (store) => ({
    snapshot: await readSnapshot(store, limit, now),
    empty: await holdsNoRuns(store),
  }));
  const view = buildView(snapshot, now);
  if (options.json) await outJson(io, view);
  else {
    const { monitorText } = await import("./monitor/text.ts");
    await out(io, await measuredText(() => monitorText(view, table, localTime)));
  }
  if (empty) await sayNoRuns(io, homeFor(io, options.home));
  return ExitCode.Ok;
}

async function live(io: CliIO, options: MonitorOptions, limit: number): Promise<number> {
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    throw new WeftError(
      "weft monitor --live needs a terminal on stdin and stdout; " +
        "use `weft monitor` or `weft monitor --json` in scripts",
      { exitCode: ExitCode.Invalid },
    );
  }
  const home = homeFor(io, options.home);
  const [{ runLive }, { kvPath }] = await Promise.all([
    import("./monitor/live.ts"),
    import("../store/open.ts"),
  ]);
  // Before the first run the home has no database and reads as empty: open it once
  // something (another process) has created it.
  let waiting = !(await exists(kvPath(home)));
  // Read from a copy while another weft held the lock (a stopped `weft run`): opened
  // afresh once it lets go, so the screen follows the runs again.
  let copied = false;
  const onLocked = (unlocked: Promise<unknown>) => {
    copied = true;
    unlocked.then(() => waiting = true, () => {});
  };
  let store: RunStore = await openHistory(io, options.home, { write: false, onLocked });
  const { recoverInterrupted } = await import("../store/recovery.ts");
  const source = {
    get: async () => {
      if (waiting && await exists(kvPath(home))) {
        copied = false;
        const opened = await openHistory(io, options.home, { write: false, onLocked });
        store.close();
        store = opened;
        waiting = false;
      }
      if (copied) return store;
      // A run killed (-9) while watched is marked interrupted (and its processes ended)
      // at the next refresh, as at the start: never shown running, its elapsed growing.
      // Quietly: the screen shows it; a store that cannot be written shows it as is.
      await recoverInterrupted(store, Deno.hostname()).catch(() => {});
      return store;
    },
  };
  try {
    const color = !colorRefused(io.env);
    return await runLive(io, source, { limit, color, home });
  } finally {
    store.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
