/**
 * glibc's libc.so.6 through Deno FFI, for the few calls Deno has no API for (posix_spawn,
 * epoll, faccessat): one place that decides whether FFI can be used here, and reads
 * errno. Linux with glibc only; elsewhere the callers fall back to Deno's own APIs.
 * @module
 */

/**
 * `symbols` bound from libc.so.6, or null when this is not Linux, the FFI permission is
 * not granted, or a symbol is missing (musl, or a glibc older than the callers need).
 */
export function bindLibc<S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] | null {
  if (Deno.build.os !== "linux") return null;
  if (Deno.permissions.querySync?.({ name: "ffi" }).state !== "granted") return null;
  try {
    return Deno.dlopen("libc.so.6", symbols).symbols;
  } catch {
    return null;
  }
}

/**
 * The calling thread's errno, through a bound `__errno_location` (errno is per thread:
 * read it right after the failed call, on the thread that made it); 0 when unknown.
 */
export function errnoOf(c: { __errno_location(): Deno.PointerValue }): number {
  const where = c.__errno_location();
  return where ? new Deno.UnsafePointerView(where).getInt32() : 0;
}
