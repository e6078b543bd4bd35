/**
 * Whether nothing at all is at a path, without an exception: glibc's faccessat through
 * Deno FFI, for output_files.ts. Most attempts write no `$WEFT_OUTPUT`, so the usual
 * answer is "nothing there", and Deno.lstatSync says that by throwing NotFound, whose
 * making (message, class, stack) cost ~8 µs of the event loop per attempt, ~5% of a
 * 1,000-task run's main thread; this call costs ~1 µs.
 *
 * Private to src/engine.
 * @module
 */

import { declareLibc, errnoOf } from "../libc.ts";

const SYMBOLS = {
  faccessat: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** From Linux's fcntl.h and errno.h. */
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const F_OK = 0;
const ENOENT = 2;

/** Bound on first use with the other sets of libc calls (libc.ts); null: not glibc, no FFI. */
const load = declareLibc(SYMBOLS);
/** The path as a C string: one buffer serves every (synchronous) call. */
const pathBytes = new Uint8Array(4096);
const encoder = new TextEncoder();

/**
 * True only when the system says nothing is at `path`, not even a symbolic link
 * (faccessat F_OK with AT_SYMLINK_NOFOLLOW failed with ENOENT). False when something is
 * there or it cannot tell (no FFI, another error, a path too long for its buffer): the
 * caller then looks with Deno.lstatSync, which says what is there or why not.
 */
export function nothingAt(path: string): boolean {
  const c = load();
  if (!c || path.length * 3 >= pathBytes.length || path.includes("\0")) return false;
  const { written } = encoder.encodeInto(path, pathBytes);
  pathBytes[written] = 0;
  if (c.faccessat(AT_FDCWD, pathBytes, F_OK, AT_SYMLINK_NOFOLLOW) === 0) return false;
  return errnoOf(c) === ENOENT;
}
