/**
 * The real process spawner: every child gets its own process group (a new session),
 * so a timeout or a cancellation ends the whole tree, not just the shell.
 *
 * Three ways to get the new session, same result, the first available is used:
 * - glibc's posix_spawn with POSIX_SPAWN_SETSID, called through FFI (see spawn_ffi.ts):
 *   one exec per child, no fork() of Deno. Linux with glibc and the FFI permission.
 * - through the `setsid` program (util-linux, on most Linux systems): Deno starts it
 *   with posix_spawn, it calls setsid() and execs the command, keeping its pid. This
 *   is the fast path: it avoids fork() of the large Deno process.
 * - `Deno.Command` with `detached: true` elsewhere (setsid() in a forked child).
 * @module
 */
import { superviseGroup } from "./_process_group.ts";
import { TaskProcess, watchEscapes } from "./_escapes.ts";
import { checkExecLimits, execLimitFailure, isE2big } from "./exec_limits.ts";
import { ffiSpawnAvailable, FfiSpawner } from "./spawn_ffi.ts";
import { workingDirectoryFault } from "./start_errors.ts";
import { execTarget, ProgramLookup, withPwd } from "./program_lookup.ts";
import type { ProcessSpawner, SpawnedProcess, SpawnOptions } from "./types.ts";

export { DEFAULT_KILL_GRACE_MS, signalGroup } from "./_process_group.ts";

/** How {@link DenoSpawner} puts children in their own session. */
export interface SpawnerOptions {
  /**
   * Path of a `setsid` program, or null to use `detached: true`. Default: posix_spawn
   * through FFI when {@link ffiSpawnAvailable}, else a `setsid` found on disk. Giving
   * this option (even null) leaves FFI out.
   */
  setsid?: string | null;
  /**
   * Make this process a child subreaper, so that what a task leaves running outside its
   * process group is reparented here and ended with the task (_escapes.ts). For a
   * program that runs tasks and nothing else (weft's CLI): a process that also starts
   * daemons of its own (a test starting PostgreSQL) would have them ended too, as they
   * fork away from it. Once set, it stays for the process's life.
   */
  adoptEscapes?: boolean;
}

/**
 * How a default {@link DenoSpawner} starts children on this machine: `posix_spawn`
 * through FFI (the fast path), the `setsid` program, or `detached` (fork + setsid()).
 * For `weft self-check`.
 */
export function spawnMethod(): "posix_spawn" | "setsid" | "detached" {
  if (ffiSpawnAvailable()) return "posix_spawn";
  return findSetsid() ? "setsid" : "detached";
}

/**
 * Starts children in their own process group.
 *
 * - `signal` aborted: SIGTERM to the group, SIGKILL after `killGraceMs`.
 * - `killSignal` aborted: SIGKILL to the group at once.
 * - When the leader exits, whatever is left of its group is SIGKILLed, so no
 *   background grandchild outlives its task or holds the output pipes open.
 *
 * `spawn` throws (or, through FFI, rejects with) a WorkingDirectoryError when the cwd
 * cannot be entered (missing, not a folder, denied, a link loop), `Deno.errors.NotFound`
 * when the program does not exist, `Deno.errors.PermissionDenied` when it exists but
 * cannot be executed, and an ExecLimitError (exec_limits.ts) when an argument or
 * environment string is over the kernel's limit (checked before anything starts) or exec
 * failed with E2BIG.
 */
export class DenoSpawner implements ProcessSpawner {
  readonly #ffi: FfiSpawner | null;
  readonly #setsid: string | null;
  readonly #programs = new ProgramLookup();

  constructor(options: SpawnerOptions = {}) {
    const auto = options.setsid === undefined;
    this.#ffi = auto && ffiSpawnAvailable() ? new FfiSpawner() : null;
    this.#setsid = auto ? (this.#ffi ? null : findSetsid()) : options.setsid ?? null;
    // What a task leaves outside its group is reparented to weft, to be ended (_escapes.ts).
    if (options.adoptEscapes) watchEscapes();
  }

  /** A promise with the FFI spawner (exec off the event loop), the child itself otherwise. */
  spawn(given: SpawnOptions): SpawnedProcess | Promise<SpawnedProcess> {
    // PWD names the child's folder, as sh sets it (program_lookup.ts); FfiSpawner keeps it.
    const options = { ...given, env: withPwd(given.env, given.cwd) };
    // One check for every task type: a value too large for exec is named, with the limit.
    checkExecLimits(options.args, options.env);
    if (this.#ffi) return this.#ffi.spawn(options);
    const viaSetsid = this.#setsid !== null;
    let child: Deno.ChildProcess;
    const task = new TaskProcess(options.env);
    try {
      // Found here, in the child's PATH and cwd (program_lookup.ts); a file without `#!`
      // is run by /bin/sh through the execvp of `setsid` or of Deno's child.
      const program = this.#resolve(options);
      child = new Deno.Command(viaSetsid ? this.#setsid! : program, {
        args: viaSetsid ? [program, ...options.args] : options.args,
        cwd: options.cwd,
        env: options.env,
        clearEnv: true,
        detached: !viaSetsid,
        stdin: options.stdin === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      task.release();
      if (isE2big(error)) throw execLimitFailure(options.cmd, options.args, options.env);
      // The child's chdir and exec fail alike (NotFound, PermissionDenied, …): say which.
      throw (options.cwd !== undefined && workingDirectoryFault(options.cwd)) || error;
    }
    const pid = child.pid;
    task.started(pid);
    if (options.stdin !== undefined) writeStdin(child.stdin, options.stdin);

    const exit = child.status.then((s) => ({ code: s.code, signal: s.signal ?? null }));
    const status = superviseGroup(pid, options, exit, undefined, task);
    return { pid, stdout: child.stdout, stderr: child.stderr, status };
  }

  /**
   * The program's path, looked up in the child's PATH as execvp would (program_lookup.ts),
   * so a missing program throws NotFound here rather than failing inside `setsid`.
   */
  #resolve(options: SpawnOptions): string {
    const { cmd } = options;
    if (!cmd.includes("/")) return this.#programs.find(cmd, options.env, options.cwd);
    const full = cmd.startsWith("/") ? cmd : `${options.cwd}/${cmd}`;
    const found = execTarget(full);
    if (found === "missing") {
      throw new Deno.errors.NotFound(`Failed to spawn '${cmd}': not found`);
    }
    if (found !== "yes") {
      // As sh: a path that exists but cannot be executed (mode, directory) is exit 126.
      throw new Deno.errors.PermissionDenied(`Failed to spawn '${cmd}': permission denied`);
    }
    return full;
  }
}

let setsidPath: string | null | undefined;

/** The util-linux `setsid` program, if this system has one (looked up once). */
function findSetsid(): string | null {
  if (setsidPath !== undefined) return setsidPath;
  setsidPath = null;
  if (Deno.build.os !== "linux") return null;
  for (const candidate of ["/usr/bin/setsid", "/bin/setsid"]) {
    if (execTarget(candidate) === "yes") return setsidPath = candidate;
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
