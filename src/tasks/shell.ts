/**
 * The `shell` task: one command run by `sh -c` (or the shell the task names) in its
 * own process group, output streamed line by line.
 *
 * The shell is invoked as `SHELL -c COMMAND` whatever it is (`bash` gets no
 * `-o pipefail`: a pipeline's status is its last command's, as in `sh`). Values
 * interpolated into the command travel as environment variables (see
 * `TaskContext.interpolateShell`), so they are never read as shell syntax; large values
 * and long commands travel through private files instead (see shell_launch.ts), so no
 * size makes exec fail.
 *
 * As make does, a command with no shell syntax, run by the default shell, is executed
 * directly without a shell (see {@link directArgv}): same environment, cwd, output and
 * exit code, one exec fewer. A program that cannot be found exits 127, one that cannot
 * be executed 126, with a line on stderr, as under `sh`.
 * @module
 */
import { directArgv } from "./direct.ts";
import { workFileTrouble } from "./work_fault.ts";
import {
  directoryExists,
  notFoundReason,
  startFailure,
  WorkingDirectoryError,
} from "./start_errors.ts";
import { emitUntilExit } from "./byte_lines.ts";
import { emitMarked } from "./emit_marked.ts";
import { INLINE_COMMAND_BYTES, prepareShell, type ShellLaunch } from "./shell_launch.ts";
import type { SpawnedProcess, TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import { isPosixFamilyShell, nonPosixShellTrouble } from "../expr/shell.ts";
import { inField } from "../expr/process_value.ts";

export { directArgv } from "./direct.ts";

/** What the shell runner reads from a task or step. */
export interface ShellConfig {
  command: string;
  /** `sh` (default), `bash`, or a path to a shell. */
  shell?: string;
}

/** Runs shell commands. */
export const shellRunner: TaskRunner<ShellConfig> = {
  type: "shell",
  async run(task: ShellConfig, ctx: TaskContext): Promise<TaskResult> {
    const shell = task.shell?.trim() || "sh";
    const { command, env: values } = inShellField(
      "command",
      () => ctx.interpolateShell(task.command),
    );
    if (!isEmpty(values) && !isPosixFamilyShell(shell)) return refusedShell(shell);
    // Interpolated values live in variables the command refers to: the shell must expand them.
    const direct = !task.shell?.trim() && isEmpty(values) &&
        command.length <= INLINE_COMMAND_BYTES
      ? directArgv(command)
      : null;
    let launch: ShellLaunch | null = null;
    if (!direct) {
      try {
        launch = await prepareShell(command, values, ctx.env, ctx.outputFile);
      } catch (error) {
        return {
          ok: false,
          exitCode: null,
          outputs: {},
          error: workFileTrouble("cannot write the command to a file", error, ctx.outputFile),
        };
      }
    }
    try {
      return await runProcess(
        ctx,
        shell,
        direct,
        direct ? [] : launch!.args,
        launch?.env ?? ctx.env,
      );
    } finally {
      // Only when there is one: an await of nothing still costs a turn per task.
      if (launch) await launch.cleanup();
    }
  },
};

/** Spawns `direct` (argv) or `shell` with `args`, streams its output, waits for its group. */
async function runProcess(
  ctx: TaskContext,
  shell: string,
  direct: string[] | null,
  shellArgs: string[],
  env: Record<string, string>,
): Promise<TaskResult> {
  const [cmd, ...args] = direct ?? [shell, ...shellArgs];
  let child: SpawnedProcess;
  try {
    child = await ctx.spawner.spawn({
      cmd,
      args,
      cwd: ctx.cwd,
      env,
      signal: ctx.signal,
      killGraceMs: ctx.killGraceMs,
    });
  } catch (error) {
    if (direct && directoryExists(ctx.cwd)) {
      const failed = programError(error);
      if (failed) {
        emitMarked(ctx, "stderr", `weft: ${quoteData(cmd)}: ${quoteData(failed.message)}`);
        return { ok: false, exitCode: failed.code, outputs: {}, error: exitedWith(failed.code) };
      }
    }
    // Name what failed to start: the program itself when no shell was involved.
    const what = direct
      ? quoteData(JSON.stringify(cmd))
      : `shell ${quoteData(JSON.stringify(shell))}`;
    return { ok: false, exitCode: null, outputs: {}, error: spawnError(what, ctx.cwd, error) };
  }
  const status = await emitUntilExit(child, ctx);
  const exitCode = status.code;
  if (exitCode === 0) return { ok: true, exitCode, outputs: {} };
  const error = status.signal ? ownText(`killed by ${status.signal}`) : exitedWith(exitCode);
  return { ok: false, exitCode, outputs: {}, error };
}

/** A `${...}` under python3, fish...: the value would never arrive (validate says so too). */
export function refusedShell(shell: string): TaskResult {
  const { message, hint } = nonPosixShellTrouble(shell, quoteData);
  return { ok: false, exitCode: null, outputs: {}, error: `${message}; ${hint}` };
}

function exitedWith(code: number | null): string {
  return ownText(`exited with code ${code}`);
}

function isEmpty(record: Record<string, string>): boolean {
  for (const _ in record) return false;
  return true;
}

/** What `sh` would report for a program it cannot run: 127 not found, 126 not executable. */
function programError(error: unknown): { code: number; message: string } | null {
  if (error instanceof Deno.errors.NotFound) return { code: 127, message: "not found" };
  if (error instanceof Deno.errors.PermissionDenied) {
    return { code: 126, message: "Permission denied" };
  }
  return null;
}

/**
 * Why the process did not start: weft's words, `program` (the shell's or the direct
 * program's name, already quoted) and the OS's message quoted.
 */
function spawnError(program: string, cwd: string, error: unknown): string {
  if (error instanceof WorkingDirectoryError) return error.reason;
  const what = `cannot start ${program}`;
  if (error instanceof Deno.errors.NotFound) return notFoundReason(cwd, `${what}: not found`);
  if (error instanceof Deno.errors.PermissionDenied) return `${what}: permission denied`;
  return `${what}: ${startFailure(error)}`;
}

/**
 * `interpolate()`, the shell command of `field` interpolated; a value it refuses as a
 * process's (a NUL: expr/process_value.ts) is refused naming `field`.
 */
export function inShellField<T>(field: string, interpolate: () => T): T {
  try {
    return interpolate();
  } catch (error) {
    throw inField(field, error);
  }
}
