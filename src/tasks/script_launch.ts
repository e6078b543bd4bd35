/**
 * What the `javascript`, `python` and `data_processor` runners share: finding the
 * script, the environment a script gets, how weft starts its own JavaScript runtime,
 * and running one child process with its output streamed as a shell task's is.
 * @module
 */
import { dirname, resolve } from "node:path";
import { workFileTrouble } from "./work_fault.ts";
import type * as NodeUrl from "node:url";
import type * as NodeFs from "node:fs";
import { emitUntilExit } from "./byte_lines.ts";
import { notFoundReason, startFailure, WorkingDirectoryError } from "./start_errors.ts";
import type { SpawnedProcess, TaskContext, TaskResult } from "./types.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import { nodeBuiltin, specialFileKind } from "../path.ts";
import { argumentValue, byteLength, MAX_ARG_STRLEN } from "./exec_limits.ts";
import { resolvedPathField } from "./path_field.ts";

/** The hidden CLI verb that evaluates a JavaScript task in weft's own runtime (js_host.ts). */
export const JS_HOST_VERB = "__javascript";

/** A script task's source: a file (`script`) or inline text (`code`), and its arguments. */
export interface ScriptConfig {
  /** A file, relative to the workflow file; `${...}` is interpolated, a value as one name. */
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
 * a folder, or a device, FIFO or socket (saying which). `within`: the field holding
 * `config` (data_processor's `processor`), to name `processor.script` in a refusal.
 */
export function scriptSource(
  config: ScriptConfig,
  ctx: TaskContext,
  within?: string,
): ScriptSource | string {
  if (config.code !== undefined) return { script: "-", stdin: config.code };
  // A path: a value in it is one name, never `..` or more folders (path_field.ts).
  const { written, path: file } = resolvedPathField(
    ctx,
    subField("script", within),
    config.script ?? "",
  );
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

/**
 * `args` with `${...}` interpolated. Each becomes one argument of the interpreter's exec:
 * one over Linux's limit throws an ArgumentTooLongError naming the field as written
 * (`args[1]`; `processor.args[0]` when `within` is data_processor's `processor`) and the
 * task type, rather than exec's position in weft's own command line
 * (exec_limits.ts argumentValue).
 */
export function scriptArgs(
  config: ScriptConfig,
  ctx: TaskContext,
  language: "javascript" | "python",
  within?: string,
): string[] {
  const field = subField("args", within);
  const program = `the ${language} ${within ?? "script"}`;
  return (config.args ?? []).map((arg, i) =>
    argumentValue(`${field}[${i}]`, ctx.interpolate(arg), program)
  );
}

/** `field` as the workflow names it: `processor.args` inside data_processor's processor. */
export function subField(field: string, within: string | undefined): string {
  return within === undefined ? field : `${within}.${field}`;
}

/**
 * The variable naming the private file that holds the run's parameters (JSON) when
 * `WEFT_PARAMS` would be too long for exec; read by js_host.ts and python.ts's bootstrap.
 */
export const PARAMS_FILE_VAR = "WEFT_PARAMS_FILE";

/** The run's parameters as a JSON object: what `WEFT_PARAMS` or the params file holds. */
function paramsJson(ctx: TaskContext): string {
  return JSON.stringify(ctx.params ?? {});
}

/**
 * Whether the run's parameters go to the script in a file rather than `WEFT_PARAMS`:
 * when `WEFT_PARAMS=JSON` would pass Linux's limit on one environment string
 * (MAX_ARG_STRLEN, 128 KiB with its NUL, execve(2)), which would fail the exec.
 */
export function paramsInFile(ctx: TaskContext): boolean {
  return tooLongForEnv(paramsJson(ctx));
}

/** Whether `WEFT_PARAMS=json` is over MAX_ARG_STRLEN (see {@link paramsInFile}). */
function tooLongForEnv(json: string): boolean {
  return byteLength(`WEFT_PARAMS=${json}`) + 1 > MAX_ARG_STRLEN;
}

/**
 * The environment of a script: the task's merged environment, `WEFT_PARAMS` (the run's
 * parameters as a JSON object; left out when {@link paramsInFile}, and
 * {@link runScriptProcess} names the file in `WEFT_PARAMS_FILE`), then `extra`. An
 * inherited `WEFT_PARAMS` or `WEFT_PARAMS_FILE` is dropped: only weft's own is seen.
 */
export function scriptEnv(
  ctx: TaskContext,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...ctx.env };
  delete env.WEFT_PARAMS;
  delete env[PARAMS_FILE_VAR];
  const json = paramsJson(ctx);
  if (!tooLongForEnv(json)) env.WEFT_PARAMS = json;
  return Object.assign(env, extra);
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
 * then runs the launch `plan` makes of it with {@link runScriptProcess}. `within`: as
 * for {@link scriptSource}.
 */
export function runScript(
  config: ScriptConfig,
  ctx: TaskContext,
  plan: (source: ScriptSource) => ScriptLaunch,
  within?: string,
): Promise<TaskResult> {
  const source = scriptSource(config, ctx, within);
  if (typeof source === "string") {
    return Promise.resolve({ ok: false, exitCode: null, outputs: {}, error: source });
  }
  return runScriptProcess(ctx, plan(source));
}

/**
 * Starts the child in its own process group through `ctx.spawner` (a timeout or cancel
 * ends the whole group), streams stdout/stderr line by line through `ctx.emit`, and waits
 * for the group. Never throws: a child that cannot start is a failed result saying why.
 * When {@link paramsInFile}, the parameters are first written to a private file (0600,
 * in a 0700 folder beside the attempt's output file) named by `WEFT_PARAMS_FILE`, and
 * removed when the child has ended.
 */
export async function runScriptProcess(
  ctx: TaskContext,
  launch: ScriptLaunch,
): Promise<TaskResult> {
  let env = launch.env;
  let folder: string | undefined;
  const json = paramsJson(ctx);
  if (tooLongForEnv(json)) {
    try {
      folder = await privateFolder(ctx.outputFile);
      const file = `${folder}/params.json`;
      await Deno.writeTextFile(file, json, { mode: 0o600 });
      env = { ...env, [PARAMS_FILE_VAR]: file };
    } catch (error) {
      if (folder !== undefined) await Deno.remove(folder, { recursive: true }).catch(() => {});
      const message = workFileTrouble(
        "cannot write the run's parameters to a private file",
        error,
        ctx.outputFile,
      );
      return { ok: false, exitCode: null, outputs: {}, error: message };
    }
  }
  try {
    return await spawnAndWait(ctx, { ...launch, env });
  } finally {
    if (folder !== undefined) await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
}

/** A new private folder (0700) beside `workFile` (in the system temp folder if that fails). */
async function privateFolder(workFile: string): Promise<string> {
  if (workFile !== "") {
    try {
      return await Deno.makeTempDir({ dir: dirname(workFile), prefix: "params-" });
    } catch { /* the system temp folder below */ }
  }
  return await Deno.makeTempDir({ prefix: "weft-params-" });
}

async function spawnAndWait(ctx: TaskContext, launch: ScriptLaunch): Promise<TaskResult> {
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
  if (error instanceof WorkingDirectoryError) return error.reason;
  if (error instanceof Deno.errors.NotFound) return notFoundReason(cwd, launch.notFound);
  const what = quoteData(JSON.stringify(launch.cmd));
  if (error instanceof Deno.errors.PermissionDenied) {
    return `cannot start ${what}: permission denied`;
  }
  return `cannot start ${what}: ${startFailure(error)}`;
}
