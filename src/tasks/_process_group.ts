/**
 * Process-group plumbing shared by the spawners (spawner.ts, spawn_ffi.ts): signalling a
 * child's whole group, and the abort → SIGTERM → grace → SIGKILL sequence.
 * @module
 */
import type { TaskProcess } from "./_escapes.ts";
import type { SpawnOptions } from "./types.ts";

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
    // No such group yet: the child may not have called setsid() yet. Signal it alone.
    try {
      Deno.kill(pid, signal);
    } catch (inner) {
      if (!(inner instanceof Deno.errors.NotFound)) throw inner;
    }
  }
}

/** SIGKILL to the group, but never to a lone pid: the leader is gone and its pid may be reused. */
export function sweepGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Ties the group led by `pid` to the caller's abort signals until `exit` resolves:
 * `signal` → SIGTERM, then SIGKILL after `killGraceMs`; `killSignal` → SIGKILL at once.
 * When the leader has exited, whatever is left of its group is SIGKILLed (by `sweep`,
 * default {@link sweepGroup}), and what it left outside its group is ended by `task`
 * (_escapes.ts), before the returned promise resolves, so no background grandchild
 * outlives its task.
 */
export function superviseGroup<T>(
  pid: number,
  options: Pick<SpawnOptions, "signal" | "killSignal" | "killGraceMs">,
  exit: Promise<T>,
  sweep: (pid: number) => void = sweepGroup,
  task?: TaskProcess,
): Promise<T> {
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

  return exit.then((status) => {
    // The leader is gone; its group may not be. Sweep it before reporting.
    sweep(pid);
    exited = true;
    clearTimeout(graceTimer);
    options.signal?.removeEventListener("abort", terminate);
    options.killSignal?.removeEventListener("abort", killNow);
    const aborted = options.signal?.aborted === true || options.killSignal?.aborted === true;
    const settled = task?.ended(aborted);
    return settled ? settled.then(() => status) : status;
  });
}
