/**
 * The real process spawner: every child gets its own process group (a new session),
 * so a timeout or a cancellation ends the whole tree, not just the shell.
 *
 * Two ways to get the new session, same result:
 * - through the `setsid` program (util-linux, on most Linux systems): Deno starts it
 *   with posix_spawn, it calls setsid() and execs the command, keeping its pid. This
 *   is the fast path: it avoids fork() of the large Deno process.
 * - `Deno.Command` with `detached: true` elsewhere (setsid() in a forked child).
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
    // No such group yet: the child may not have called setsid() yet. Signal it alone.
    try {
      Deno.kill(pid, signal);
    } catch (inner) {
      if (!(inner instanceof Deno.errors.NotFound)) throw inner;
    }
  }
}

/** How {@link DenoSpawner} puts children in their own session. */
export interface SpawnerOptions {
  /** Path of a `setsid` program, or null to use `detached: true`. Default: found on disk. */
  setsid?: string | null;
}

/**
 * Starts children in their own process group.
 *
 * - `signal` aborted: SIGTERM to the group, SIGKILL after `killGraceMs`.
 * - `killSignal` aborted: SIGKILL to the group at once.
 * - When the leader exits, whatever is left of its group is SIGKILLed, so no
 *   background grandchild outlives its task or holds the output pipes open.
 *
 * `spawn` throws `Deno.errors.NotFound` when the program or the cwd does not exist, and
 * `Deno.errors.PermissionDenied` when the program exists but cannot be executed.
 */
export class DenoSpawner implements ProcessSpawner {
  readonly #setsid: string | null;
  readonly #resolved = new Map<string, string>();

  constructor(options: SpawnerOptions = {}) {
    this.#setsid = options.setsid === undefined ? findSetsid() : options.setsid;
  }

  spawn(options: SpawnOptions): SpawnedProcess {
    const viaSetsid = this.#setsid !== null;
    const child = new Deno.Command(viaSetsid ? this.#setsid! : options.cmd, {
      args: viaSetsid ? [this.#resolve(options), ...options.args] : options.args,
      cwd: options.cwd,
      env: options.env,
      clearEnv: true,
      detached: !viaSetsid,
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
      sweepGroup(pid);
      exited = true;
      clearTimeout(graceTimer);
      options.signal?.removeEventListener("abort", terminate);
      options.killSignal?.removeEventListener("abort", killNow);
      return { code: s.code, signal: s.signal ?? null };
    });
    return { pid, stdout: child.stdout, stderr: child.stderr, status };
  }

  /**
   * The program's path, looked up in the child's PATH as exec would, so a missing
   * program still throws NotFound here rather than failing inside `setsid`.
   */
  #resolve(options: SpawnOptions): string {
    const { cmd } = options;
    const path = options.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
    if (cmd.includes("/")) {
      const full = cmd.startsWith("/") ? cmd : `${options.cwd}/${cmd}`;
      const found = executable(full);
      if (found === "missing") {
        throw new Deno.errors.NotFound(`Failed to spawn '${cmd}': not found`);
      }
      if (found === "denied") {
        // As sh: a path that exists but cannot be executed (mode, directory) is exit 126.
        throw new Deno.errors.PermissionDenied(`Failed to spawn '${cmd}': permission denied`);
      }
      return full;
    }
    const key = `${path}\0${cmd}`;
    const cached = this.#resolved.get(key);
    if (cached) return cached; // a program removed since then fails in setsid's exec (127)
    for (const dir of path.split(":")) {
      const full = `${dir || "."}/${cmd}`;
      if (!full.startsWith("/")) continue; // relative PATH entries: not worth the ambiguity
      if (isExecutable(full)) {
        if (this.#resolved.size > 256) this.#resolved.clear();
        this.#resolved.set(key, full);
        return full;
      }
    }
    throw new Deno.errors.NotFound(`Failed to spawn '${cmd}': not found in PATH`);
  }
}

/** SIGKILL to the group, but never to a lone pid: the leader is gone and its pid may be reused. */
function sweepGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function isExecutable(path: string): boolean {
  return executable(path) === "yes";
}

/** Whether exec could run `path`: "missing" when nothing is there. */
function executable(path: string): "yes" | "denied" | "missing" {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return "missing";
  }
  return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0 ? "yes" : "denied";
}

let setsidPath: string | null | undefined;

/** The util-linux `setsid` program, if this system has one (looked up once). */
function findSetsid(): string | null {
  if (setsidPath !== undefined) return setsidPath;
  setsidPath = null;
  if (Deno.build.os !== "linux") return null;
  for (const candidate of ["/usr/bin/setsid", "/bin/setsid"]) {
    if (isExecutable(candidate)) return setsidPath = candidate;
  }
  return null;
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
