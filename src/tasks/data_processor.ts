/**
 * The `data_processor` task: the files a glob matches, handed to a processor
 * (`javascript`, `python` or `shell`) that writes one output file.
 *
 * - `input.path` is a glob (`data/*.json`, `logs/**\/*.txt`, `{a,b}.csv`), relative to
 *   the workflow file, matched asynchronously by the npm `glob` package (glob_files.ts:
 *   weft's thread stays free, the task's timeout ends it); only files count (not folders), in
 *   sorted order; the output file itself is never an input (by any path: same inode). No match fails the task
 *   unless `input.allow_empty: true`.
 * - The processor gets the matched absolute paths as arguments (after its own `args`;
 *   for `shell`, as `$1 $2 ...`/`"$@"`) and in `WEFT_INPUT_FILES` (one per line; a name
 *   holding a line break fails the task, naming the file), and a
 *   path to write in `WEFT_OUTPUT_FILE`: a temporary file beside the output, renamed
 *   over it only when the processor succeeds, so a failed, timed-out or cancelled
 *   processor leaves no half-written output. An output path holding a device, a FIFO or
 *   a folder fails the task before the processor starts (never replaced); a link to a
 *   file is written through (data_processor_output.ts). Outputs: `output_file`, `input_count`.
 * @module
 */
import { dirname, isAbsolute, normalize } from "node:path";
import { workFileTrouble } from "./work_fault.ts";
import { runJavaScript } from "./javascript.ts";
import { type PythonConfig, runPython } from "./python.ts";
import { runScriptProcess, type ScriptConfig, scriptEnv } from "./script_launch.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { pathField, resolvedPathField } from "./path_field.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import { isPosixFamilyShell } from "../expr/shell.ts";
import { inShellField, refusedShell } from "./shell.ts";
import { prepareShell, type ShellLaunch } from "./shell_launch.ts";
import { GlobAbortedError, globFiles, GlobTooWideError } from "./glob_files.ts";
import { outputTarget, tempPath, withoutOutput } from "./data_processor_output.ts";

/** What the data_processor runner reads from its task. */
export interface DataProcessorConfig {
  input: { type: "file"; path: string; allow_empty?: boolean };
  processor:
    | ({ type: "javascript" } & ScriptConfig)
    | ({ type: "python" } & PythonConfig)
    | { type: "shell"; command: string; shell?: string };
  output: { type: "file"; path: string };
}

/** Runs `data_processor` tasks. */
export const dataProcessorRunner: TaskRunner<DataProcessorConfig> = {
  type: "data_processor",
  async run(task: DataProcessorConfig, ctx: TaskContext): Promise<TaskResult> {
    const base = ctx.workflowDir ?? ctx.cwd;
    // A value is a name in these paths, never `..` or a pattern (expr/path.ts); the
    // engine records the ExpressionError thrown for one as the task's failure.
    const output = resolvedPathField(ctx, "output.path", task.output.path, base).path;
    const pattern = pathField(ctx, "input.path", task.input.path, true);
    // Checked before anything runs: the output must be nothing, a file or a link to one
    // (written through), never a device or FIFO the rename would replace (write_target.ts).
    const target = outputTarget(output);
    if ("refused" in target) return failed(target.refused);
    let inputs: string[];
    try {
      inputs = await withoutOutput(await matchFiles(base, pattern, ctx.signal), output);
    } catch (error) {
      if (error instanceof GlobAbortedError) return failed(ownText(error.message));
      if (error instanceof GlobTooWideError) {
        return failed(`input ${quoteData(JSON.stringify(pattern))}: ${error.message}`);
      }
      return failed(`input ${quoteData(JSON.stringify(pattern))}: ${messageOf(error)}`);
    }
    if (inputs.length === 0 && task.input.allow_empty !== true) {
      return failed(
        `input ${quoteData(JSON.stringify(pattern))} matched no files (looked in ${
          quoteData(base)
        }); fix the glob, or set \`allow_empty: true\` under input to run without any`,
      );
    }
    // WEFT_INPUT_FILES and $WEFT_INPUT_LIST hold one path a line, and past
    // INLINE_INPUTS_BYTES the arguments are read back from the list: a name holding a line
    // break would become two files there (one the glob may have left out).
    const broken = inputs.find((path) => /[\n\r]/.test(path));
    if (broken !== undefined) {
      return failed(
        `input ${quoteData(JSON.stringify(pattern))} matched the file ${
          quoteData(JSON.stringify(broken))
        }, whose name holds a line break: WEFT_INPUT_FILES and $WEFT_INPUT_LIST hold one ` +
          "path a line, so it would be read as two files; rename it, or narrow the glob to leave it out",
      );
    }
    // Beside the file a link points to, so the rename stays within its file system.
    const temp = tempPath(target.path, ctx.runId, ctx.attempt);
    const list = `${temp}.inputs`;
    const listText = inputs.map((path) => path + "\n").join("");
    try {
      Deno.mkdirSync(dirname(output), { recursive: true, mode: 0o700 });
      removeIfThere(temp);
      Deno.writeTextFileSync(list, listText, { mode: 0o600 });
    } catch (error) {
      return failed(
        `cannot prepare the output folder ${quoteData(dirname(output))}: ${messageOf(error)}`,
      );
    }
    // Paths too long for exec (128 KiB for one string, ~2 MiB in all) go in the list only.
    const listOnly = new TextEncoder().encode(listText).length > INLINE_INPUTS_BYTES;
    const extraEnv: Record<string, string> = listOnly
      ? { WEFT_INPUT_LIST: list, WEFT_INPUT_LIST_ONLY: "1", WEFT_OUTPUT_FILE: temp }
      : { WEFT_INPUT_FILES: inputs.join("\n"), WEFT_INPUT_LIST: list, WEFT_OUTPUT_FILE: temp };
    let result: TaskResult;
    try {
      // A processor field that cannot be resolved (a value too long for an argument, one
      // refused in its script's path) is the processor's reason, as for any task, not the
      // output's: given as the engine gives a thrown one (engine/context.ts errorText).
      result = await runProcessor(task.processor, ctx, listOnly ? [] : inputs, extraEnv)
        .catch((error: unknown) => failed(error instanceof Error ? error.message : String(error)));
      if (!result.ok) return result;
      if (!isFile(temp)) {
        return failed(
          ownText(
            "the processor succeeded but wrote no file at $WEFT_OUTPUT_FILE; " +
              "it must write its result there (weft moves it to the output path)",
          ),
          result.exitCode,
        );
      }
      // Again: the processor may have put something at the output path meanwhile.
      const again = outputTarget(output);
      if ("refused" in again) return failed(again.refused, result.exitCode);
      // The processor made the temp file with its umask (0644 as a rule): a replaced file
      // keeps its owner's mode, a new one is private, as every file weft writes for the
      // user (cli/write_private.ts). Not through a link the processor put there (a
      // symbolic one, or a hard link to an input): chmod would change that other file.
      const made = Deno.lstatSync(temp);
      if (made.isFile && made.nlink === 1) Deno.chmodSync(temp, again.mode ?? 0o600);
      Deno.renameSync(temp, again.path);
    } catch (error) {
      return failed(`cannot write the output ${quoteData(output)}: ${messageOf(error)}`);
    } finally {
      removeIfThere(temp);
      removeIfThere(list);
    }
    return {
      ...result,
      outputs: { ...result.outputs, output_file: output, input_count: String(inputs.length) },
    };
  },
};

/**
 * Above this many bytes of paths (one a line), they are not passed as arguments and in
 * `WEFT_INPUT_FILES` by exec, which would fail with E2BIG past 128 KiB for one string;
 * the processor reads them from `$WEFT_INPUT_LIST` instead, which the javascript and
 * python launchers and the shell prefix ({@link LIST_PREFIX}) do for the script, so it
 * sees the same arguments and `WEFT_INPUT_FILES` either way.
 */
export const INLINE_INPUTS_BYTES = 96 * 1024;

/**
 * Put before a shell processor's command when the paths are in the list only: they
 * become `$1 $2 …` (split on line ends, no globbing; the shell's defaults restored) and
 * the shell variable WEFT_INPUT_FILES, not exported (a child's exec would fail with it).
 * One line, so the command's own line numbers stay as written.
 */
const LIST_PREFIX = "unset WEFT_INPUT_LIST_ONLY; set -f; IFS='\n'; " +
  'set -- "$@" $(cat "$WEFT_INPUT_LIST"); WEFT_INPUT_FILES="$*"; unset IFS; set +f; ';

/**
 * The files `pattern` matches under `base`, as absolute paths, sorted (folders left out).
 * The pattern is matched relative to `base` (so glob characters in the folder's own name
 * are not read as a glob); its leading `../` steps move `base` up. An absolute pattern is
 * matched as it is. Matched asynchronously (glob_files.ts), as a short glob can take
 * minutes; rejects with GlobAbortedError once `signal` aborts.
 */
export function matchFiles(base: string, pattern: string, signal?: AbortSignal): Promise<string[]> {
  if (isAbsolute(pattern)) return globFiles(pattern, undefined, signal);
  let dir = base;
  let rest = normalize(pattern);
  while (rest.startsWith("../")) {
    dir = dirname(dir);
    rest = rest.slice(3);
  }
  return globFiles(rest, dir, signal);
}

// async: a field's error thrown while the launch is planned rejects, for the caller's catch.
// deno-lint-ignore require-await
async function runProcessor(
  processor: DataProcessorConfig["processor"],
  ctx: TaskContext,
  inputs: string[],
  extraEnv: Record<string, string>,
): Promise<TaskResult> {
  switch (processor.type) {
    case "javascript":
      return runJavaScript(processor, ctx, inputs, extraEnv, "processor");
    case "python":
      return runPython(processor, ctx, inputs, extraEnv, "processor");
    default: {
      const shell = processor.shell?.trim() || "sh";
      // `sh -c COMMAND NAME FILE...`: the files are $1.. ("$@"), never part of the command.
      const { command: written, env: values } = inShellField(
        "processor.command",
        () => ctx.interpolateShell(processor.command),
      );
      if (Object.keys(values).length > 0 && !isPosixFamilyShell(shell)) {
        return Promise.resolve(refusedShell(shell)); // validate says so too
      }
      const command = extraEnv.WEFT_INPUT_LIST_ONLY === "1" ? LIST_PREFIX + written : written;
      return runShellProcessor(ctx, shell, command, values, scriptEnv(ctx, extraEnv), inputs);
    }
  }
}

/**
 * `SHELL -c COMMAND data_processor FILE...`, its values passed as a shell task's are
 * (shell_launch.ts prepareShell): a value too large for one environment variable, or a
 * command too long for `-c`, travels in a private file, so a large `${...}` works here as
 * in a shell task. The files are still `$1 $2 …` (`.` keeps the positional parameters).
 */
async function runShellProcessor(
  ctx: TaskContext,
  shell: string,
  command: string,
  values: Record<string, string>,
  env: Record<string, string>,
  inputs: string[],
): Promise<TaskResult> {
  let launch: ShellLaunch;
  try {
    launch = await prepareShell(command, values, env, ctx.outputFile);
  } catch (error) {
    return failed(workFileTrouble("cannot write the command to a file", error, ctx.outputFile));
  }
  try {
    return await runScriptProcess(ctx, {
      cmd: shell,
      args: [...launch.args, "data_processor", ...inputs],
      env: launch.env,
      notFound: `cannot start shell ${quoteData(JSON.stringify(shell))}: not found`,
    });
  } finally {
    await launch.cleanup();
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function removeIfThere(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function failed(error: string, exitCode: number | null = null): TaskResult {
  return { ok: false, exitCode, outputs: {}, error };
}

/** An error's message, quoted as data (an OS message may name any path). */
function messageOf(error: unknown): string {
  return quoteData(error instanceof Error ? error.message : String(error));
}
