/**
 * The memory one posix_spawn call reads — file actions, pid, the C strings of path, cwd,
 * argv and envp and the two pointer arrays — for _libc_spawn.ts. The call runs on a Deno
 * blocking-pool thread (`nonblocking`), so all of it lives in ArrayBuffers (outside the
 * JS heap: addresses never move) and stays untouched until the call has returned. Sets are
 * then reused by later calls: a spawn allocates nothing once the pool is warm.
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

/** One call's buffers; {@link takeBuffers} and {@link SpawnBuffers.release}. */
export class SpawnBuffers {
  readonly actions = fixedBytes(FILE_ACTIONS_BYTES);
  readonly pid = new Int32Array(new ArrayBuffer(4));
  #strings = fixedBytes(8192);
  #stringsAt = address(this.#strings);
  #pointers = new Uint32Array(new ArrayBuffer(8 * 128));

  /**
   * Encodes everything as C strings. `path` and `cwd` come back NUL-terminated at the
   * start of their buffers, `argv` and `envp` as NULL-terminated `char *[]`. Throws a
   * TypeError for a NUL byte in any string (C would cut it there).
   */
  fill(path: string, cwd: string, argv: string[], env: Record<string, string>): {
    path: Uint8Array;
    cwd: Uint8Array;
    argv: Uint32Array;
    envp: Uint32Array;
  } {
    let joined = checked(path) + "\0" + checked(cwd) + "\0";
    for (const arg of argv) joined += checked(arg) + "\0";
    let envc = 0;
    for (const key in env) {
      joined += checked(key) + "=" + checked(env[key]) + "\0";
      envc++;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (joined.length * 3 > this.#strings.length) {
      this.#strings = fixedBytes(2 ** Math.ceil(Math.log2(joined.length * 3)));
      this.#stringsAt = address(this.#strings);
    }
    const slots = argv.length + envc + 2;
    if (slots * 2 > this.#pointers.length) {
      this.#pointers = new Uint32Array(new ArrayBuffer(8 * 2 ** Math.ceil(Math.log2(slots))));
    }
    const bytes = this.#strings;
    encoder.encodeInto(joined, bytes);
    const cwdAt = bytes.indexOf(0) + 1;
    let at = bytes.indexOf(0, cwdAt) + 1; // the first argument
    const words = this.#pointers; // little-endian 64-bit pointers as 32-bit halves
    let slot = 0;
    const point = (count: number) => {
      for (let i = 0; i < count; i++, slot++) {
        const where = this.#stringsAt + at; // < 2^53: exact as a number
        words[2 * slot] = where % 0x1_0000_0000;
        words[2 * slot + 1] = Math.floor(where / 0x1_0000_0000);
        at = bytes.indexOf(0, at) + 1;
      }
      words[2 * slot] = words[2 * slot + 1] = 0; // NULL
      slot++;
    };
    point(argv.length);
    const envpAt = slot;
    point(envc);
    return {
      path: bytes,
      cwd: bytes.subarray(cwdAt),
      argv: words.subarray(0, 2 * envpAt),
      envp: words.subarray(2 * envpAt, 2 * slot),
    };
  }

  /** Gives the set back for another call: only once the call that used it has returned. */
  release(): void {
    if (spare.length < POOL_LIMIT) spare.push(this);
  }
}

const spare: SpawnBuffers[] = [];

/** A set of buffers no call in flight uses. */
export function takeBuffers(): SpawnBuffers {
  return spare.pop() ?? new SpawnBuffers();
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
