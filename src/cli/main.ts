/**
 * The CLI: parses argv (argv.ts) against the verbs' declarations, runs the verb, and
 * maps errors to exit codes. Verb files declare cheaply and load heavy modules (zod,
 * yaml, the store, the engine) inside `run`, so `weft --help`, `weft history` and
 * `weft status` start fast.
 * @module
 */
import { ExitCode, formatProblem, WeftError } from "../model/errors.ts";
import { type CliIO, err, out } from "./io.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { parseCommandLine, UsageError } from "./argv.ts";
import type { ProgramDef, VerbDef } from "./command.ts";
import { validateVerb } from "./validate.ts";
import { historyVerb } from "./history.ts";
import { statusVerb } from "./status.ts";
import { logsVerb } from "./logs.ts";
import { metricsVerb } from "./metrics.ts";
import { runVerb } from "./run.ts";

/** Every verb, in help order. Adding a verb means adding its definition here. */
const VERBS: readonly VerbDef[] = [
  runVerb,
  validateVerb,
  historyVerb,
  statusVerb,
  logsVerb,
  metricsVerb,
];

/** The program's version, from deno.json. */
export const VERSION: string = denoJson.version;

/** The whole CLI as the parser and the help see it. */
export const PROGRAM: ProgramDef = {
  name: "weft",
  version: VERSION,
  summary: "Weft runs workflows: a DAG of tasks with retries, timeouts and history.",
  verbs: VERBS,
  footer: `
Exit codes: 0 success, 1 the workflow failed, 2 invalid input or usage, 130 interrupted.
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
  const message = e instanceof Error ? e.message : String(e);
  await err(io, `weft: internal error: ${message}\n`);
  if (io.env.WEFT_DEBUG && e instanceof Error && e.stack) await err(io, e.stack + "\n");
  else await err(io, "  hint: run again with WEFT_DEBUG=1 for details, and report it\n");
  return ExitCode.Failed;
}
