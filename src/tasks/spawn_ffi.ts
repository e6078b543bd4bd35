/**
 * A process spawner that calls glibc's posix_spawn through Deno FFI, so each child
 * starts in its own session with a single exec: no `setsid` program in between and no
 * fork() of the large Deno process (`detached: true`).
 *
 * Behaviour is that of {@link DenoSpawner} (see spawner.ts): same signals, grace, sweep
 * of the group when the leader exits, same errors for a missing or non-executable
 * program. Linux with glibc >= 2.29 and the FFI permission only: check
 * {@link ffiSpawnAvailable} first. The program is found, a file without `#!` run and
 * `PWD` set as execvp and sh do (program_lookup.ts, shared with DenoSpawner).
 *
 * How the pieces map onto Deno:
 * - posix_spawn is a `nonblocking` FFI call: it runs on a Deno blocking-pool thread while
 *   glibc waits for the child's exec, so the event loop goes on meanwhile (a blocking call
 *   held it for that wait, 40% of the main thread on a DAG of `true` tasks), and several
 *   children can be starting at once. `spawn` therefore resolves once the exec is done.
 * - output pipes are made with pipe2(O_CLOEXEC); the parent's read ends and a pidfd per
 *   child are watched by ONE epoll loop (see _fd_reactor.ts) on one Deno blocking-pool
 *   thread, whatever the number of children: Deno's pool is small and shared with its
 *   file-system ops, so a blocking read or waitpid per child would starve it.
 * - the child is reaped with waitpid(WNOHANG) once its pidfd is readable. Deno (tokio)
 *   only ever waits for the pids it spawned itself, so nobody else reaps ours.
 * - stdin text, when given, is written through a Deno file opened on `/proc/self/fd/N`.
 * @module
 */
import { closeFd, decodeStatus, killGroup, libcSpawn, loadLibc } from "./_libc_spawn.ts";
import { type FdReactor, fdReactor } from "./_fd_reactor.ts";
import { superviseGroup } from "./_process_group.ts";
import { TaskProcess } from "./_escapes.ts";
import type { ProcessSpawner, SpawnedProcess, SpawnOptions } from "./types.ts";
import { openFilesError, workingDirectoryFault } from "./start_errors.ts";
import { NAME_MAX, PATH_MAX } from "../expr/path.ts";
import { execLimitFailure } from "./exec_limits.ts";
import { ENOEXEC, ProgramLookup, SCRIPT_SHELL, withPwd } from "./program_lookup.ts";

/** posix_spawn calls in flight (see libcSpawn's `block`). */
let spawning = 0;
const ENOENT = 2;
const EACCES = 13;
const EPERM = 1;
const ENOTDIR = 20;
const E2BIG = 7;
const ELOOP = 40;

/** Whether {@link FfiSpawner} can work here: Linux, glibc with the symbols, FFI allowed. */
export function ffiSpawnAvailable(): boolean {
  return loadLibc() !== null && fdReactor() !== null;
}

/**
 * Starts children in their own session with posix_spawn(POSIX_SPAWN_SETSID).
 *
 * - `signal` aborted: SIGTERM to the group, SIGKILL after `killGraceMs`.
 * - `killSignal` aborted: SIGKILL to the group at once.
 * - When the leader exits, whatever is left of its group is SIGKILLed.
 *
 * `spawn` rejects with a WorkingDirectoryError (start_errors.ts) when the cwd cannot be
 * entered, `Deno.errors.NotFound` when the program does not exist, and
 * `Deno.errors.PermissionDenied` when it exists but cannot be executed.
 */
export class FfiSpawner implements ProcessSpawner {
  readonly #programs = new ProgramLookup();

  /**
   * Resolves once the child has exec'd (posix_spawn runs off the event loop, see
   * _libc_spawn.ts); rejects as described above when it could not.
   */
  async spawn(given: SpawnOptions): Promise<SpawnedProcess> {
    const libc = loadLibc();
    const reactor = fdReactor();
    if (!libc || !reactor) {
      throw new Error("FfiSpawner: posix_spawn through FFI is not available here");
    }
    // PATH search, ENOEXEC and PWD as execvp and sh have them (program_lookup.ts).
    const options = { ...given, env: withPwd(given.env, given.cwd) };
    const path = this.#programs.find(options.cmd, options.env, options.cwd);
    // Nothing else runs or starts: exec on this thread (see libcSpawn's `block`).
    const block = reactor.idle && spawning === 0;
    spawning++;
    // Counted from before the exec: a child not yet known by pid is no orphan (_escapes.ts).
    const task = new TaskProcess(options.env);
    let started;
    try {
      const exec = (path: string, argv: string[]) => {
        const call = libcSpawn(libc, {
          path,
          argv,
          env: options.env,
          cwd: options.cwd,
          pipeStdin: options.stdin !== undefined,
        }, block);
        return block ? call : reactor.offLoop(call);
      };
      started = await exec(path, [options.cmd, ...options.args]);
      if ("errno" in started && started.errno === ENOEXEC) {
        // No `#!` line: run it as a shell script, as glibc's execvp and sh do.
        started = await exec(SCRIPT_SHELL, [SCRIPT_SHELL, path, ...options.args]);
      }
    } catch (error) {
      task.release();
      throw error;
    } finally {
      spawning--;
    }
    if ("errno" in started) {
      task.release();
      if (started.errno === E2BIG) throw execLimitFailure(options.cmd, options.args, options.env);
      throw spawnError(options.cmd, started.errno, options.cwd);
    }
    const { pid } = started;
    task.started(pid);
    if (started.stdin >= 0) writeStdin(adoptWriteEnd(libc, started.stdin), options.stdin ?? "");
    const exit = reactor.exit(pid).then(decodeStatus);
    const status = superviseGroup(pid, options, exit, (pgid) => killGroup(libc, pgid), task);
    return new FfiProcess(pid, started.stdout, started.stderr, status, reactor);
  }
}

/**
 * A child of {@link FfiSpawner}: each output pipe is read either through `readOutput`
 * (the reactor calls back with each read: no stream) or, made on first use, a
 * ReadableStream — never both.
 */
class FfiProcess implements SpawnedProcess {
  #fds: { stdout: number; stderr: number };
  #streams: { stdout?: ReadableStream<Uint8Array>; stderr?: ReadableStream<Uint8Array> } = {};

  constructor(
    readonly pid: number,
    stdout: number,
    stderr: number,
    readonly status: Promise<{ code: number | null; signal: string | null }>,
    private readonly reactor: FdReactor,
  ) {
    this.#fds = { stdout, stderr };
  }

  get stdout(): ReadableStream<Uint8Array> {
    return this.#stream("stdout");
  }

  get stderr(): ReadableStream<Uint8Array> {
    return this.#stream("stderr");
  }

  readOutput = (
    stream: "stdout" | "stderr",
    onChunk: (chunk: Uint8Array) => Promise<unknown> | undefined,
    signal?: AbortSignal,
  ): Promise<void> => {
    const fd = this.#take(stream);
    return this.reactor.pump(fd, onChunk, signal);
  };

  #stream(name: "stdout" | "stderr"): ReadableStream<Uint8Array> {
    return this.#streams[name] ??= this.reactor.readable(this.#take(name));
  }

  #take(name: "stdout" | "stderr"): number {
    const fd = this.#fds[name];
    if (fd < 0) throw new Error(`the child's ${name} is already being read`);
    this.#fds[name] = -1;
    return fd;
  }
}

/**
 * The stdin write end as a Deno file, through `/proc/self/fd/N` (a new descriptor on the
 * same pipe; opening cannot block, the child holds the read end). N is closed here.
 * Writing uses a Deno blocking-pool thread until the child has read the text or exited.
 */
function adoptWriteEnd(libc: NonNullable<ReturnType<typeof loadLibc>>, fd: number): Deno.FsFile {
  try {
    return Deno.openSync(`/proc/self/fd/${fd}`, { write: true });
  } finally {
    closeFd(libc, fd);
  }
}

function spawnError(cmd: string, errno: number, cwd: string | undefined): Error {
  // The chdir and the exec report the same errnos: the directory is probed to tell which.
  if (cwd !== undefined && CWD_ERRNOS.has(errno)) {
    const fault = workingDirectoryFault(cwd);
    if (fault) return fault;
  }
  if (errno === ENOENT || errno === ENOTDIR) {
    return new Deno.errors.NotFound(`Failed to spawn '${cmd}': not found`);
  }
  if (errno === EACCES || errno === EPERM) {
    return new Deno.errors.PermissionDenied(`Failed to spawn '${cmd}': permission denied`);
  }
  if (errno === ENAMETOOLONG) {
    // posix_spawn's chdir and exec both report it: say which path is too long.
    const what = cwd !== undefined && pathTooLong(cwd)
      ? `the working directory ${JSON.stringify(cwd)} is`
      : `the path of '${cmd}' is`;
    return new Error(
      `${what} too long (Linux allows ${NAME_MAX} bytes for one name and ${PATH_MAX - 1} ` +
        "for a whole path)",
    );
  }
  const known = ERRNO_TEXT[errno];
  return openFilesError(errno) ??
    new Error(
      `Failed to spawn '${cmd}': ${known ? `${known} (errno ${errno})` : `errno ${errno}`}`,
    );
}

const ENAMETOOLONG = 36;
/** What chdir can fail with (chdir(2)), and EPERM, which exec reports for the same causes. */
const CWD_ERRNOS = new Set([ENOENT, ENOTDIR, EACCES, EPERM, ELOOP]);

/** Whether `path` breaks a limit of {@link NAME_MAX} or {@link PATH_MAX} (in UTF-8 bytes). */
function pathTooLong(path: string): boolean {
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  return bytes(path) >= PATH_MAX || path.split("/").some((name) => bytes(name) > NAME_MAX);
}

/** What other errors posix_spawn may report mean (Linux errno values, errno(3)). */
const ERRNO_TEXT: Record<number, string> = {
  5: "input/output error",
  8: "not a program the system can run (no #! line, or built for another machine)",
  11: "no more processes can be started now (RLIMIT_NPROC or the system's limit)",
  12: "out of memory",
  21: "the program is a folder",
  26: "the program file is open for writing (text file busy)",
  40: "too many levels of symbolic links",
};

async function writeStdin(file: Deno.FsFile, text: string): Promise<void> {
  try {
    const bytes = new TextEncoder().encode(text);
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
  } catch {
    // The child closed its stdin early (EPIPE); nothing else to do.
  } finally {
    file.close();
  }
}
