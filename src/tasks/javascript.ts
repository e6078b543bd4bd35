/**
 * The `javascript` task: a script file or inline code run by weft's own runtime (no
 * `node` or other `deno` needed), in its own process group like a shell task. The child
 * is `weft __javascript` (see script_launch.ts jsHostCommand); what the script sees is
 * described in js_host.ts.
 * @module
 */
import {
  jsHostCommand,
  runScript,
  scriptArgs,
  type ScriptConfig,
  scriptEnv,
} from "./script_launch.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { ownText } from "../model/data_text.ts";

/**
 * Runs a JavaScript script with `extraArgs` after its own `args` and `extraEnv` over its
 * environment (data_processor passes the input files and the output path this way, and
 * its `processor` as `within`, the field that holds `args`, for messages).
 */
export function runJavaScript(
  config: ScriptConfig,
  ctx: TaskContext,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
  within?: string,
): Promise<TaskResult> {
  return runScript(config, ctx, (source) => {
    const [cmd, ...host] = jsHostCommand();
    return {
      cmd,
      args: [
        ...host,
        source.script,
        ...scriptArgs(config, ctx, "javascript", within),
        ...extraArgs,
      ],
      env: scriptEnv(ctx, extraEnv),
      stdin: source.stdin,
      notFound: ownText(`cannot start weft's JavaScript runtime: ${cmd} not found`),
    };
  }, within);
}

/** Runs `javascript` tasks. */
export const javascriptRunner: TaskRunner<ScriptConfig> = {
  type: "javascript",
  run: (task, ctx) => runJavaScript(task, ctx),
};
