/**
 * glibc's posix_spawn through Deno FFI, for {@link ../spawn_ffi.ts}: one vfork+exec per
 * child, in a new session (POSIX_SPAWN_SETSID, glibc >= 2.26), cwd set with
 * posix_spawn_file_actions_addchdir_np (glibc >= 2.29). Linux x86_64/aarch64 only.
 *
 * Private to src/tasks: the only exports are what spawn_ffi.ts needs.
 * @module
 */

/** Spawn attribute flags, from /usr/include/spawn.h. */
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
const SIGPIPE = 13;

/** Opaque glibc structs, oversized on purpose (x86_64: attr 336, file actions 80, sigset 128). */
const ATTR_BYTES = 512;
const FILE_ACTIONS_BYTES = 256;
const SIGSET_BYTES = 256;

const SYMBOLS = {
  posix_spawn: {
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
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigaddset: { parameters: ["buffer", "i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null | undefined;
/** Spawn attributes are the same for every child: built once. */
let sharedAttr: Uint8Array | undefined;

/** The bound libc, or null when FFI is not allowed, not Linux, or a symbol is missing. */
export function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (Deno.build.os !== "linux") return null;
  if (Deno.permissions.querySync?.({ name: "ffi" }).state !== "granted") return null;
  try {
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch {
    return null; // musl, or a glibc older than 2.29 (no addchdir_np)
  }
  return libc;
}

function attributes(c: Libc): Uint8Array {
  if (sharedAttr) return sharedAttr;
  const attr = new Uint8Array(ATTR_BYTES);
  const none = new Uint8Array(SIGSET_BYTES);
  const pipe = new Uint8Array(SIGSET_BYTES);
  check(c.posix_spawnattr_init(attr), "posix_spawnattr_init");
  c.sigemptyset(none);
  c.sigemptyset(pipe);
  c.sigaddset(pipe, SIGPIPE);
  // Deno ignores SIGPIPE and may block signals on its threads: a child must start with
  // neither (as Rust's Command does), or `yes | head` would never end.
  check(c.posix_spawnattr_setsigmask(attr, none), "posix_spawnattr_setsigmask");
  check(c.posix_spawnattr_setsigdefault(attr, pipe), "posix_spawnattr_setsigdefault");
  const flags = POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  check(c.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
  return sharedAttr = attr;
}

function check(rc: number, what: string): void {
  if (rc !== 0) throw new Error(`${what} failed (errno ${rc})`);
}

const encoder = new TextEncoder();

/**
 * A NULL-terminated `char *[]` of `strings`, all in one buffer. The returned `keep`
 * holds the string bytes: it must stay referenced until the FFI call returns.
 */
function cStringArray(strings: string[]): { array: BigUint64Array; keep: Uint8Array } {
  const encoded = strings.map((s) => encoder.encode(s));
  let size = 0;
  for (const bytes of encoded) size += bytes.length + 1;
  const keep = new Uint8Array(Math.max(size, 1));
  const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(keep)));
  const array = new BigUint64Array(strings.length + 1);
  let offset = 0;
  encoded.forEach((bytes, i) => {
    if (bytes.includes(0)) throw new TypeError("argument or environment contains a NUL byte");
    keep.set(bytes, offset);
    array[i] = base + BigInt(offset);
    offset += bytes.length + 1; // the byte after each string is already 0
  });
  return { array, keep };
}

function cString(text: string): Uint8Array {
  const bytes = encoder.encode(text + "\0");
  if (bytes.indexOf(0) !== bytes.length - 1) {
    throw new TypeError("path contains a NUL byte");
  }
  return bytes;
}

/** A pipe with both ends close-on-exec: [read, write]. */
function makePipe(c: Libc): [number, number] {
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_CLOEXEC) !== 0) throw new Error(`pipe2 failed (errno ${errno(c)})`);
  return [fds[0], fds[1]];
}

function errno(c: Libc): number {
  const where = c.__errno_location();
  return where ? new Deno.UnsafePointerView(where).getInt32() : 0;
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
 * Starts the child, or returns the errno posix_spawn reported (exec and chdir failures
 * included: glibc waits for the exec). No fd is left open on failure.
 */
export function libcSpawn(c: Libc, req: LibcSpawnRequest): LibcChild | { errno: number } {
  const open: number[] = [];
  const actions = new Uint8Array(FILE_ACTIONS_BYTES);
  let actionsReady = false;
  try {
    const [outRead, outWrite] = makePipe(c);
    open.push(outRead, outWrite);
    const [errRead, errWrite] = makePipe(c);
    open.push(errRead, errWrite);
    let inRead = -1, inWrite = -1;
    if (req.pipeStdin) {
      [inRead, inWrite] = makePipe(c);
      open.push(inRead, inWrite);
    }
    check(c.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    actionsReady = true;
    // chdir first: a relative program path and a relative stdin path resolve against cwd.
    check(c.posix_spawn_file_actions_addchdir_np(actions, cString(req.cwd)), "addchdir_np");
    if (req.pipeStdin) check(c.posix_spawn_file_actions_adddup2(actions, inRead, 0), "adddup2");
    else {
      const devNull = cString("/dev/null");
      check(c.posix_spawn_file_actions_addopen(actions, 0, devNull, O_RDONLY, 0), "addopen");
    }
    check(c.posix_spawn_file_actions_adddup2(actions, outWrite, 1), "adddup2");
    check(c.posix_spawn_file_actions_adddup2(actions, errWrite, 2), "adddup2");
    // All pipe ends are O_CLOEXEC: the child keeps only the dup2 copies on 0/1/2.

    const argv = cStringArray(req.argv);
    const envp = cStringArray(Object.entries(req.env).map(([k, v]) => `${k}=${v}`));
    const pid = new Int32Array(1);
    const rc = c.posix_spawn(
      pid,
      cString(req.path),
      actions,
      attributes(c),
      argv.array,
      envp.array,
    );
    // Referenced after the call so the string bytes outlive it (pointers into them were passed).
    void argv.keep, envp.keep;
    // The parent's copies of the child's ends, closed whatever the outcome.
    for (const fd of [outWrite, errWrite, inRead]) if (fd >= 0) c.close(fd);
    open.splice(0, open.length, outRead, errRead, ...(inWrite >= 0 ? [inWrite] : []));
    if (rc !== 0) return { errno: rc };
    open.length = 0; // handed over
    return { pid: pid[0], stdout: outRead, stderr: errRead, stdin: inWrite };
  } finally {
    if (actionsReady) c.posix_spawn_file_actions_destroy(actions);
    for (const fd of open) c.close(fd);
  }
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
