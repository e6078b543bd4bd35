/**
 * What a task's runner refuses before it starts anything, checked without starting it:
 * for `weft run --dry-run` (engine/preview.ts), so that a plan never shows as "what would
 * run" a command, request, folder or argv the run refuses for the same values. Each
 * check is the runner's own code (the same functions its `run` calls first), given a
 * context whose interpolation reads the values known before the run; what a runner
 * finds only once it runs (a missing script file, a program not on PATH, a server's
 * answer) is not checked here.
 * @module
 */
import type { TaskContext } from "./types.ts";
import { type HttpTask, prepareRequest } from "./http_request.ts";
import { scriptArgs, type ScriptConfig } from "./script_launch.ts";
import { connectionField, pathField, resolvedPathField } from "./path_field.ts";
import { dockerArgvs, type DockerConfig } from "./docker_argv.ts";
import { inShellField, refusedShell, type ShellConfig } from "./shell.ts";
import { isPosixFamilyShell } from "../expr/shell.ts";
import { connectionDialect, SQL_DIALECTS } from "../expr/sql.ts";
import { bindQuery } from "./database/runner.ts";
import { workingDirectoryFault } from "./start_errors.ts";

/**
 * The types whose runner starts a program in the task's folder (`ctx.cwd`): the shell,
 * a script's interpreter, `docker`, a data processor's. The others (http, database,
 * workflow, noop) start none there, so a folder they cannot enter does not fail them.
 */
const STARTS_IN_CWD = new Set(["shell", "javascript", "python", "docker", "data_processor"]);

/**
 * The reason the runner of `type` would fail with as it starts its program in `cwd`,
 * the spawner's own (start_errors.ts workingDirectoryFault: a folder that does not exist,
 * is a file or cannot be entered), or undefined when it can start there or starts no
 * program in it. For `weft run --dry-run` only: the folder is looked at now, and it may
 * be made before the run, so `weft validate` does not ask.
 */
export function startFault(type: string, cwd: string): string | undefined {
  return STARTS_IN_CWD.has(type) ? workingDirectoryFault(cwd)?.reason : undefined;
}

/**
 * Throws what the runner of `type` would fail `config` with before starting it (an
 * Error whose message is the run's reason, marked as in the run: model/data_text.ts).
 * `ctx.cwd` is the task's folder (engine: the `cwd` field checked already).
 */
export function preflight(type: string, config: unknown, ctx: TaskContext): void {
  switch (type) {
    case "shell": {
      const task = config as ShellConfig;
      const { env } = inShellField("command", () => ctx.interpolateShell(task.command));
      const shell = task.shell?.trim() || "sh";
      if (Object.keys(env).length > 0 && !isPosixFamilyShell(shell)) {
        throw new Error(refusedShell(shell).error);
      }
      return;
    }
    case "http":
      prepareRequest(config as HttpTask, ctx);
      return;
    case "javascript":
    case "python": {
      const script = config as ScriptConfig;
      if (script.script !== undefined) resolvedPathField(ctx, "script", script.script);
      scriptArgs(script, ctx, type);
      return;
    }
    case "docker":
      dockerArgvs((config as { config: DockerConfig }).config, ctx);
      return;
    case "database": {
      const db = (config as { config: { connection: string; query?: string } }).config;
      const connection = connectionField(ctx, "connection", db.connection);
      // The database the connection names, else either (the run then knows which).
      const dialect = connectionDialect(connection);
      if (db.query !== undefined) {
        bindQuery(db.query, ctx, (n) => `$${n}`, dialect ? [dialect] : SQL_DIALECTS);
      }
      return;
    }
    case "data_processor": {
      const task = config as { input: { path: string }; output: { path: string } };
      resolvedPathField(ctx, "output.path", task.output.path);
      pathField(ctx, "input.path", task.input.path, true);
      return;
    }
  }
}
