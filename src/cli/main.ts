/**
 * The CLI: parses argv with commander, dispatches to one file per verb, and maps
 * errors to exit codes. Verb files load heavy modules (zod, yaml, the engine) lazily
 * inside their actions so `weft --help` and `weft history` start fast.
 * @module
 */
import { Command, CommanderError } from "commander";
import { ExitCode, formatProblem, WeftError } from "../model/errors.ts";
import { type CliIO, err } from "./io.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { validateCommand } from "./validate.ts";
import { historyCommand } from "./history.ts";
import { statusCommand } from "./status.ts";
import { logsCommand } from "./logs.ts";
import { metricsCommand } from "./metrics.ts";
import { runCommand } from "./run.ts";

/** What a verb's action returns: the process exit code. */
export type VerbResult = Promise<number>;

/** Builds one verb's commander definition; the action stores its exit code via `done`. */
export type VerbFactory = (io: CliIO, done: (code: number) => void) => Command;

/** Every verb, in help order. Adding a verb means adding its factory here. */
const VERBS: VerbFactory[] = [
  runCommand,
  validateCommand,
  historyCommand,
  statusCommand,
  logsCommand,
  metricsCommand,
];

/** The program's version, from deno.json. */
export const VERSION: string = denoJson.version;

/**
 * Runs the CLI with the given arguments and streams; resolves to the exit code.
 * Never throws: user errors become messages and exit 2, anything else exit 1.
 */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  // Commander writes synchronously; chain our async writes so they land in order
  // and are flushed before the exit code is returned.
  let written: Promise<void> = Promise.resolve();
  const write = (s: string) => {
    written = written.then(() => err(io, s));
  };
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command("weft")
    .description("Weft runs workflows: a DAG of tasks with retries, timeouts and history.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: write,
      writeErr: write,
    })
    .exitOverride();
  program.addHelpText(
    "after",
    `
Exit codes: 0 success, 1 the workflow failed, 2 invalid input or usage, 130 interrupted.
Set WEFT_DEBUG=1 to see stack traces of internal errors.`,
  );
  for (const factory of VERBS) program.addCommand(factory(io, done).exitOverride());

  try {
    if (args.length === 0) {
      program.outputHelp();
      return ExitCode.Invalid;
    }
    await program.parseAsync(args, { from: "user" });
    return exitCode;
  } catch (e) {
    return await reportError(e, io);
  } finally {
    await written;
  }
}

async function reportError(e: unknown, io: CliIO): Promise<number> {
  if (e instanceof CommanderError) {
    // Help and version are "errors" in commander's exitOverride; they succeeded.
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return ExitCode.Ok;
    if (e.code === "commander.help") return ExitCode.Ok;
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
