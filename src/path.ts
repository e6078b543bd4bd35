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
  loaded ??= (globalThis as unknown as {
    process: { getBuiltinModule(id: "node:path"): typeof NodePath };
  }).process.getBuiltinModule("node:path");
  return loaded;
}
