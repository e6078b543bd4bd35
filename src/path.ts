/**
 * node:path's `resolve` and `dirname` for the modules every `weft run` loads, without
 * loading node:path: that import starts Deno's Node compatibility layer, ~10 ms of CPU
 * on every run (issue 8 §5, issue 12 §3). On POSIX systems these are ports of Node's
 * posix functions (lib/path.js), giving the same strings; on Windows they hand over
 * to node:path itself (its drive letters and UNC roots are not worth a second copy).
 * At src/'s top level, so every layer may use it (DESIGN.md §3).
 * @module
 */
import type * as NodePath from "node:path";

let windowsPath: typeof NodePath | undefined;

/** node:path, loaded on first use (Windows only). */
function nodePath(): typeof NodePath {
  windowsPath ??= (globalThis as unknown as {
    process: { getBuiltinModule(id: "node:path"): typeof NodePath };
  }).process.getBuiltinModule("node:path");
  return windowsPath;
}

const onWindows = Deno.build.os === "windows";

/**
 * node:path's `resolve(...paths)`: the paths joined from the right until one is
 * absolute, against `Deno.cwd()` when none is, normalized (`.`, `..` and repeated `/`
 * gone, no trailing `/` but for the root). Empty strings are skipped.
 */
export function resolvePath(...paths: string[]): string {
  if (onWindows) return nodePath().resolve(...paths);
  let resolved = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
    const path = i >= 0 ? paths[i] : Deno.cwd();
    if (path.length === 0) continue;
    resolved = `${path}/${resolved}`;
    absolute = path.startsWith("/");
  }
  const normal = normalizeSegments(resolved, !absolute);
  if (absolute) return `/${normal}`;
  return normal.length > 0 ? normal : ".";
}

/**
 * node:path's `dirname(path)`: the path without its last segment (trailing `/`
 * ignored); `.` for a bare name or "", `/` for the root or a file in it.
 */
export function dirnamePath(path: string): string {
  if (onWindows) return nodePath().dirname(path);
  if (path.length === 0) return ".";
  const hasRoot = path.startsWith("/");
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] === "/") {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

/**
 * The segments of `path` with `.` and empty ones dropped and `..` applied, joined by
 * `/` (Node's normalizeString). A `..` above the start is kept only when `allowAbove`
 * (relative paths); at an absolute path's root it is dropped.
 */
function normalizeSegments(path: string, allowAbove: boolean): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") parts.push(part);
    else if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else if (allowAbove) parts.push(part);
  }
  return parts.join("/");
}
