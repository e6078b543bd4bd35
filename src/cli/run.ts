/**
 * `weft run FILE`: runs a workflow now. Progress goes to stderr (a live board on a
 * terminal, plain timestamped lines otherwise); `--json` prints the run report on
 * stdout; the exit code is the outcome (0 success, 1 failed, 2 invalid, 130 stopped).
 * @module
 */
import type { EngineEvent, RunReport } from "../engine/events.ts";
import { ExitCode } from "../model/errors.ts";
import { overriddenEnvWarnings, parseAssignments, parsePositiveInt } from "./args.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { type CliIO, err, errRaw, outJson, useColor } from "./io.ts";
import type { RenderOptions } from "./render/format.ts";
import { taskDisplayFacts } from "./display_facts.ts";
import { faultedReport } from "../store/full_disk.ts";
import type { StorageError } from "../store/faults.ts";
import { RunSettledError } from "../store/settled.ts";
import type { RecordedRunOptions } from "./launch.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";

/** The flags of `weft run`, as the parser gives them. */
export interface RunFlags {
  param?: string[];
  env?: string[];
  maxParallel?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  /** False with `--no-color`. */
  color: boolean;
  /** `--home DIR`: where history lives (else WEFT_HOME, else the XDG data folder). */
  home?: string;
  /** `--resume RUN_ID`: rerun what did not succeed in that run. */
  resume?: string;
}

const EXAMPLES = `Examples:
  weft run deploy.yml                       live progress on stderr; exit code = outcome
  weft run deploy.yml -p env=staging        set a declared parameter (repeatable)
  weft run deploy.yml --env SKIP_TESTS=true add to the environment tasks see
  weft run deploy.yml --json | jq .status   the run report as JSON on stdout, nothing else
  weft run deploy.yml --dry-run             the plan and what each task would run; runs nothing
  weft run deploy.yml --resume 20261126T0   rerun what failed in that run (an id prefix works)
  cat flow.yml | weft run -                 read the workflow from stdin

Environment precedence (lowest first): weft's own environment with --env over it,
the workflow's \`environment\`, \`defaults.environment\`, the task's \`environment\`;
weft's own variables (WEFT_RUN_ID, ...) over them all.
Ctrl-C (or SIGTERM) stops running tasks (SIGTERM, then SIGKILL after a grace period)
and exits 130; a second Ctrl-C kills them at once. Once the run is over, SIGTERM or
SIGHUP while its output still waits to be shown ends weft with 143 or 129.
Exit codes: 0 success, 1 the workflow failed (or a fault of the machine, such as a
full disk, or an internal error), 2 invalid input: nothing ran, 130 interrupted.`;

/** The `run` verb. */
export const runVerb: VerbDef = {
  name: "run",
  summary: "run a workflow now: progress on stderr, the outcome as exit code",
  arguments: [{
    name: "file",
    description: "workflow file (.json, .yml, .yaml), or - for stdin",
    required: true,
  }],
  options: [
    {
      long: "param",
      short: "p",
      value: "name=value",
      repeatable: true,
      description: "set a workflow parameter (repeatable)",
    },
    {
      long: "env",
      value: "VAR=value",
      repeatable: true,
      description: "add a variable to the tasks' environment (repeatable)",
    },
    {
      long: "max-parallel",
      value: "n",
      description: "most tasks running at once (default: workflow, else CPUs)",
    },
    { long: "dry-run", description: "print the plan and what each task would run; run nothing" },
    {
      long: "json",
      description: "print the run report (or with --dry-run the plan) as JSON on stdout",
    },
    {
      long: "quiet",
      short: "q",
      description: "show only failures and the final line",
      conflicts: ["verbose"],
    },
    {
      long: "verbose",
      short: "v",
      description: "show every task's output lines, prefixed with the task id",
    },
    {
      long: "color",
      negatable: true,
      description: "no colour (also: NO_COLOR, or stderr not a terminal)",
    },
    {
      long: "resume",
      value: "run-id",
      description: "run again what did not succeed in that run, keeping its successes",
    },
    HOME_OPTION,
  ],
  examples: EXAMPLES,
  run: (args, options, io) =>
    runWorkflow(io, typed<{ file: string }>(args).file, typed<RunFlags>(options)),
};

/** Runs (or plans) one workflow file; resolves to the exit code. Throws WeftError on bad input. */
export async function runWorkflow(io: CliIO, file: string, flags: RunFlags): Promise<number> {
  const given = parseAssignments(flags.param ?? [], "--param");
  const extraEnv = parseAssignments(flags.env ?? [], "--env");
  const maxParallel = flags.maxParallel === undefined
    ? undefined
    : parsePositiveInt(flags.maxParallel, "--max-parallel");

  // problems.ts: a clean .json file loads without the YAML parser (issue 12 §3).
  const { loadWorkflow } = await import("../parse/problems.ts");
  const stdin = file === "-" ? io.stdin : undefined; // only for `-`: its stream costs ~2 ms
  // The validated-workflow cache: none from source, or with WEFT_NO_CACHE (issue 8 §5).
  const { validatedCacheFor } = await import("../parse/validated_cache.ts");
  const { buildIdentity } = await import("../version.ts");
  const cache = validatedCacheFor(io.env, buildIdentity());
  const loaded = await loadWorkflow(file, {
    cwd: io.cwd,
    stdin,
    cache,
    refusals: fixedRefusalCheck,
    // A run records each task's hash: kept with the workflow, not worked out again. Also
    // for --dry-run, so that the entry it leaves serves a real run in full.
    hashTasks: async (workflow) => (await import("../store/resume.ts")).taskHashes(workflow),
  });
  const { resolveParams } = await import("../engine/params.ts");
  const resolve = () => withFile(() => resolveParams(loaded.workflow, given), loaded.file);
  const color = flags.color !== false && useColor(io);
  for (const warning of overriddenEnvWarnings(extraEnv, loaded.workflow)) {
    await err(io, warning + "\n");
  }
  for (const name of io.unreadableEnv ?? []) {
    // Deno cannot read it (cli/env_bytes.ts): say so rather than let it vanish.
    await err(
      io,
      `warning: the environment variable ${name} is not valid UTF-8 text: weft cannot read ` +
        `it, and no task gets it; set it in UTF-8 (or pass such bytes encoded)\n`,
    );
  }

  if (flags.dryRun) {
    const { dryRunWorkflow } = await import("./run_dry.ts");
    return await dryRunWorkflow(io, loaded, flags, { given, extraEnv, color, resolve });
  }

  // A resumed run takes the params of the run it resumes (engine/resume_params.ts),
  // known once history is open.
  let params: RecordedRunOptions["params"];
  if (flags.resume === undefined) params = resolve();
  else {
    const { resumedParams } = await import("../engine/resume_params.ts");
    params = (run) => withFile(() => resumedParams(loaded.workflow, run, given), loaded.file);
  }

  const { createProgress } = await import("./render/progress.ts");
  const { droppableOutput, stopOnSignals, stopSendingOnSignals } = await import("./signals.ts");
  const { openRecordedRun } = await import("./launch.ts");
  // A SIGTERM or second Ctrl-C after the run gives up what the terminal has not taken.
  const output = droppableOutput(io);
  io = output.io;
  // A secret too short to mask is reported through the progress display once it exists
  // (the engine finds them when the run starts, and as tasks start).
  let notice = (message: string): void => void err(io, message + "\n");
  // Ctrl-C while notifications go out after the run gives them up (stopSendingOnSignals).
  const sending = new AbortController();
  const recorded = await openRecordedRun(io, {
    loaded,
    params,
    extraEnv,
    homeOption: flags.home,
    resumeId: flags.resume,
    signal: sending.signal,
    warn: (message) => notice(message),
  });
  const { history } = recorded;

  const facts = taskDisplayFacts(loaded.workflow);
  const renderOptions: RenderOptions = {
    color,
    verbose: Boolean(flags.verbose),
    quiet: Boolean(flags.quiet),
    ...facts,
  };
  const live = io.stderrIsTTY && !flags.json && !flags.quiet;
  // The board cuts lines to the terminal's width, measured in columns (render/width.ts).
  if (live) await (await import("./render/width.ts")).loadTextWidth();
  const progress = createProgress(
    live ? { kind: "live", ...terminalSize(io), size: () => terminalSize(io) } : { kind: "plain" },
    renderOptions,
    // The live board moves the cursor and makes what it draws safe itself.
    (text) => (live ? errRaw : err)(io, text),
  );
  notice = (message) => progress.notice(message);

  let report: RunReport;
  /** The run's report once it ended (report is that, with a fault of recording said). */
  let done: RunReport | undefined;
  let afterRun: { remove(): void; forcedExit(): number | undefined } | undefined;
  /** The run's end, drawn once the run is on record (below). */
  let ended: RunReport | undefined;
  let fault: StorageError | null = null;
  // Events wait here until the run's record is made: a run that cannot be recorded is
  // refused (exit 2, README Full disk) without a "started" line for a run in no history.
  // A notice (a string) waits with them, in its place ("stopping…" after "started").
  let held: (EngineEvent | string)[] | null = [];
  let handle: ReturnType<typeof recorded.start> | undefined;
  // Listening before the run is built, which makes its work folder, then records it: a
  // Ctrl-C or SIGTERM from then on stops the run (recorded `cancelled`, its folder
  // removed), where Deno's default action killed weft mid-start (tester26 F6, F7). Nothing
  // awaits between here and the handle's making, so no signal finds it missing.
  // A SIGHUP (terminal gone) gives up the output before the run stops, as nobody reads it.
  const removeSignals = stopOnSignals(
    { cancel: () => handle?.cancel(), kill: () => handle?.kill() },
    (message) => held ? held.push(message) : progress.notice(message),
    undefined,
    () => output.drop(),
  );
  try {
    try {
      handle = recorded.start({
        maxParallel,
        // A conditional's count of tries may show in its events: learned before they are drawn.
        display: (event) => {
          facts.maxAttempts.learn(event);
          if (event.type === "run_finished") ended = event.report;
          else if (held) held.push(event);
          else return progress.listener(event);
        },
        trigger: history.resume ? { type: "resume", ...history.resume.fire } : { type: "manual" },
      });
      const notCreated = await history.created;
      if (notCreated !== null) {
        handle.fail("the run cannot be recorded");
        await handle.done;
        ended = undefined;
        const { refusal } = await import("./launch.ts");
        throw refusal(notCreated, io, flags.home);
      }
      for (const event of held) {
        if (typeof event === "string") progress.notice(event);
        else await progress.listener(event);
      }
      held = null;
      // The run cannot be recorded any more (disk full, I/O error): say so and stop it.
      const started = handle;
      history.onFault((fault) => {
        const stopping = started.fail(fault.summary);
        progress.notice(`error: ${fault.summary}${stopping ? "; stopping the run" : ""}`);
        progress.notice(`hint: ${fault.problems[0]?.hint ?? "check the disk holding WEFT_HOME"}`);
      });
      report = done = await handle.done;
    } finally {
      // Taken over before the run's own listeners go, so no Ctrl-C falls between them.
      let earlier = 0;
      afterRun = stopSendingOnSignals(sending, {
        notify: (message) => void err(io, message + "\n"),
        earlier: () => earlier,
        dropOutput: () => output.drop(),
      });
      earlier = removeSignals();
    }
  } finally {
    // The summary line comes last, saying the outcome as recorded: a run whose last
    // records did not fit (the disk filled as it ended) is not wholly in history, so it
    // failed (README, exit codes), and the error said of it comes before that line.
    fault = await history.settle();
    if (ended) {
      const shown = fault ? faultedReport(ended, fault) : ended;
      await progress.listener({ type: "run_finished", runId: shown.id, report: shown });
    }
    await progress.close();
    // The run is on record and settled: its report goes out now, before notifications,
    // which may take long (a slow server) and end in a SIGTERM (tester26 F3).
    if (flags.json && done) await outJson(io, fault ? faultedReport(done, fault) : done);
    try {
      await recorded.finish();
    } finally {
      afterRun?.remove();
    }
  }

  if (fault) report = faultedReport(report, fault);
  // A resumed fire's record follows the run that now stands for it (schedule_fire_runs.ts).
  const fire = history.resume?.fire;
  if (fire && !fault) {
    const { settleResumedFire } = await import("./schedule_fire_runs.ts");
    await settleResumedFire(io, flags.home, { ...fire, from: history.resume!.fromRunId }, report);
  }
  // Marked interrupted by another weft (store/settled.ts): interrupted as history says, yet
  // no signal stopped it: exit 1, as for the other faults of recording (README, exit codes).
  const taken = fault?.cause instanceof RunSettledError;
  return afterRun?.forcedExit() ?? (taken ? ExitCode.Failed : exitCodeOf(report));
}

/** The exit code for a finished run. */
export function exitCodeOf(report: Pick<RunReport, "status">): number {
  switch (report.status) {
    case "success":
      return ExitCode.Ok;
    case "cancelled":
    case "interrupted":
      return ExitCode.Interrupted;
    default:
      return ExitCode.Failed;
  }
}

/** The terminal's size, for cutting board lines; 80×24 when it cannot be read. */
function terminalSize(io: CliIO): { columns: number; rows: number } {
  try {
    const { columns, rows } = Deno.consoleSize();
    if (columns > 0 && rows > 0) return { columns, rows };
  } catch {
    // not a console: fall through
  }
  const columns = Number(io.env.COLUMNS);
  const rows = Number(io.env.LINES);
  return { columns: columns > 0 ? columns : 80, rows: rows > 0 ? rows : 24 };
}

/** Runs `fn`, filling the workflow file into WeftError problems that have none. */
function withFile<T>(fn: () => T, file: string): T {
  try {
    return fn();
  } catch (e) {
    const problems = (e as { problems?: { file: string }[] }).problems;
    if (Array.isArray(problems)) { for (const p of problems) p.file ||= file; }
    throw e;
  }
}
