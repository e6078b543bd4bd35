/**
 * Glob patterns of a file_change trigger (`config.files`), relative to the workflow's
 * folder: `*` and `?` within one path segment, `**` across segments, `{a,b}`
 * alternatives and `[...]` classes, as in shell and .gitignore-style globs. A pattern
 * without glob characters, or ending in `/`, names a file or a folder: it matches the
 * path itself and everything below it (as `watchexec -w src` or nodemon take a folder).
 * In a list, a pattern starting with `!` excludes what it matches, as GitHub Actions'
 * `paths` do: a path counts when the last pattern matching it is not a `!` one, so
 * `["src/**", "!src/gen/**"]` is src without src/gen.
 * @module
 */
import { isAbsolute, join, normalize } from "node:path";

/** A compiled pattern: its absolute form, the folder to watch, and a matcher. */
export interface FileGlob {
  /** The pattern made absolute against the workflow's folder. */
  pattern: string;
  /** The deepest folder without glob characters: what Deno.watchFs watches (recursively). */
  base: string;
  /** True when an absolute path matches. */
  matches(path: string): boolean;
}

const GLOB_CHARS = /[*?[{]/;

/** Compiles `pattern` (relative to `dir`, or absolute; without its `!`, if any). */
export function compileGlob(pattern: string, dir: string): FileGlob {
  const folder = pattern.endsWith("/");
  const absolute = normalize(isAbsolute(pattern) ? pattern : join(dir, pattern))
    .replace(/(?<=.)\/+$/, "");
  const segments = absolute.split("/");
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const base = firstGlob !== -1
    ? segments.slice(0, firstGlob).join("/") || "/"
    : folder
    ? absolute
    : segments.slice(0, -1).join("/") || "/";
  // A literal path (a file, or a folder: whatever is below it) or `dir/`: also below it.
  const below = firstGlob === -1 || folder ? "(?:/.*)?" : "";
  // `s`: a file name may hold a line break, and `.` (`**`, "everything below") must match it
  // as `[^/]` does.
  const regex = new RegExp("^" + globToRegex(absolute) + below + "$", "s");
  return { pattern: absolute, base, matches: (path) => regex.test(normalize(path)) };
}

/** A trigger's list of patterns: which paths count, and the folders to watch. */
export interface FileGlobs {
  /** True when the last pattern matching `path` (absolute) is not a `!` one. */
  matches(path: string): boolean;
  /** The folders under the patterns that include (`!` ones add none). */
  bases: string[];
}

/** Compiles `patterns` (relative to `dir`); see the module doc for `!`. */
export function compileGlobs(patterns: readonly string[], dir: string): FileGlobs {
  const compiled = patterns.map((p) => {
    const exclude = p.startsWith("!");
    return { exclude, glob: compileGlob(exclude ? p.slice(1) : p, dir) };
  });
  return {
    matches(path) {
      for (let i = compiled.length - 1; i >= 0; i--) {
        if (compiled[i].glob.matches(path)) return !compiled[i].exclude;
      }
      return false;
    },
    bases: compiled.filter((c) => !c.exclude).map((c) => c.glob.base),
  };
}

function globToRegex(glob: string): string {
  let out = "";
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` matches zero or more whole segments; a trailing `**` anything below.
        if (glob[i + 2] === "/") {
          out += "(?:[^/]*/)*";
          i += 2;
        } else {
          out += ".*";
          i += 1;
        }
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end === -1) out += "\\[";
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = end;
      }
    } else if (c === "{") {
      inBraces++;
      out += "(?:";
    } else if (c === "}" && inBraces > 0) {
      inBraces--;
      out += ")";
    } else if (c === "," && inBraces > 0) out += "|";
    else out += c.replace(/[.+^$()|\\\]]/g, "\\$&");
  }
  return out;
}
