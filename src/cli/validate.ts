/**
 * `weft validate FILE...`: checks workflow files and reports every problem as
 * `file:line:col: message` (plus a hint line) on stderr, or as one JSON array on
 * stdout with `--json`. Exit 0 when every file is valid, 2 otherwise.
 * @module
 */
import { ExitCode, formatProblem, type Problem } from "../model/errors.ts";
import { typed, type VerbDef } from "./command.ts";
import { type CliIO, err, outJson } from "./io.ts";
import { pushAll } from "../arrays.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";

/** The flags of `weft validate`, as the parser gives them. */
export interface ValidateFlags {
  json?: boolean;
  quiet?: boolean;
}

/** One problem in `--json` output: every key always present (null when unknown). */
export interface JsonProblem {
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  hint: string | null;
}

const EXAMPLES = `Examples:
  weft validate deploy.yml                  every problem with file:line:col, and a hint
  weft validate examples/*.yml              several files; a summary line at the end
  weft validate deploy.yml --json | jq .    [{file, line, column, message, hint}] on stdout
  cat deploy.json | weft validate -         read the workflow from stdin
  weft validate -q deploy.yml && echo ok    print nothing but problems

Exit codes: 0 every file is valid, 2 a file has problems (or cannot be read).`;

/** The `validate` verb. */
export const validateVerb: VerbDef = {
  name: "validate",
  summary: "check workflow files and report every problem with file:line:col",
  arguments: [{
    name: "files",
    description: "workflow files (.json, .yml, .yaml), or - for stdin",
    required: true,
    variadic: true,
  }],
  options: [
    {
      long: "json",
      description: "print problems as one JSON array on stdout (empty when all are valid)",
    },
    { long: "quiet", short: "q", description: "print nothing but problems" },
  ],
  examples: EXAMPLES,
  run: (args, options, io) =>
    validateFiles(io, typed<{ files: string[] }>(args).files, typed<ValidateFlags>(options)),
};

/** Checks each file and reports; resolves to the exit code. */
export async function validateFiles(
  io: CliIO,
  files: string[],
  flags: ValidateFlags,
): Promise<number> {
  // Only `.json` files can skip the YAML parser (parse/problems.ts); otherwise the full
  // checks are loaded at once: a second dynamic import costs a few ms (issue 12 §3).
  const { workflowReport } = files.every((f) => f.toLowerCase().endsWith(".json"))
    ? await import("../parse/problems.ts")
    : await import("../parse/mod.ts");
  const all: Problem[] = [];
  let invalid = 0;
  for (const file of files) {
    // stdin only for `-`: making its stream costs ~2 ms (io.ts).
    const stdin = file === "-" ? io.stdin : undefined;
    const { problems, notes } = await workflowReport(file, {
      cwd: io.cwd,
      stdin,
      refusals: fixedRefusalCheck,
    });
    pushAll(all, problems);
    if (problems.length > 0) invalid++;
    // Notes go to stderr, --json too: its array on stdout is problems only.
    if (notes.length > 0 && !flags.quiet) await err(io, notes.map(formatProblem).join("\n") + "\n");
    if (flags.json) continue;
    if (problems.length > 0) {
      await err(io, problems.map(formatProblem).join("\n") + "\n");
    } else if (!flags.quiet) await err(io, `${file}: ok\n`);
  }
  if (flags.json) {
    await outJson(io, all.map(toJson));
  } else if (!flags.quiet) {
    await err(
      io,
      `${count(files.length, "file")}, ${invalid} invalid, ${count(all.length, "problem")}\n`,
    );
  }
  return invalid > 0 ? ExitCode.Invalid : ExitCode.Ok;
}

function toJson(p: Problem): JsonProblem {
  return {
    file: p.file,
    line: p.line ?? null,
    column: p.column ?? null,
    message: p.message,
    hint: p.hint ?? null,
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
