/**
 * The `python` task: a script file or inline code run by `python3` from PATH (or the
 * task's `interpreter`), in its own process group like a shell task. Inline code goes to
 * the interpreter on stdin (`python3 - ARGS`), so no size of it makes exec fail.
 * @module
 */
import {
  paramsInFile,
  runScript,
  scriptArgs,
  type ScriptConfig,
  scriptEnv,
  subField,
} from "./script_launch.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { pathField } from "./path_field.ts";
import { quoteData } from "../model/data_text.ts";

/** A python task's fields. */
export interface PythonConfig extends ScriptConfig {
  /** A program name looked up on PATH, or a path (default `python3`); `${...}` is interpolated, a value as one name. */
  interpreter?: string;
}

/**
 * Runs a Python script with `extraArgs` after its own `args` and `extraEnv` over its
 * environment (data_processor passes the input files and the output path this way, and
 * its `processor` as `within`, the field that holds `args`, for messages).
 */
export function runPython(
  config: PythonConfig,
  ctx: TaskContext,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
  within?: string,
): Promise<TaskResult> {
  return runScript(config, ctx, (source) => {
    const interpreter =
      pathField(ctx, subField("interpreter", within), config.interpreter ?? "").trim() || "python3";
    const shown = quoteData(JSON.stringify(interpreter));
    const env = scriptEnv(ctx, extraEnv);
    // Print lines as they happen (a pipe makes Python buffer stdout) unless told otherwise.
    if (!Object.hasOwn(env, "PYTHONUNBUFFERED")) env.PYTHONUNBUFFERED = "1";
    // Input paths too long for exec (data_processor, WEFT_INPUT_LIST_ONLY) and params too
    // long for WEFT_PARAMS are read from their files by a bootstrap that then runs the
    // script as `python3 SCRIPT` would.
    const boot = env.WEFT_INPUT_LIST_ONLY === "1" || paramsInFile(ctx) ? ["-c", BOOTSTRAP] : [];
    return {
      cmd: interpreter,
      args: [...boot, source.script, ...scriptArgs(config, ctx, "python", within), ...extraArgs],
      env,
      stdin: source.stdin,
      notFound: interpreterNotFound(interpreter, shown, config.interpreter !== undefined),
    };
  }, within);
}

/**
 * Why the interpreter did not start, saying what to change: a value with blanks (from a
 * `${...}`: validate refuses one written so, expr/program_words.ts) is one program's
 * name; a set one is the file's to fix; the default `python3` is to install.
 */
function interpreterNotFound(interpreter: string, shown: string, set: boolean): string {
  if (/\s/.test(interpreter)) {
    return `python interpreter ${shown} not found: \`interpreter\` is one program, a name or ` +
      "a path, without arguments";
  }
  if (interpreter.includes("/")) {
    return `python interpreter ${shown} not found; fix \`interpreter:\``;
  }
  return set
    ? `python interpreter ${shown} not found on PATH; fix \`interpreter:\` or install it`
    : `python interpreter ${shown} not found on PATH; install Python 3 or set \`interpreter:\``;
}

/**
 * `python3 -c BOOTSTRAP SCRIPT ARGS…`. With `WEFT_INPUT_LIST_ONLY=1`: appends the paths
 * in `$WEFT_INPUT_LIST` (one a line) to `sys.argv` and sets `WEFT_INPUT_FILES` for this
 * process only (an exported value that long could not reach a child anyway). With
 * `WEFT_PARAMS_FILE` (script_launch.ts paramsInFile): puts the file's JSON in
 * `os.environ['WEFT_PARAMS']`, as the script would have found it, in Python's mapping
 * only — not exported, so the script's own children still start (a value that long
 * would make their exec fail); they can read `WEFT_PARAMS_FILE`. Then runs SCRIPT as
 * `__main__`, or the code on stdin for `-`, with `sys.argv[0]` and `sys.path[0]` as
 * `python3 SCRIPT` sets them.
 */
const BOOTSTRAP = [
  "import os, sys, runpy",
  "files = []",
  "if os.environ.get('WEFT_INPUT_LIST_ONLY') == '1':",
  "    del os.environ['WEFT_INPUT_LIST_ONLY']",
  "    with open(os.environ['WEFT_INPUT_LIST'], encoding='utf-8', errors='surrogateescape') as f:",
  "        files = f.read().split('\\n')[:-1]",
  "    os.environ['WEFT_INPUT_FILES'] = '\\n'.join(files)",
  "if 'WEFT_PARAMS_FILE' in os.environ and 'WEFT_PARAMS' not in os.environ:",
  "    with open(os.environ['WEFT_PARAMS_FILE'], encoding='utf-8') as f:",
  "        text = f.read()",
  "    try:",
  "        os.environ._data[os.environ.encodekey('WEFT_PARAMS')] = os.environ.encodevalue(text)",
  "    except AttributeError:",
  "        os.environ['WEFT_PARAMS'] = text",
  "    del text",
  "sys.argv = sys.argv[1:] + files",
  "if sys.argv[0] == '-':",
  "    sys.path[0] = ''",
  "    exec(compile(sys.stdin.read(), '<stdin>', 'exec'), {'__name__': '__main__'})",
  "else:",
  "    sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))",
  "    runpy.run_path(sys.argv[0], run_name='__main__')",
].join("\n");

/** Runs `python` tasks. */
export const pythonRunner: TaskRunner<PythonConfig> = {
  type: "python",
  run: (task, ctx) => runPython(task, ctx),
};
