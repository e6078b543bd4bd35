/**
 * Glob patterns of a file_change trigger (`config.files`), relative to the workflow's
 * folder: `*` and `?` within one path segment, `**` across segments, `{a,b}`
 * alternatives and `[...]` classes, as in shell and .gitignore-style globs.
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

/** Compiles `pattern` (relative to `dir`, or absolute). */
export function compileGlob(pattern: string, dir: string): FileGlob {
  const absolute = normalize(isAbsolute(pattern) ? pattern : join(dir, pattern));
  const segments = absolute.split("/");
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const base = firstGlob === -1
    ? segments.slice(0, -1).join("/") || "/"
    : segments.slice(0, firstGlob).join("/") || "/";
  const regex = new RegExp("^" + globToRegex(absolute) + "$");
  return { pattern: absolute, base, matches: (path) => regex.test(normalize(path)) };
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
