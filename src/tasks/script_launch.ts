/**
 * What the `javascript`, `python` and `data_processor` runners share: finding the
 * script, the environment a script gets, how weft starts its own JavaScript runtime,
 * and running one child process with its output streamed as a shell task's is.
 * @module
 */
import { dirname, resolve } from "node:path";
import type * as NodeUrl from "node:url";
import type * as NodeFs from "node:fs";
import { emitUntilExit } from "./byte_lines.ts";
import { notFoundReason, startFailure } from "./start_errors.ts";
import type { SpawnedProcess, TaskContext, TaskResult } from "./types.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import { nodeBuiltin, specialFileKind } from "../path.ts";

/** The hidden CLI verb that evaluates a JavaScript task in weft's own runtime (js_host.ts). */
export const JS_HOST_VERB = "__javascript";

/** A script task's source: a file (`script`) or inline text (`code`), and its arguments. */
export interface ScriptConfig {
  /** A file, relative to the workflow file; `${...}` is interpolated. */
  script?: string;
  /** Inline source, passed to the interpreter on stdin; not interpolated (it is code). */
  code?: string;
  /** Arguments; `${...}` is interpolated in each. */
  args?: string[];
}

/**
 * What the interpreter is handed for one launch: the script's absolute path, or `-` with
 * the inline code to write to its stdin.
 */
export interface ScriptSource {
  script: string;
  stdin?: string;
}

/**
 * Resolves a task's `script`/`code`: the script path interpolated and made absolute
 * against the workflow folder. Returns an error text (one line) when the file is missing,
 * a folder, or a device, FIFO or socket (saying which).
 */
export function scriptSource(config: ScriptConfig, ctx: TaskContext): ScriptSource | string {
  if (config.code !== undefined) return { script: "-", stdin: config.code };
  const written = ctx.interpolate(config.script ?? "");
  const file = resolve(ctx.workflowDir ?? ctx.cwd, written);
  let stat: Deno.FileInfo | undefined;
  try {
    stat = Deno.statSync(file);
  } catch {
    // reported below
  }
  if (stat?.isDirectory) {
    return `script ${quoteData(JSON.stringify(written))} is a folder (${
      quoteData(file)
    }): name the script file in it`;
  }
  if (stat && !stat.isFile) {
    // A device or FIFO (a script symlinked to /dev/zero) exists: say what it is.
    return `script ${quoteData(JSON.stringify(written))} is ${specialFileKind(stat)}, not a file (${
      quoteData(file)
    }): name a regular script file`;
  }
  if (!stat) {
    return `script ${quoteData(JSON.stringify(written))} not found (looked for ${
      quoteData(file)
    }; a script path is relative to the workflow file)`;
  }
  return { script: file };
}

/** `args` with `${...}` interpolated. */
export function scriptArgs(config: ScriptConfig, ctx: TaskContext): string[] {
  return (config.args ?? []).map((arg) => ctx.interpolate(arg));
}

/**
 * The environment of a script: the task's merged environment, `WEFT_PARAMS` (the run's
 * parameters as a JSON object), then `extra`.
 */
export function scriptEnv(
  ctx: TaskContext,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...ctx.env, WEFT_PARAMS: JSON.stringify(ctx.params ?? {}), ...extra };
}

/**
 * The command that starts weft's own JavaScript host (`weft __javascript ...`), from
 * wherever weft runs:
 * - from source (`deno run main.ts`): `deno run -A --quiet --config deno.json main.ts`;
 * - from a bundle (`deno run weft.js`): `deno run -A --quiet --no-config weft.js`;
 * - compiled (`deno compile`, `Deno.build.standalone`): the weft executable itself.
 * `hostUrl` is this module's URL: ending in /src/tasks/script_launch.ts only when run
 * from source (a bundle's modules all share the bundle's URL). No `node` or other `deno`
 * on PATH is needed: `execPath` is the runtime weft itself runs on.
 */
export function jsHostCommand(
  execPath: string = Deno.execPath(),
  mainModule: string = Deno.mainModule,
  hostUrl: string = import.meta.url,
  standalone: boolean = (Deno.build as { standalone?: boolean }).standalone === true,
): string[] {
  if (standalone) return [execPath, JS_HOST_VERB];
  const { fileURLToPath } = nodeBuiltin<typeof NodeUrl>("node:url");
  if (hostUrl.startsWith("file:") && hostUrl.endsWith("/src/tasks/script_launch.ts")) {
    const main = fileURLToPath(new URL("../../main.ts", hostUrl));
    const config = resolve(dirname(main), "deno.json");
    const configArgs = nodeBuiltin<typeof NodeFs>("node:fs").existsSync(config)
      ? ["--config", config]
      : ["--no-config"];
    return [execPath, "run", "-A", "--quiet", ...configArgs, main, JS_HOST_VERB];
  }
  const main = mainModule.startsWith("file:") ? fileURLToPath(mainModule) : mainModule;
  return [execPath, "run", "-A", "--quiet", "--no-config", main, JS_HOST_VERB];
}

/** One child process to run for a script task. */
export interface ScriptLaunch {
  cmd: string;
  args: string[];
  env: Record<string, string>;
  /** Inline code, written to the child's stdin. */
  stdin?: string;
  /** The one-line reason when `cmd` cannot be found (e.g. "python3 not found on PATH"). */
  notFound: string;
}

/**
 * Resolves the task's `script`/`code` (a missing script is a failed result saying why),
 * then runs the launch `plan` makes of it with {@link runScriptProcess}.
 */
export function runScript(
  config: ScriptConfig,
  ctx: TaskContext,
  plan: (source: ScriptSource) => ScriptLaunch,
): Promise<TaskResult> {
  const source = scriptSource(config, ctx);
  if (typeof source === "string") {
    return Promise.resolve({ ok: false, exitCode: null, outputs: {}, error: source });
  }
  return runScriptProcess(ctx, plan(source));
}

/**
 * Starts the child in its own process group through `ctx.spawner` (a timeout or cancel
 * ends the whole group), streams stdout/stderr line by line through `ctx.emit`, and waits
 * for the group. Never throws: a child that cannot start is a failed result saying why.
 */
export async function runScriptProcess(
  ctx: TaskContext,
  launch: ScriptLaunch,
): Promise<TaskResult> {
  let child: SpawnedProcess;
  try {
    child = await ctx.spawner.spawn({
      cmd: launch.cmd,
      args: launch.args,
      cwd: ctx.cwd,
      env: launch.env,
      signal: ctx.signal,
      killGraceMs: ctx.killGraceMs,
      stdin: launch.stdin,
    });
  } catch (error) {
    return { ok: false, exitCode: null, outputs: {}, error: startError(launch, ctx.cwd, error) };
  }
  const status = await emitUntilExit(child, ctx);
  if (status.code === 0) return { ok: true, exitCode: 0, outputs: {} };
  const error = status.signal
    ? ownText(`killed by ${status.signal}`)
    : ownText(`exited with code ${status.code}`);
  return { ok: false, exitCode: status.code, outputs: {}, error };
}

function startError(launch: ScriptLaunch, cwd: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return notFoundReason(cwd, launch.notFound);
  const what = quoteData(JSON.stringify(launch.cmd));
  if (error instanceof Deno.errors.PermissionDenied) {
    return `cannot start ${what}: permission denied`;
  }
  return `cannot start ${what}: ${startFailure(error)}`;
}
