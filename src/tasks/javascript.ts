/**
 * The `javascript` task: a script file or inline code run by weft's own runtime (no
 * `node` or other `deno` needed), in its own process group like a shell task. The child
 * is `weft __javascript` (see script_launch.ts jsHostCommand); what the script sees is
 * described in js_host.ts.
 * @module
 */
import {
  jsHostCommand,
  runScriptProcess,
  scriptArgs,
  type ScriptConfig,
  scriptEnv,
  scriptSource,
} from "./script_launch.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { ownText } from "../model/data_text.ts";

/**
 * Runs a JavaScript script with `extraArgs` after its own `args` and `extraEnv` over its
 * environment (data_processor passes the input files and the output path this way).
 */
export function runJavaScript(
  config: ScriptConfig,
  ctx: TaskContext,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<TaskResult> {
  const source = scriptSource(config, ctx);
  if (typeof source === "string") {
    return Promise.resolve({ ok: false, exitCode: null, outputs: {}, error: source });
  }
  const [cmd, ...host] = jsHostCommand();
  return runScriptProcess(ctx, {
    cmd,
    args: [...host, "file" in source ? source.file : "-", ...scriptArgs(config, ctx), ...extraArgs],
    env: scriptEnv(ctx, extraEnv),
    stdin: "code" in source ? source.code : undefined,
    notFound: ownText(`cannot start weft's JavaScript runtime: ${cmd} not found`),
  });
}

/** Runs `javascript` tasks. */
export const javascriptRunner: TaskRunner<ScriptConfig> = {
  type: "javascript",
  run: (task, ctx) => runJavaScript(task, ctx),
};
