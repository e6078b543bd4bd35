/**
 * The memory one posix_spawn call reads — file actions, pid, the C strings of path, cwd,
 * argv and envp and the two pointer arrays — for _libc_spawn.ts. The call runs on a Deno
 * blocking-pool thread (`nonblocking`), so all of it lives in ArrayBuffers (outside the
 * JS heap: addresses never move) and stays untouched until the call has returned. Sets are
 * then reused by later calls: no buffer is allocated once the pool is warm, a set keeps the
 * file actions it was given for the next call with the same child ends and cwd, and each
 * `NAME=value` of the environment is encoded once (see encodedEntry).
 *
 * Private to src/tasks.
 * @module
 */

const encoder = new TextEncoder();
const FILE_ACTIONS_BYTES = 256; // glibc x86_64: 80
const POOL_LIMIT = 64;

/** `n` zeroed bytes at an address that never changes while they are referenced. */
export function fixedBytes(n: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(Math.max(n, 1)));
}

/** The child ends and cwd a set's file actions were built for (see SpawnBuffers.actionsFor). */
interface ActionsKey {
  stdin: number;
  stdout: number;
  stderr: number;
  cwd: string;
}

/** One call's buffers; {@link takeBuffers} and {@link SpawnBuffers.release}. */
export class SpawnBuffers {
  readonly actions = fixedBytes(FILE_ACTIONS_BYTES);
  /** What {@link actions} holds, once initialised; null before and after it is destroyed. */
  #actionsKey: ActionsKey | null = null;
  readonly pid = new Int32Array(new ArrayBuffer(4));
  #strings = fixedBytes(8192);
  #stringsAt = address(this.#strings);
  #pointers = new Uint32Array(new ArrayBuffer(8 * 128));
  /** The environment's encoded entries of the call in progress, in order. */
  #entries: Uint8Array[] = [];

  /**
   * Encodes everything as C strings. `path` and `cwd` come back NUL-terminated at the
   * start of their buffers, `argv` and `envp` as NULL-terminated `char *[]`. Throws a
   * TypeError for a NUL byte in any string (C would cut it there). Each `NAME=value`
   * is copied from the bytes encoded for it by an earlier call, if the value is the same
   * (see {@link encodedEntry}).
   */
  fill(path: string, cwd: string, argv: string[], env: Record<string, string>): {
    path: Uint8Array;
    cwd: Uint8Array;
    argv: Uint32Array;
    envp: Uint32Array;
  } {
    let head = checked(path) + "\0" + checked(cwd) + "\0";
    for (let i = 0; i < argv.length; i++) head += checked(argv[i]) + "\0";
    const entries = this.#entries;
    let envc = 0;
    let envBytes = 0;
    for (const key in env) {
      const entry = encodedEntry(key, env[key]);
      entries[envc++] = entry;
      envBytes += entry.length;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = head.length * 3 + envBytes;
    if (need > this.#strings.length) {
      this.#strings = fixedBytes(2 ** Math.ceil(Math.log2(need)));
      this.#stringsAt = address(this.#strings);
    }
    const slots = argv.length + envc + 2;
    if (slots * 2 > this.#pointers.length) {
      this.#pointers = new Uint32Array(new ArrayBuffer(8 * 2 ** Math.ceil(Math.log2(slots))));
    }
    const bytes = this.#strings;
    const envAt = encoder.encodeInto(head, bytes).written;
    const cwdAt = bytes.indexOf(0) + 1;
    const words = this.#pointers; // little-endian 64-bit pointers as 32-bit halves
    const base = this.#stringsAt; // + offset < 2^53: exact as a number
    let at = bytes.indexOf(0, cwdAt) + 1; // the first argument
    let slot = 0;
    for (let i = 0; i < argv.length; i++, slot++) {
      setPointer(words, slot, base + at);
      at = bytes.indexOf(0, at) + 1;
    }
    setPointer(words, slot++, 0); // NULL
    const envpAt = slot;
    at = envAt;
    for (let i = 0; i < envc; i++, slot++) {
      const entry = entries[i];
      bytes.set(entry, at);
      setPointer(words, slot, base + at);
      at += entry.length;
    }
    setPointer(words, slot++, 0);
    entries.fill(EMPTY, 0, envc); // keeps no entry alive past the call
    return {
      path: bytes,
      cwd: bytes.subarray(cwdAt),
      argv: words.subarray(0, 2 * envpAt),
      envp: words.subarray(2 * envpAt, 2 * slot),
    };
  }

  /**
   * Whether {@link actions} holds the file actions for these child ends (-1 for a stdin of
   * /dev/null) and cwd already, built by an earlier call with this set: file descriptors
   * are numbered lowest first, so the same numbers come back, and a chain of tasks spawns
   * with the same actions each time. Building them costs six calls into libc, in which
   * glibc checks each descriptor against RLIMIT_NOFILE (five getrlimit system calls).
   */
  actionsFor(stdin: number, stdout: number, stderr: number, cwd: string): boolean {
    const key = this.#actionsKey;
    return key !== null && key.stdin === stdin && key.stdout === stdout &&
      key.stderr === stderr && key.cwd === cwd;
  }

  /**
   * Records what {@link actions} now holds (null: nothing, it was destroyed or never
   * fully built).
   */
  builtActions(key: ActionsKey | null): void {
    this.#actionsKey = key;
  }

  /** Whether {@link actions} is initialised (and must be destroyed before being built again). */
  get hasActions(): boolean {
    return this.#actionsKey !== null;
  }

  /**
   * Gives the set back for another call: only once the call that used it has returned.
   * Returns false when the pool is full and the set is dropped: its file actions must
   * then be destroyed (glibc allocated memory for them).
   */
  release(): boolean {
    if (spare.length >= POOL_LIMIT) return false;
    spare.push(this);
    return true;
  }
}

const spare: SpawnBuffers[] = [];

/**
 * A set of buffers no call in flight uses: one whose file actions were built for these
 * child ends and cwd if the pool has one (see {@link SpawnBuffers.actionsFor}: with
 * several children starting at once, the sets and the descriptor numbers pair up anew).
 */
export function takeBuffers(
  stdin: number,
  stdout: number,
  stderr: number,
  cwd: string,
): SpawnBuffers {
  for (let i = spare.length - 1; i >= 0; i--) {
    const buffers = spare[i];
    if (!buffers.actionsFor(stdin, stdout, stderr, cwd)) continue;
    spare[i] = spare[spare.length - 1];
    spare.pop();
    return buffers;
  }
  return spare.pop() ?? new SpawnBuffers();
}

const EMPTY = new Uint8Array(0);

/** 64-bit pointer `where` (< 2^53) at `slot`, as two little-endian 32-bit halves. */
function setPointer(words: Uint32Array, slot: number, where: number): void {
  words[2 * slot] = where % 0x1_0000_0000;
  words[2 * slot + 1] = Math.floor(where / 0x1_0000_0000);
}

/** The bytes last encoded per variable name, and the value they hold. */
const encodedEntries = new Map<string, { value: string; bytes: Uint8Array }>();
/** More names than this (environments of many different tasks): the cache starts over. */
const ENTRY_CACHE_LIMIT = 1024;

/**
 * `NAME=value` as NUL-terminated UTF-8, encoded once per name and value: every task of a
 * run gets the same process and workflow variables (the same strings), and only a few of
 * its own (WEFT_TASK_ID, WEFT_OUTPUT, ...) differ from the last spawn's. Concatenating and
 * encoding the whole environment at each spawn made ~10 KiB of garbage per task. Throws a
 * TypeError for a NUL byte in the name or the value.
 */
function encodedEntry(key: string, value: string): Uint8Array {
  const known = encodedEntries.get(key);
  if (known !== undefined && known.value === value) return known.bytes;
  const bytes = encoder.encode(checked(key) + "=" + checked(value) + "\0");
  if (known !== undefined) {
    known.value = value;
    known.bytes = bytes;
  } else {
    if (encodedEntries.size >= ENTRY_CACHE_LIMIT) encodedEntries.clear();
    encodedEntries.set(key, { value, bytes });
  }
  return bytes;
}

function checked(text: string): string {
  if (text.includes("\0")) {
    throw new TypeError("a path, argument or environment string contains a NUL byte");
  }
  return text;
}

function address(bytes: Uint8Array): number {
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
}
