/**
 * The real process spawner: every child gets its own process group (session), so a
 * timeout or a cancellation ends the whole tree, not just the shell.
 * @module
 */
import type { ProcessSpawner, SpawnedProcess, SpawnOptions } from "./types.ts";

/** Grace period between SIGTERM and SIGKILL when the caller gives none. */
export const DEFAULT_KILL_GRACE_MS = 5000;

/**
 * Sends `signal` to the whole process group led by `pid`. A group that is already
 * gone (ESRCH) is not an error: that is the outcome we want.
 */
export function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Starts children with `Deno.Command`, `detached: true` (a new session, hence a
 * new process group whose id is the child's pid).
 *
 * - `signal` aborted: SIGTERM to the group, SIGKILL after `killGraceMs`.
 * - `killSignal` aborted: SIGKILL to the group at once.
 * - When the leader exits, whatever is left of its group is SIGKILLed, so no
 *   background grandchild outlives its task or holds the output pipes open.
 *
 * `spawn` throws `Deno.errors.NotFound` when the program does not exist.
 */
export class DenoSpawner implements ProcessSpawner {
  spawn(options: SpawnOptions): SpawnedProcess {
    const child = new Deno.Command(options.cmd, {
      args: options.args,
      cwd: options.cwd,
      env: options.env,
      clearEnv: true,
      detached: true,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pid = child.pid;
    if (options.stdin !== undefined) writeStdin(child.stdin, options.stdin);

    let exited = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const terminate = () => {
      if (exited) return;
      signalGroup(pid, "SIGTERM");
      graceTimer = setTimeout(() => {
        if (!exited) signalGroup(pid, "SIGKILL");
      }, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    };
    const killNow = () => {
      if (!exited) signalGroup(pid, "SIGKILL");
    };
    if (options.signal?.aborted) terminate();
    else options.signal?.addEventListener("abort", terminate, { once: true });
    if (options.killSignal?.aborted) killNow();
    else options.killSignal?.addEventListener("abort", killNow, { once: true });

    const status = child.status.then((s) => {
      // The leader is gone; its group may not be. Sweep it before reporting.
      signalGroup(pid, "SIGKILL");
      exited = true;
      clearTimeout(graceTimer);
      options.signal?.removeEventListener("abort", terminate);
      options.killSignal?.removeEventListener("abort", killNow);
      return { code: s.code, signal: s.signal ?? null };
    });
    return { pid, stdout: child.stdout, stderr: child.stderr, status };
  }
}

async function writeStdin(stdin: WritableStream<Uint8Array>, text: string): Promise<void> {
  const writer = stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
  } catch {
    // The child closed its stdin early; nothing else to do.
  }
}
