/**
 * node:path, loaded on first use rather than at import. A static `import "node:path"`
 * starts Deno's Node compatibility layer (~5 ms) in every command that merely loads the
 * importing module, `--help` and `weft history` included (issue 12 §3); with this, only
 * a command that resolves a path pays, when it does. `process.getBuiltinModule`
 * (Node 22.3+, supported by Deno 2) returns the same module synchronously.
 * {@link isAbsolutePath}, {@link joinPath}, {@link normalizeAbsolute} and {@link dirnameOf}
 * give node:path's answers
 * without loading it where they plainly can (what loading a workflow file needs).
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

// What `weft run` and `weft validate` of a workflow file need of node:path before the
// first task starts, worked out without it where that is plainly exact: loading node:path
// starts Node compatibility (~7 ms of every such command from source; issue 8 §5).
// Windows paths (drive letters, two separators) always take node:path.
const POSIX = Deno.build.os !== "windows";

/** node:path's `isAbsolute(path)`. */
export function isAbsolutePath(path: string): boolean {
  return POSIX ? path.startsWith("/") : nodePath().isAbsolute(path);
}

/**
 * node:path's `join(dir, path)`. Without node:path when nothing needs normalizing: `dir`
 * absolute, and no segment of either empty, `.` or `..` (a plain `cwd` and `wf.json`).
 */
export function joinPath(dir: string, path: string): string {
  if (plainAbsolute(dir) && plain(path)) {
    return dir === "/" ? `/${path}` : `${dir}/${path}`;
  }
  return nodePath().join(dir, path);
}

/**
 * Absolute `path` normalized as node:path's `normalize(path)` does (`/tmp/./x.yml` and
 * `//tmp/dir//w.json` become `/tmp/x.yml` and `/tmp/dir/w.json`), so that a workflow
 * named by an absolute path is recorded as one named by a relative path is (joinPath
 * normalizes). Without node:path when nothing needs normalizing (`/tmp/x.yml`).
 */
export function normalizeAbsolute(path: string): string {
  if (plainAbsolute(path)) return path;
  return nodePath().normalize(path);
}

/** Whether `path` is a POSIX absolute path with nothing to normalize (see {@link plain}). */
function plainAbsolute(path: string): boolean {
  return POSIX && path.startsWith("/") && (path === "/" || plain(path.slice(1)));
}

/** Whether relative `path` has segments only, none empty, `.` or `..`. */
function plain(path: string): boolean {
  return path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/**
 * node:path's `dirname(path)`: on POSIX its algorithm (Node's lib/path.js
 * posix.dirname): the path before its last segment, trailing separators ignored; `/` for
 * the root, `.` for a bare name, and `//` kept where a path starts with it.
 */
export function dirnameOf(path: string): string {
  if (!POSIX) return nodePath().dirname(path);
  if (path.length === 0) return ".";
  const hasRoot = path.charCodeAt(0) === 0x2f;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === 0x2f) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else matchedSlash = false;
  }
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

/**
 * What `info` (a stat) is in words when it is neither a file nor a folder: "a named pipe
 * (FIFO)", "a character device", "a block device", "a socket", else "a special file".
 * For messages that say why such a path cannot serve.
 */
export function specialFileKind(info: Deno.FileInfo): string {
  if (info.isFifo) return "a named pipe (FIFO)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "a special file";
}

/**
 * What `info` (a stat) is in words, for a message saying it is not what was wanted:
 * "a file", "a folder", else {@link specialFileKind}.
 */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isFile) return "a file";
  if (info.isDirectory) return "a folder";
  return specialFileKind(info);
}
