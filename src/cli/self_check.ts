/**
 * `weft self-check`: what an operator runs first on a new server. Prints the version,
 * where run history lives and whether it can be written and read, the time zone (schedules and
 * times in `history` are local), which optional tools were found on PATH and how task
 * processes are started. Exit 0 when weft can work here, 1 otherwise.
 * @module
 */
import { ExitCode } from "../model/errors.ts";
import { execTarget } from "../tasks/program_lookup.ts";
import { commit, VERSION } from "../version.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { homeFor } from "./home.ts";
import { type CliIO, out, outJson } from "./io.ts";

/** Tools some task types need; weft works without them (those tasks then fail). */
export const OPTIONAL_TOOLS = ["docker", "python3", "sh", "bash"] as const;

/** The `--json` report of `weft self-check`. */
export interface SelfCheckReport {
  version: string;
  commit: string;
  /**
   * The run history folder (WEFT_HOME), whether a file could be written in it, whether
   * the history recorded there (weft.kv, when there is one) opens and reads, and whether
   * a run would start there (`runs`: the checks `weft run` makes before it starts would
   * pass, foretold without making anything, run_home.ts foretellRun — config.json, room
   * for a new history and for weft.reserve; told only when the folder is writable and the
   * history readable, else false). `error`:
   * why not, in the words `weft run` would use (its hint after "; ").
   */
  store: { path: string; writable: boolean; readable: boolean; runs: boolean; error?: string };
  /** Deno KV (the run store) is available: false when run without --unstable-kv. */
  kv: boolean;
  /** IANA time zone name (e.g. `Europe/Paris`) schedules without `tz` use; `UTC` when unknown. */
  timeZone: string;
  /** Why `timeZone` may not be what `TZ` meant (a `TZ` Intl cannot name), else null. */
  timeZoneWarning: string | null;
  /** Each optional tool's path on PATH, or null when not found. */
  tools: Record<(typeof OPTIONAL_TOOLS)[number], string | null>;
  /** `posix_spawn` (FFI, fast), else a fallback: `setsid` or `detached`. */
  spawner: "posix_spawn" | "setsid" | "detached";
  /** Whether weft can work here: the store is writable and readable, runs start there, Deno KV is available. */
  ok: boolean;
}

interface SelfCheckOptions {
  json?: boolean;
  home?: string;
}

/** The `self-check` verb. */
export const selfCheckVerb: VerbDef = {
  name: "self-check",
  summary: "check that weft can work here: store, time zone, tools, process spawner",
  options: [{ long: "json", description: "print the report as JSON on stdout" }, HOME_OPTION],
  examples: `
Exit codes: 0 weft can work here, 1 it cannot (the reason is printed).

Examples:
  weft self-check
  weft self-check --json | jq .tools`,
  run: async (_args, options, io) => {
    const { json, home } = typed<SelfCheckOptions>(options);
    const report = await selfCheck(io, home);
    if (json) await outJson(io, report);
    else await out(io, describe(report));
    return report.ok ? ExitCode.Ok : ExitCode.Failed;
  },
};

/** Runs every check for the invocation `io` (its environment and cwd) and `--home`. */
export async function selfCheck(io: CliIO, homeOverride?: string): Promise<SelfCheckReport> {
  const [{ spawnMethod }, { readHostZone }] = await Promise.all([
    import("../tasks/spawner.ts"),
    import("../schedule/zone.ts"),
  ]);
  let path = "";
  let store: SelfCheckReport["store"];
  try {
    path = homeFor(io, homeOverride);
    const written = await probeWritable(path);
    const readError = await probeReadable(path);
    // Only over a history that reads: a damaged one is left as it is, not opened to write.
    const runError = written.writable && readError === undefined ? await probeRun(path) : undefined;
    const error = written.error ?? readError ?? runError;
    store = {
      path,
      writable: written.writable,
      readable: readError === undefined,
      runs: written.writable && readError === undefined && runError === undefined,
      ...error !== undefined ? { error } : {},
    };
  } catch (e) {
    store = { path, writable: false, readable: false, runs: false, error: oneLine(e) };
  }
  const kv = typeof (Deno as { openKv?: unknown }).openKv === "function";
  const host = readHostZone(io.env.TZ);
  const tools = Object.fromEntries(
    OPTIONAL_TOOLS.map((tool) => [tool, findOnPath(tool, io.env.PATH ?? "")]),
  ) as SelfCheckReport["tools"];
  return {
    version: VERSION,
    commit: commit(),
    store,
    kv,
    // A TZ that names no zone: schedules without tz use UTC (zone.ts hostZone).
    timeZone: host.zone ?? "UTC",
    timeZoneWarning: zoneWarning(host.why),
    tools,
    spawner: spawnMethod(),
    ok: store.writable && store.readable && store.runs && kv,
  };
}

/**
 * Writes and removes a probe file in the home (or, when the home is not there yet, in its
 * nearest folder that is, where a run would make it), and opens the history database's
 * files that exist for writing as a run does (store/open.ts). Creates nothing it leaves:
 * a check run as root must not leave files another user's weft cannot write (verifier
 * V2 F3). Never throws: a failure is `{ writable: false, error }`.
 */
async function probeWritable(home: string): Promise<{ writable: boolean; error?: string }> {
  try {
    const [{ nearestFolder }, { databaseFiles, openableForWriting }, { homeStep, kvPath }] =
      await Promise.all([
        import("./run_home.ts"),
        import("../store/kv_file.ts"),
        import("../store/open.ts"),
      ]);
    // Each fault said as `weft run` says it where it meets it (store/open.ts homeStep:
    // path, what failed, why in plain words, what to do), not as the OS's raw message.
    const step = homeStep(home);
    const folder = nearestFolder(home);
    if (folder === home && !isFolder(home)) {
      // There but no folder (a file): mkdir makes nothing, and fails as the run's does.
      await step("cannot create the history folder", home, () => Deno.mkdir(home));
    }
    const probe = `${folder}/.self-check-${crypto.randomUUID()}`;
    await step(
      folder === home ? "cannot write in the history folder" : "cannot create the history folder",
      home,
      async () => {
        await Deno.writeTextFile(probe, "", { createNew: true, mode: 0o600 });
        await Deno.remove(probe);
      },
    );
    for (const file of databaseFiles(kvPath(home))) {
      await step("cannot write the history database", file, () => openableForWriting(file));
    }
    return { writable: true };
  } catch (e) {
    return { writable: false, error: oneLine(e) };
  }
}

/** Whether `path` is a folder (links followed); false when it cannot be looked at. */
function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Opens the history as the readers do (creating nothing, no crash recovery) and reads
 * one run: a damaged weft.kv fails every verb, so self-check must not say "ok".
 * Resolves to the reason it cannot be read, or undefined (also when nothing is recorded).
 */
async function probeReadable(home: string): Promise<string | undefined> {
  const { openStore } = await import("../store/open.ts");
  try {
    const store = await openStore(home, { readOnly: true, recover: false });
    try {
      await store.listRuns({ limit: 1 });
    } finally {
      store.close();
    }
    return undefined;
  } catch (e) {
    return oneLine(e);
  }
}

/**
 * Foretells the checks `weft run` makes before a run starts (run_home.ts foretellRun,
 * beside the run's own openHistoryForRun), making nothing. Resolves to the reason a run
 * would be refused (as `weft run` prints it, on one line), or undefined when it would start.
 */
async function probeRun(home: string): Promise<string | undefined> {
  const { foretellRun } = await import("./run_home.ts");
  try {
    await foretellRun(home);
    return undefined;
  } catch (e) {
    return oneLine(e);
  }
}

/** An error's message (a WeftError's holds its hint) on one line: the hint after "; ". */
function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, "; ");
}

/**
 * A warning when `TZ` names no zone weft can use (`UTC+3`, a POSIX rule, a typo, a file
 * outside zoneinfo; `why`, as zone.ts readHostZone says it for `schedule add` and the
 * daemon): local times may then follow its offset while schedules use UTC. Null otherwise.
 */
function zoneWarning(why: string | undefined): string | null {
  if (why === undefined) return null;
  return `${why}: schedules without tz use UTC; set TZ to an IANA name such as ` +
    "Europe/Berlin, or give schedules a zone (weft schedule add --tz NAME)";
}

/** The first executable file named `name` in the `:`-separated PATH, or null. */
export function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(":")) {
    if (!dir) continue;
    const full = `${dir.replace(/\/+$/, "")}/${name}`;
    if (execTarget(full) === "yes") return full;
  }
  return null;
}

const SPAWNERS: Record<SelfCheckReport["spawner"], string> = {
  posix_spawn: "posix_spawn through FFI (fast path)",
  setsid: "fallback: the setsid program (FFI posix_spawn unavailable)",
  detached: "fallback: fork + setsid() (neither FFI posix_spawn nor setsid available)",
};

function describe(r: SelfCheckReport): string {
  const storeState = !r.store.writable
    ? `NOT writable: ${r.store.error ?? "unknown reason"}`
    : !r.store.readable
    ? `NOT readable: ${r.store.error ?? "unknown reason"}`
    : !r.store.runs
    ? `runs refused: ${r.store.error ?? "unknown reason"}`
    : "writable";
  const tools = OPTIONAL_TOOLS.map((t) => {
    const found = r.tools[t];
    return `  ${t.padEnd(8)} ${found === null ? "not found on PATH" : found}`;
  });
  const lines = [
    `weft      ${r.version} (${r.commit === "source" ? "from source" : `commit ${r.commit}`})`,
    `store     ${r.store.path || "(unknown)"} (${storeState})`,
    `kv        ${r.kv ? "available" : "NOT available: run with --unstable-kv"}`,
    `time zone ${r.timeZone}${r.timeZoneWarning ? ` (warning: ${r.timeZoneWarning})` : ""}`,
    `spawner   ${SPAWNERS[r.spawner]}`,
    "tools",
    ...tools,
    r.ok ? "ok: weft can work here" : "not ok: weft cannot work here (see above)",
  ];
  return lines.join("\n") + "\n";
}
