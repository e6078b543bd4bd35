/**
 * The `shell` task: one command run by `sh -c` (or the shell the task names) in its
 * own process group, output streamed line by line.
 *
 * The shell is invoked as `SHELL -c COMMAND` whatever it is (`bash` gets no
 * `-o pipefail`: a pipeline's status is its last command's, as in `sh`). Values
 * interpolated into the command travel as environment variables (see
 * `TaskContext.interpolateShell`), so they are never read as shell syntax.
 * @module
 */
import { forEachLine } from "./lines.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";

/** What the shell runner reads from a task or step. */
export interface ShellConfig {
  command: string;
  /** `sh` (default), `bash`, or a path to a shell. */
  shell?: string;
}

/** After the leader exits, how long its output pipes may take to drain. */
const DRAIN_GRACE_MS = 1000;

/** Runs shell commands. */
export const shellRunner: TaskRunner<ShellConfig> = {
  type: "shell",
  async run(task: ShellConfig, ctx: TaskContext): Promise<TaskResult> {
    const shell = task.shell?.trim() || "sh";
    const { command, env } = ctx.interpolateShell(task.command);
    let child;
    try {
      child = ctx.spawner.spawn({
        cmd: shell,
        args: ["-c", command],
        cwd: ctx.cwd,
        env: { ...ctx.env, ...env },
        signal: ctx.signal,
        killGraceMs: ctx.killGraceMs,
      });
    } catch (error) {
      return { ok: false, exitCode: null, outputs: {}, error: spawnError(shell, ctx.cwd, error) };
    }
    const stopReading = new AbortController();
    const pumps = Promise.all([
      forEachLine(child.stdout, (line) => ctx.emit("stdout", line), { signal: stopReading.signal }),
      forEachLine(child.stderr, (line) => ctx.emit("stderr", line), { signal: stopReading.signal }),
    ]);
    const status = await child.status;
    // A process that left the group (setsid) may still hold the pipes: stop waiting.
    const timer = setTimeout(() => stopReading.abort(), DRAIN_GRACE_MS);
    try {
      await pumps;
    } finally {
      clearTimeout(timer);
    }
    const exitCode = status.code;
    if (exitCode === 0) return { ok: true, exitCode, outputs: {} };
    const error = status.signal ? `killed by ${status.signal}` : `exited with code ${exitCode}`;
    return { ok: false, exitCode, outputs: {}, error };
  },
};

function spawnError(shell: string, cwd: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) {
    return directoryExists(cwd)
      ? `cannot start shell "${shell}": not found`
      : `working directory "${cwd}" does not exist`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `cannot start shell "${shell}": permission denied`;
  }
  return `cannot start shell "${shell}": ${error instanceof Error ? error.message : String(error)}`;
}

function directoryExists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
