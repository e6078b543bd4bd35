/**
 * glibc's libc.so.6 through Deno FFI, for the few calls Deno has no API for (posix_spawn,
 * epoll, faccessat): one place that decides whether FFI can be used here, binds the
 * calls, and reads errno. Linux with glibc only; elsewhere the callers fall back to
 * Deno's own APIs.
 *
 * Each module declares the calls it makes with {@link declareLibc} when it loads, and
 * binds them when first used. The first binding opens libc ONCE for every set declared
 * by then: each Deno.dlopen costs a fixed ~0.1-0.5 ms on top of a compiled trampoline
 * per symbol, and the spawner, the fd reactor and the output-file probe all load before
 * a run's first task starts. A set declared after that first binding, or one whose
 * symbols the shared binding lacks (a symbol of another set missing from this libc:
 * glibc < 2.36 has no pidfd_open), is bound on its own, so each set is available
 * exactly when it would be alone.
 *
 * Calls made once per process (set-up) are better not bound that way: each bound symbol
 * costs a compiled trampoline (~0.1-0.3 ms), where a call through
 * {@link declareLibcOnce}'s Deno.UnsafeFnPointer costs ~5 µs and compiles nothing.
 * @module
 */

type Symbols = Deno.ForeignLibraryInterface;

/** `text` as a NUL-terminated UTF-8 C string (the caller refuses a NUL inside first). */
export function cString(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

/** The symbols of every set declared so far, by name (names are shared by all sets). */
const declared = new Map<string, Symbols[string]>();
/** The symbols of `declared` bound in one dlopen, null when that failed; once. */
let shared: Record<string, unknown> | null | undefined;

/**
 * Declares a set of libc calls; resolves, on first call of the function returned, to
 * them bound (the same object for every later call), or to null when this is not
 * Linux, the FFI permission is not granted, or a symbol of the set is missing (musl, or
 * a glibc older than the caller needs). Call it at module level, so that the set is
 * part of the one dlopen (see the module doc). Throws when a name is declared again
 * with another signature: the sets share one namespace.
 */
export function declareLibc<S extends Symbols>(
  symbols: S,
): () => Deno.DynamicLibrary<S>["symbols"] | null {
  for (const [name, definition] of Object.entries(symbols)) {
    const known = declared.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(definition)) {
      throw new Error(`libc symbol ${name} declared twice with different signatures`);
    }
  }
  for (const [name, definition] of Object.entries(symbols)) declared.set(name, definition);
  let bound: Deno.DynamicLibrary<S>["symbols"] | null | undefined;
  return () => {
    if (bound === undefined) bound = bind(symbols);
    return bound;
  };
}

const encoder = new TextEncoder();
/** dlsym, to find the calls of {@link declareLibcOnce}; RTLD_DEFAULT is the null handle. */
const lookup = declareLibc({
  dlsym: { parameters: ["pointer", "buffer"], result: "pointer" },
});

/** Calls of `S` made through a function pointer: what {@link declareLibcOnce} gives. */
export type OnceCalls<S extends Record<string, Deno.ForeignFunction>> = {
  [K in keyof S]: (
    ...args: Parameters<Deno.UnsafeFnPointer<S[K]>["call"]>
  ) => ReturnType<Deno.UnsafeFnPointer<S[K]>["call"]>;
};

/**
 * Declares libc calls a process makes once or a few times (set-up): on first call of
 * the function returned, they are found with dlsym and called through
 * Deno.UnsafeFnPointer, which compiles nothing (see the module doc). Resolves to null
 * as {@link declareLibc} does (not Linux, no FFI, a symbol missing). Only for calls
 * that are not `nonblocking`.
 */
export function declareLibcOnce<S extends Record<string, Deno.ForeignFunction>>(
  symbols: S,
): () => OnceCalls<S> | null {
  let bound: OnceCalls<S> | null | undefined;
  return () => {
    if (bound !== undefined) return bound;
    const c = lookup();
    const calls: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(symbols)) {
      const where = c?.dlsym(null, cString(definition.name ?? name));
      if (!where) return bound = null;
      const fn = new Deno.UnsafeFnPointer(
        where as Deno.PointerObject<typeof definition>,
        definition,
      );
      calls[name] = fn.call.bind(fn);
    }
    return bound = calls as OnceCalls<S>;
  };
}

function bind<S extends Symbols>(symbols: S): Deno.DynamicLibrary<S>["symbols"] | null {
  if (Deno.build.os !== "linux") return null;
  if (Deno.permissions.querySync?.({ name: "ffi" }).state !== "granted") return null;
  if (shared === undefined) shared = open(Object.fromEntries(declared));
  if (shared && Object.keys(symbols).every((name) => name in shared!)) {
    return shared as Deno.DynamicLibrary<S>["symbols"];
  }
  return open(symbols);
}

function open<S extends Symbols>(symbols: S): Deno.DynamicLibrary<S>["symbols"] | null {
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
