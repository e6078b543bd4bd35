/**
 * The `python` task: a script file or inline code run by `python3` from PATH (or the
 * task's `interpreter`), in its own process group like a shell task. Inline code goes to
 * the interpreter on stdin (`python3 - ARGS`), so no size of it makes exec fail.
 * @module
 */
import {
  runScriptProcess,
  scriptArgs,
  type ScriptConfig,
  scriptEnv,
  scriptSource,
} from "./script_launch.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { quoteData } from "../model/data_text.ts";

/** A python task's fields. */
export interface PythonConfig extends ScriptConfig {
  /** A program name looked up on PATH, or a path (default `python3`); `${...}` is interpolated. */
  interpreter?: string;
}

/**
 * Runs a Python script with `extraArgs` after its own `args` and `extraEnv` over its
 * environment (data_processor passes the input files and the output path this way).
 */
export function runPython(
  config: PythonConfig,
  ctx: TaskContext,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<TaskResult> {
  const source = scriptSource(config, ctx);
  if (typeof source === "string") {
    return Promise.resolve({ ok: false, exitCode: null, outputs: {}, error: source });
  }
  const interpreter = ctx.interpolate(config.interpreter ?? "").trim() || "python3";
  const shown = quoteData(JSON.stringify(interpreter));
  const env = scriptEnv(ctx, extraEnv);
  // Print lines as they happen (a pipe makes Python buffer stdout) unless told otherwise.
  if (!Object.hasOwn(env, "PYTHONUNBUFFERED")) env.PYTHONUNBUFFERED = "1";
  return runScriptProcess(ctx, {
    cmd: interpreter,
    args: ["file" in source ? source.file : "-", ...scriptArgs(config, ctx), ...extraArgs],
    env,
    stdin: "code" in source ? source.code : undefined,
    notFound: interpreter.includes("/")
      ? `python interpreter ${shown} not found; fix \`interpreter:\``
      : `python interpreter ${shown} not found on PATH; install Python 3 or set \`interpreter:\``,
  });
}

/** Runs `python` tasks. */
export const pythonRunner: TaskRunner<PythonConfig> = {
  type: "python",
  run: (task, ctx) => runPython(task, ctx),
};
