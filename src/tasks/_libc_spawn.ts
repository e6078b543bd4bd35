/**
 * glibc's posix_spawn through Deno FFI, for {@link ../spawn_ffi.ts}: one vfork+exec per
 * child, in a new session (POSIX_SPAWN_SETSID, glibc >= 2.26), cwd set with
 * posix_spawn_file_actions_addchdir_np (glibc >= 2.29). Linux x86_64/aarch64 only.
 *
 * Private to src/tasks: the only exports are what spawn_ffi.ts needs.
 * @module
 */

import { fixedBytes, type SpawnBuffers, takeBuffers } from "./_spawn_buffers.ts";
import { openFilesError } from "./start_errors.ts";
import { declareLibc, declareLibcOnce, errnoOf } from "../libc.ts";

/** Spawn attribute flags, from /usr/include/spawn.h. */
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;

/** Opaque glibc structs, oversized on purpose (x86_64: attr 336, file actions 80, sigset 128). */
const ATTR_BYTES = 512;
const SIGSET_BYTES = 256;

const SYMBOLS = {
  // nonblocking: runs on a Deno blocking-pool thread and returns a Promise, so the event
  // loop does not wait while glibc waits for the child's exec (it does, to report errors).
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  // The same call on the event loop's thread: when nothing else is running, the loop has
  // nothing to do meanwhile, and two thread hops (~0.1 ms each) cost more than the exec
  // wait (see libcSpawn's `block`).
  posix_spawn_now: {
    name: "posix_spawn",
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
  },
  posix_spawn_file_actions_addchdir_np: { parameters: ["buffer", "buffer"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  kill: { parameters: ["i32", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The spawn attributes' set-up: once per process, so not worth a trampoline each (libc.ts). */
const SET_UP = {
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigfillset: { parameters: ["buffer"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Bound on first use, with the other sets of libc calls (see libc.ts). */
const bound = declareLibc(SYMBOLS);
const setUp = declareLibcOnce(SET_UP);
/** Spawn attributes are the same for every child: built once. */
let sharedAttr: Uint8Array | undefined;

/** The bound libc, or null when FFI is not allowed, not Linux, or a symbol is missing. */
export function loadLibc(): Libc | null {
  // null also on musl, or a glibc older than 2.29 (no addchdir_np).
  return setUp() && bound();
}

function attributes(): Uint8Array {
  if (sharedAttr) return sharedAttr;
  const c = setUp()!; // loadLibc() gave the caller its libc: set-up is there too
  const attr = fixedBytes(ATTR_BYTES); // read by every call in flight: never freed
  const none = new Uint8Array(SIGSET_BYTES);
  const all = new Uint8Array(SIGSET_BYTES);
  check(c.posix_spawnattr_init(attr), "posix_spawnattr_init");
  c.sigemptyset(none);
  // Every signal but glibc's two internal ones (32, 33), which sigaddset refuses too.
  c.sigfillset(all);
  // Deno ignores SIGPIPE and may block signals on its threads: a child must start with
  // neither (as Rust's Command does), or `yes | head` would never end. Every signal, not
  // only SIGPIPE, goes back to its default: a task does not inherit what weft's own parent
  // ignored (nohup's SIGHUP), and glibc's child then sets each signal once instead of
  // reading it first and setting it again (64 calls instead of ~122 per start).
  check(c.posix_spawnattr_setsigmask(attr, none), "posix_spawnattr_setsigmask");
  check(c.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
  const flags = POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  check(c.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
  return sharedAttr = attr;
}

function check(rc: number, what: string): void {
  if (rc !== 0) throw new Error(`${what} failed (errno ${rc})`);
}

/** pipe2 writes the two fds here (a synchronous call: one array serves every call). */
const pipeFds = new Int32Array(2);

/** A pipe with both ends close-on-exec: [read, write]. */
function makePipe(c: Libc): [number, number] {
  if (c.pipe2(pipeFds, O_CLOEXEC) !== 0) {
    const code = errnoOf(c);
    throw openFilesError(code) ?? new Error(`pipe2 failed (errno ${code})`);
  }
  return [pipeFds[0], pipeFds[1]];
}

/** What {@link libcSpawn} starts; `path` is what exec gets (absolute, or relative to cwd). */
export interface LibcSpawnRequest {
  path: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  pipeStdin: boolean;
}

/** A started child: its pid and the parent's raw pipe ends, each owned by the caller now. */
export interface LibcChild {
  pid: number;
  stdout: number;
  stderr: number;
  /** The write end of the child's stdin, or -1 when stdin is /dev/null. */
  stdin: number;
}

/**
 * Starts the child, or resolves to the errno posix_spawn reported (exec and chdir failures
 * included: glibc waits for the exec). posix_spawn itself runs on a Deno blocking-pool
 * thread: every buffer it reads (file actions, argv, envp, path, pid) is off the JS heap
 * and referenced here until it has returned. The file actions stay with the buffers, for
 * the next call that has the same child ends and cwd (see SpawnBuffers.actionsFor).
 * With `block`, it runs on the calling thread instead (for when nothing else runs: a
 * chain of short tasks spends more on the hops to and from the pool than on the wait).
 * No fd is left open on failure. Throws (synchronously) for a NUL byte in a string and
 * when pipe2 fails (EMFILE).
 */
export function libcSpawn(
  c: Libc,
  req: LibcSpawnRequest,
  block = false,
): Promise<LibcChild | { errno: number }> {
  const open: number[] = [];
  let buffers: SpawnBuffers | null = null;
  let call: Promise<number>;
  let outRead = -1, outWrite = -1, errRead = -1, errWrite = -1, inRead = -1, inWrite = -1;
  try {
    [outRead, outWrite] = makePipe(c);
    open.push(outRead, outWrite);
    [errRead, errWrite] = makePipe(c);
    open.push(errRead, errWrite);
    if (req.pipeStdin) {
      [inRead, inWrite] = makePipe(c);
      open.push(inRead, inWrite);
    }
    buffers = takeBuffers(inRead, outWrite, errWrite, req.cwd);
    const strings = buffers.fill(req.path, req.cwd, req.argv, req.env);
    if (!buffers.actionsFor(inRead, outWrite, errWrite, req.cwd)) {
      buildActions(c, buffers, inRead, outWrite, errWrite, req.cwd, strings.cwd);
    }
    // All pipe ends are O_CLOEXEC: the child keeps only the dup2 copies on 0/1/2.
    const { actions, pid } = buffers;
    call = block
      ? Promise.resolve(
        c.posix_spawn_now(pid, strings.path, actions, attributes(), strings.argv, strings.envp),
      )
      : c.posix_spawn(pid, strings.path, actions, attributes(), strings.argv, strings.envp);
  } catch (error) {
    for (const fd of open) c.close(fd);
    if (buffers) giveBack(c, buffers);
    throw error;
  }
  const taken = buffers;
  return call.then((rc) => {
    const child = taken.pid[0];
    giveBack(c, taken); // the call has returned: nothing reads them any more
    // The parent's copies of the child's ends, closed whatever the outcome.
    for (const fd of [outWrite, errWrite, inRead]) if (fd >= 0) c.close(fd);
    if (rc !== 0) {
      for (const fd of [outRead, errRead, inWrite]) if (fd >= 0) c.close(fd);
      return { errno: rc };
    }
    return { pid: child, stdout: outRead, stderr: errRead, stdin: inWrite };
  });
}

/**
 * (Re)builds the file actions of `buffers` for these child ends and cwd (`cwdC`: cwd as
 * a C string). Throws, leaving none, when glibc refuses one.
 */
function buildActions(
  c: Libc,
  buffers: SpawnBuffers,
  inRead: number,
  outWrite: number,
  errWrite: number,
  cwd: string,
  cwdC: Uint8Array,
): void {
  const { actions } = buffers;
  if (buffers.hasActions) c.posix_spawn_file_actions_destroy(actions);
  buffers.builtActions(null);
  check(c.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
  try {
    // chdir first: a relative program path and a relative stdin path resolve against cwd.
    // (glibc copies the paths given to addchdir_np and addopen.)
    check(c.posix_spawn_file_actions_addchdir_np(actions, cwdC), "addchdir_np");
    if (inRead >= 0) check(c.posix_spawn_file_actions_adddup2(actions, inRead, 0), "adddup2");
    else {
      check(c.posix_spawn_file_actions_addopen(actions, 0, DEV_NULL, O_RDONLY, 0), "addopen");
    }
    check(c.posix_spawn_file_actions_adddup2(actions, outWrite, 1), "adddup2");
    check(c.posix_spawn_file_actions_adddup2(actions, errWrite, 2), "adddup2");
  } catch (error) {
    c.posix_spawn_file_actions_destroy(actions);
    throw error;
  }
  buffers.builtActions({ stdin: inRead, stdout: outWrite, stderr: errWrite, cwd });
}

/** Back to the pool with its file actions kept for the next call; destroyed if dropped. */
function giveBack(c: Libc, buffers: SpawnBuffers): void {
  if (buffers.release() || !buffers.hasActions) return;
  c.posix_spawn_file_actions_destroy(buffers.actions);
  buffers.builtActions(null);
}

const DEV_NULL = new TextEncoder().encode("/dev/null\0");

const SIGKILL = 9;

/**
 * SIGKILL to the process group `pgid`, as `_process_group.ts` sweepGroup does, without
 * Deno.kill's exception for a group that is gone (the usual case, once per child).
 */
export function killGroup(c: Libc, pgid: number): void {
  if (pgid > 0) c.kill(-pgid, SIGKILL); // -1/ESRCH when nobody is left: what we want
}

/** Closes a raw fd the caller owns. */
export function closeFd(c: Libc, fd: number): void {
  c.close(fd);
}

const SIGNAL_NAMES = [
  "",
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGILL",
  "SIGTRAP",
  "SIGABRT",
  "SIGBUS",
  "SIGFPE",
  "SIGKILL",
  "SIGUSR1",
  "SIGSEGV",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
  "SIGSTKFLT",
  "SIGCHLD",
  "SIGCONT",
  "SIGSTOP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGPWR",
  "SIGSYS",
];

/** A wait status as Deno reports it: killed by signal N is code 128+N with the signal's name. */
export function decodeStatus(
  status: number | null,
): { code: number | null; signal: string | null } {
  if (status === null) return { code: null, signal: null };
  const low = status & 0x7f;
  if (low === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: 128 + low, signal: SIGNAL_NAMES[low] ?? `SIG${low}` };
}
