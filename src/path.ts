/**
 * node:path, loaded on first use rather than at import. A static `import "node:path"`
 * starts Deno's Node compatibility layer (~5 ms) in every command that merely loads the
 * importing module, `--help` and `weft history` included (issue 12 §3); with this, only
 * a command that resolves a path pays, when it does. `process.getBuiltinModule`
 * (Node 22.3+, supported by Deno 2) returns the same module synchronously.
 * At src/'s top level, so every layer may use it (DESIGN.md §3).
 * @module
 */
import type * as NodePath from "node:path";

let loaded: typeof NodePath | undefined;

/** node:path (its platform's flavour: posix, or win32 on Windows). */
export function nodePath(): typeof NodePath {
  loaded ??= nodeBuiltin<typeof NodePath>("node:path");
  return loaded;
}

/**
 * The Node builtin `id` (`"node:fs"`), loaded now if it was not yet: for modules that
 * use one only on some paths, where a static import would start Node compatibility
 * whenever they load. `T` is its type (`typeof import("node:fs")`).
 */
export function nodeBuiltin<T>(id: string): T {
  return (globalThis as unknown as { process: { getBuiltinModule(id: string): T } }).process
    .getBuiltinModule(id);
}
