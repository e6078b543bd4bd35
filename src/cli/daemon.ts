/**
 * `weft daemon`: the long-running process that fires schedules and answers webhook
 * and file_change triggers (the work is src/schedule/daemon.ts; the webhook server is
 * src/server/webhook.ts). Here: flags, the one-daemon-per-store lock, the log lines on
 * stderr, and the signals (SIGTERM/SIGINT stop gracefully and exit 0; SIGHUP reloads).
 * @module
 */
import { durationTooLong, formatDuration, parseDuration, TOO_LONG } from "../model/duration.ts";
import { WeftError } from "../model/errors.ts";
import { parsePositiveInt } from "./args.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { homeFor } from "./home.ts";
import type { CliIO } from "./io.ts";
import { daemonLog, loggingIO } from "./daemon_log.ts";
import { STOP_SIGNALS } from "./signals.ts";
import type { Daemon } from "../schedule/daemon.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";

/** The flags of `weft daemon`, as the parser gives them. */
export interface DaemonFlags {
  dir?: string[];
  listen?: string;
  maxRuns: string;
  grace: string;
  home?: string;
}

const EXAMPLES = `Examples:
  weft daemon --dir flows/                     fire schedules, watch files of flows/*.yml
  weft daemon --dir flows/ --listen 127.0.0.1:8080   also serve webhook triggers
  kill -HUP <pid>      reload the folders and the schedules
  kill -TERM <pid>     stop firing, let runs end (--grace), exit 0; twice: cancel now

Schedules come from \`weft schedule add\` and from the files' own schedule triggers.
A webhook trigger answers POST <config.webhook> with 202 {"run_id": ...}; a
file_change run gets the changed paths in a declared "changed_files" param (one
per line) and all of them as a JSON array in a declared "changed_files_json".
One line per event on stderr. One daemon per history store (WEFT_HOME).`;

/** The `daemon` verb. */
export const daemonVerb: VerbDef = {
  name: "daemon",
  summary: "fire schedules and serve webhook and file-change triggers (long-running)",
  options: [
    {
      long: "dir",
      value: "dir",
      repeatable: true,
      description: "a folder of workflow files whose triggers to act on (repeatable)",
    },
    {
      long: "listen",
      value: "addr",
      description: "serve webhook triggers on HOST:PORT (a bare PORT binds 127.0.0.1)",
    },
    {
      long: "max-runs",
      value: "n",
      default: "4",
      description: "most runs at once across all workflows",
    },
    {
      long: "grace",
      value: "duration",
      default: "30s",
      description: "on SIGTERM, how long running runs may finish before they are cancelled",
    },
    HOME_OPTION,
  ],
  examples: EXAMPLES,
  run: (_args, options, io) => runDaemon(io, typed<DaemonFlags>(options)),
};

/** `--listen` as hostname and port: `PORT`, `:PORT`, `HOST:PORT`, `[V6]:PORT`. */
export function parseListen(value: string): { hostname: string; port: number } {
  const m = value.match(/^(?:(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]]*)):)?(\d{1,5})$/);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new WeftError(`--listen ${JSON.stringify(value)} is not HOST:PORT`, {
      hint: "e.g. --listen 127.0.0.1:8080, or --listen 8080 for loopback",
    });
  }
  return { hostname: m[1] ?? (m[2] || "127.0.0.1"), port };
}

/** Runs the daemon until SIGTERM/SIGINT; resolves to the exit code. */
export async function runDaemon(io: CliIO, flags: DaemonFlags): Promise<number> {
  const maxRuns = parsePositiveInt(flags.maxRuns, "--max-runs");
  const graceMs = parseDuration(flags.grace);
  if (graceMs === undefined) {
    const why = durationTooLong(flags.grace) ? TOO_LONG : "is not a duration";
    throw new WeftError(`--grace ${JSON.stringify(flags.grace)} ${why}`, {
      hint: "e.g. --grace 30s, --grace 2m",
    });
  }
  const listen = flags.listen === undefined ? undefined : parseListen(flags.listen);
  const home = homeFor(io, flags.home);
  const log = daemonLog(io);
  // What runs write to stderr (recovery notes, recording warnings) are log lines too.
  const runIO = loggingIO(io, log);

  const [{ acquireDaemonLock }, { prepareHome }] = await Promise.all([
    import("../schedule/daemon_lock.ts"),
    import("../store/open.ts"),
  ]);
  // The home checked as `weft run` checks it (same words, exit 2) before the lock is made.
  await prepareHome(home);
  const lock = await acquireDaemonLock(home);
  try {
    const [{ Daemon }, { systemClock }, { openScheduleStore }, { loadWorkflow }, { launchRun }] =
      await Promise.all([
        import("../schedule/daemon.ts"),
        import("../schedule/clock.ts"),
        import("../store/kv_schedules.ts"),
        import("../parse/problems.ts"),
        import("./launch.ts"),
      ]);
    const store = await openScheduleStore(home);
    await recoverAtStart(runIO, flags.home, log);
    // The home's idle space reserve (store/reserve.ts), made now: a disk that fills before
    // the first run still leaves room to record a run it stops `failed`. Each run takes it
    // or makes one of its own (or refuses to start, see store/run_reserve.ts).
    const { makeReserve } = await import("../store/reserve.ts");
    const noReserve = await makeReserve(home);
    if (noReserve !== null) {
      const { isDiskFull, StorageError } = await import("../store/faults.ts");
      const why = new StorageError("cannot make weft.reserve", home, noReserve).summary;
      log(
        `warning: ${why}${isDiskFull(noReserve) ? "; runs are refused until there is room" : ""}`,
      );
    }
    const { Notifying } = await import("./daemon_notifying.ts");
    const notifying = new Notifying();
    const daemon = new Daemon({
      dirs: flags.dir ?? [],
      cwd: runIO.cwd,
      maxRuns,
      clock: systemClock,
      store,
      load: (file) =>
        loadWorkflow(file, {
          cwd: runIO.cwd,
          stdin: runIO.stdin,
          refusals: fixedRefusalCheck,
          regularOnly: true,
        }),
      launch: async (request) => {
        // `loaded`: the last version that validated, so a file broken after a reload
        // keeps running as it was (launch.ts loads `file` itself when it is absent).
        const options = { ...request, homeOption: flags.home, notifySignal: notifying.signal };
        const run = await launchRun(runIO, options);
        notifying.add(run.done);
        // A run ends for the daemon (its slot, its schedule's overlap, its log line) once
        // its end is recorded: its notifications go on beside the next fires.
        return { runId: run.runId, done: run.recorded, cancel: run.cancel };
      },
      log,
      listen,
      firedRun: async (name, time, since) => {
        const [{ openHistory }, { runOfFire }] = await Promise.all([
          import("./history_shared.ts"),
          import("../store/fire_runs.ts"),
        ]);
        const history = await openHistory(runIO, flags.home);
        try {
          const run = await runOfFire(history, name, time, since);
          return run && { runId: run.id, status: run.status };
        } finally {
          history.close();
        }
      },
      // The secrets a run of it knows at its start, from this daemon's environment (the
      // one its runs start with), as `weft schedule add` finds them in `-p` values.
      secretsIn: async (loaded, params) => {
        const [{ secretsInParams }, { resolveParams }] = await Promise.all([
          import("./schedule_known_secrets.ts"),
          import("../engine/params.ts"),
        ]);
        let resolved = params;
        try {
          resolved = resolveParams(loaded.workflow, params);
        } catch {
          // A param missing or undeclared: its fires fail and say so (launch.ts).
        }
        return secretsInParams(runIO, loaded, params, resolved, flags.home);
      },
    });
    try {
      const stopped = waitForStop();
      const onHup = () => {
        log("SIGHUP: reloading");
        daemon.reload().catch((e) => log(`reload failed: ${(e as Error).message}`));
      };
      Deno.addSignalListener("SIGHUP", onHup);
      let server: { shutdown(): Promise<void> } | undefined;
      if (listen) server = await listenOrExplain(listen, (p) => daemon.route(p), log);
      try {
        await daemon.start();
      } catch (e) {
        await server?.shutdown();
        throw e;
      }
      log(`daemon started (pid ${Deno.pid}, store ${home}, max ${maxRuns} runs at once)`);
      // A schedule without a zone (a file trigger without `timezone`) fires in the host's.
      const { readHostZone } = await import("../schedule/zone.ts");
      const zone = readHostZone(io.env.TZ);
      if (zone.why) {
        log(
          `warning: ${zone.why}; schedules without a zone fire in UTC: set TZ to an IANA ` +
            `name, or give them one (trigger.config.timezone, weft schedule add --tz NAME)`,
        );
      }
      const signal = await stopped;
      log(
        `${signal}: stopping (no new fires; grace ${
          formatDuration(graceMs)
        }; again to cancel runs now)`,
      );
      Deno.removeSignalListener("SIGHUP", onHup);
      // A second SIGTERM/SIGINT ends the grace period instead of killing the daemon,
      // which would leave its runs' task processes (in groups of their own) behind.
      const stopAt = Date.now();
      const hurry = () => {
        log("stopping now: cancelling running runs");
        daemon.hurry();
        notifying.hurry();
      };
      for (const s of STOP_SIGNALS) Deno.addSignalListener(s, hurry);
      await server?.shutdown();
      await daemon.stop(graceMs);
      // Ended runs' notifications still being sent get what is left of the grace period.
      await notifying.drain(Math.max(0, graceMs - (Date.now() - stopAt)), log);
      log("daemon stopped");
    } finally {
      store.close();
    }
  } finally {
    lock.release();
    await log.flushed();
  }
  return 0;
}

/**
 * Crash recovery of the runs a dead predecessor (or a dead `weft run`) left marked
 * running in this home (store/recovery.ts), now rather than at the next run: under
 * systemd the restarted daemon is the next weft command, and a webhook-only daemon may
 * start no run for hours while the dead one's tasks run on. Said in `io` (the log). A
 * history that cannot be opened now is a warning: the daemon still fires (each run
 * opens it again, recovering then).
 */
async function recoverAtStart(
  io: CliIO,
  homeOption: string | undefined,
  log: (line: string) => void,
): Promise<void> {
  const { openHistory } = await import("./history_shared.ts");
  const { StorageError } = await import("../store/faults.ts");
  try {
    (await openHistory(io, homeOption)).close();
  } catch (e) {
    if (!(e instanceof StorageError)) throw e;
    log(`warning: crash recovery of the runs of a dead weft waits for the next run: ${e.summary}`);
  }
}

/** Starts the webhook server; an address that cannot be bound is a WeftError (exit 2). */
async function listenOrExplain(
  listen: { hostname: string; port: number },
  route: (path: string) => ReturnType<Daemon["route"]>,
  log: (line: string) => void,
): Promise<{ shutdown(): Promise<void> }> {
  const { startWebhookServer } = await import("../server/webhook.ts");
  const where = `${
    listen.hostname.includes(":") ? `[${listen.hostname}]` : listen.hostname
  }:${listen.port}`;
  try {
    const server = await startWebhookServer({ ...listen, route, log });
    log(`listening on http://${where.replace(/:\d+$/, `:${server.port}`)}`);
    return server;
  } catch (e) {
    throw new WeftError(`cannot listen on ${where}: ${(e as Error).message}`, {
      hint: e instanceof Deno.errors.AddrInUse
        ? "another program uses that port: pick another with --listen HOST:PORT"
        : "check the address (--listen 127.0.0.1:8080) and that weft may bind it",
    });
  }
}

/** Resolves with the first of SIGTERM/SIGINT received (listeners removed then). */
function waitForStop(): Promise<Deno.Signal> {
  const signals = STOP_SIGNALS;
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        signals.forEach((s, i) => Deno.removeSignalListener(s, handlers[i]));
        resolve(signal);
      };
      Deno.addSignalListener(signal, handler);
      return handler;
    });
  });
}
