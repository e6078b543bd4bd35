/**
 * The CLI: parses argv (argv.ts) against the verbs' declarations, runs the verb, and
 * maps errors to exit codes. Verb files declare cheaply and load heavy modules (zod,
 * yaml, the store, the engine) inside `run`, so `weft --help`, `weft history` and
 * `weft status` start fast.
 * @module
 */
import { ExitCode, formatProblem, type Problem, WeftError } from "../model/errors.ts";
import { type CliIO, err, out, OutputStreamError } from "./io.ts";
// For main.ts, which loads the CLI with one import.
export { processIO } from "./io.ts";
import { versionLine } from "../version.ts";
import { parseCommandLine, UsageError } from "./argv.ts";
import type { ProgramDef, VerbDef } from "./command.ts";
import { validateVerb } from "./validate.ts";
import { historyVerb } from "./history.ts";
import { statusVerb } from "./status.ts";
import { logsVerb } from "./logs.ts";
import { metricsVerb } from "./metrics.ts";
import { alertsVerb } from "./alerts.ts";
import { monitorVerb } from "./monitor.ts";
import { describeFault, faultPath, HOME_SETTING } from "../store/faults.ts";
import { PathFault } from "../model/path_fault.ts";
import { resolveHome } from "./home.ts";
import { runVerb } from "./run.ts";
import { createVerb, generateVerb } from "./create.ts";
import { daemonVerb } from "./daemon.ts";
import { scheduleVerb } from "./schedule.ts";
import { selfCheckVerb } from "./self_check.ts";
import { completionsVerb } from "./completions.ts";
import { schemaVerb } from "./schema.ts";
import { internalErrorStack, internalErrorText } from "./internal_error.ts";

/** Every verb, in help order. Adding a verb means adding its definition here. */
const VERBS: readonly VerbDef[] = [
  runVerb,
  validateVerb,
  historyVerb,
  statusVerb,
  logsVerb,
  metricsVerb,
  monitorVerb,
  alertsVerb,
  createVerb,
  generateVerb,
  scheduleVerb,
  daemonVerb,
  selfCheckVerb,
  schemaVerb,
  completionsVerb,
];

/** The program's version line: deno.json's version and the build's commit (src/version.ts). */
export const VERSION: string = versionLine();

/** The whole CLI as the parser and the help see it. */
export const PROGRAM: ProgramDef = {
  name: "weft",
  version: VERSION,
  summary: "Weft runs workflows: a DAG of tasks with retries, timeouts and history.",
  verbs: VERBS,
  footer: `
Exit codes: 0 success, 1 the workflow failed (or a fault of the machine, such as a
full disk, or an internal error), 2 invalid input or usage, or a history folder no
verb can open (a file, no access): nothing ran, 130 interrupted (Ctrl-C, SIGTERM or
SIGHUP); run, logs --follow and monitor --live say in their --help when a signal
gives 143 (SIGTERM) or 129 (SIGHUP) instead.
Set WEFT_DEBUG=1 to see stack traces of internal errors.`,
};

/**
 * Runs the CLI with the given arguments and streams; resolves to the exit code.
 * Never throws: usage and input errors become messages and exit 2, anything else 1.
 */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  try {
    const call = parseCommandLine(PROGRAM, args);
    if (call.kind === "print") {
      await (call.stream === "stdout" ? out : err)(io, call.text);
      return call.exitCode;
    }
    return await call.verb.run(call.args, call.options, io);
  } catch (e) {
    return await reportError(e, io);
  }
}

async function reportError(e: unknown, io: CliIO): Promise<number> {
  if (e instanceof UsageError) {
    let text = `error: ${e.message}\n`;
    if (e.suggestion !== undefined) text += `(Did you mean ${e.suggestion}?)\n`;
    await err(io, text + `(run ${e.command} --help for usage)\n`);
    return ExitCode.Invalid;
  }
  if (e instanceof WeftError) {
    await err(io, e.problems.map(formatProblem).join("\n") + "\n");
    return e.exitCode;
  }
  if (e instanceof OutputStreamError) return await reportOutputFault(e, io);
  const fault = machineFault(e, io);
  if (fault) {
    await err(io, formatProblem(fault) + "\n");
    return ExitCode.Failed;
  }
  // A bug's message may quote anything (a secret, megabytes of a value): masked and cut.
  await err(io, `weft: internal error: ${internalErrorText(e, io.env)}\n`);
  const stack = io.env.WEFT_DEBUG ? internalErrorStack(e, io.env) : undefined;
  if (stack !== undefined) await err(io, stack + "\n");
  else await err(io, "  hint: run again with WEFT_DEBUG=1 for details, and report it\n");
  return ExitCode.Failed;
}

/**
 * A write to weft's own stdout or stderr failed: said naming the stream, not as a fault
 * of WEFT_HOME or a log file (what the verb did, a run included, is in the history).
 * Exit 1, a fault of the machine. When stderr is what fails, nothing more can be said.
 */
async function reportOutputFault(e: OutputStreamError, io: CliIO): Promise<number> {
  const text = describeFault(e.cause);
  const why = text?.reason ?? (e.cause as Error)?.message ?? String(e.cause);
  const hint = text?.reason === "no space left on the device"
    ? "free some space where it is redirected, or redirect it elsewhere"
    : "check where it is redirected";
  try {
    await err(
      io,
      formatProblem({ file: "", message: `weft: cannot write to ${e.stream}: ${why}`, hint }) +
        "\n",
    );
  } catch {
    // stderr itself fails: the exit code is all that is left to say it.
  }
  return ExitCode.Failed;
}

/** What the OS calls its operations in error messages, as words for "cannot …". */
const OPS: Record<string, string> = {
  mkdir: "create the folder",
  chmod: "change the mode of",
  open: "open",
  readfile: "read",
  writefile: "write",
  stat: "look at",
  copy: "copy",
  remove: "remove",
  rename: "rename",
  realpath: "resolve",
};

/**
 * A fault of the machine that reached the top without a StorageError around it (disk
 * full, read-only, permission, missing file, database locked): one problem naming the
 * path and the operation when the OS error names them, or null for anything else. A
 * hint names the setting to change only when it is known to have chosen the path: the
 * one a PathFault carries, or WEFT_HOME for a path inside it.
 */
function machineFault(e: unknown, io: CliIO): Problem | null {
  if (e instanceof PathFault) {
    const text = describeFault(e.cause, e.setting);
    const where = e.setting ? ` in ${e.setting}` : "";
    return {
      file: e.path,
      message: `${e.what}${where}: ${text?.reason ?? e.detail}`,
      hint: text?.hint,
    };
  }
  const where = faultPath(e);
  const text = describeFault(e, where && insideHome(where.path, io) ? HOME_SETTING : null);
  if (!text) return null;
  if (!where) return { file: "", message: `weft: ${text.reason}`, hint: text.hint };
  const op = OPS[where.op] ?? where.op;
  return { file: where.path, message: `cannot ${op}: ${text.reason}`, hint: text.hint };
}

/** Whether `path` is inside the WEFT_HOME this environment names (not known with --home). */
function insideHome(path: string, io: CliIO): boolean {
  try {
    const home = resolveHome(io.env, undefined, io.cwd, io.unreadableEnv);
    return path === home || path.startsWith(home.replace(/\/+$/, "") + "/");
  } catch {
    return false; // no HOME: no history folder to name
  }
}
