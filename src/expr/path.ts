/**
 * Building a file path (or a glob of files) from a template, so that a value is a name
 * and never path or glob syntax — as url.ts does for URLs and shell.ts for commands:
 *
 * | where the `${` stands                 | the value                                      |
 * |---------------------------------------|------------------------------------------------|
 * | the very start of the template (the base) | inserted as written: it may name any folder, or be a whole glob; but when text follows it, its last name (after its last `/`, with the text after it) may not read `.` or `..` or be empty |
 * | anywhere else                         | inserted as written if it holds no `/` or `\` (it stays inside one name), does not make a name read `.` or `..` or leave it empty, and — in a glob — holds none of `* ? [ ] { } ( ) ,` (which the glob would read as a pattern); else refused |
 *
 * A value written `${raw(...)}` is inserted as written wherever it stands (a value
 * meant to add folders or a pattern). NUL is refused everywhere (no path holds one).
 *
 * Wherever it stands, raw or not, a value may not make a name of the path longer than
 * Linux allows (NAME_MAX, 255 bytes), nor the path itself (PATH_MAX, 4096 bytes with its
 * NUL): refused here, before anything looks at the disk, rather than left to a later
 * "File name too long" about whatever file weft or a program then touched.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { ownText } from "../model/data_text.ts";

/** One substituted value. `offset` locates its `${` in the template, for errors. */
export interface PathValue {
  text: string;
  /** Written as `raw(...)`: inserted without checks. */
  raw: boolean;
  offset: number;
}

/** Characters a glob (node:fs globSync: `*`, `?`, classes, braces, extglobs) reads as syntax. */
const GLOB_SYNTAX = /[*?[\]{}(),]/;
/** Glob syntax that can stand for fewer characters than it is written with (`*` aside). */
const GLOB_SHRINKS = /[?[\]{}()]/;
/** Linux's limits (limits.h): bytes in one name of a path; in a whole path with its NUL. */
export const NAME_MAX = 255;
export const PATH_MAX = 4096;
const encoder = new TextEncoder();

/**
 * The path text: `literals[k]` is the text before value k (the last one the text after
 * all values). `glob`: the path is a glob pattern. Throws ExpressionError, at the value's
 * `${`, for a value that would change the path's structure (table above).
 */
export function buildPath(
  literals: readonly string[],
  values: readonly PathValue[],
  glob: boolean,
): string {
  let path = literals[0];
  /** Where each checked value landed in `path`, to find the names they make. */
  const placed: { start: number; end: number; offset: number }[] = [];
  /** Where every value landed, raw or the base too, for the length limits. */
  const all: { start: number; end: number; offset: number }[] = [];
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (value.text.includes("\0")) {
      throw new ExpressionError(
        ownText("a value holds a NUL character, which no path can"),
        value.offset,
      );
    }
    // Only the first value, with nothing written before it, is the base: a later one
    // stays a name even when the values before it came out empty (`${a}${b}`, a = "").
    const base = k === 0 && literals[0] === "";
    if (!value.raw && !base) {
      checkName(value, glob);
      placed.push({
        start: path.length,
        end: path.length + value.text.length,
        offset: value.offset,
      });
    } else if (!value.raw && (values.length > 1 || literals[1] !== "")) {
      // The base may name any folder, but its last name is still a name of the path: a
      // base that is empty, `.` or `..` there (`${t}/tmp`, t = "" names `/tmp`, t = ".."
      // the folder above) changes which folder is named as much as any other value. One
      // ending in `/` (`/home/u/`) ended its last name itself; a whole path is as written.
      const cut = value.text.lastIndexOf("/");
      if (cut < 0 || cut < value.text.length - 1) {
        placed.push({ start: cut + 1, end: value.text.length, offset: value.offset });
      }
    }
    all.push({ start: path.length, end: path.length + value.text.length, offset: value.offset });
    path += value.text + literals[k + 1];
  }
  // `.` and `..` only read as folders as whole names, which may be made of a value and
  // the literal text (or other values) on either side of it. An empty name is the same
  // as `.`: `srv/${t}` or `srv/${t}/x` with t = "" names `srv` itself (`srv/`, `srv//x`).
  for (const { start, end, offset } of placed) {
    const from = start === 0 ? 0 : path.lastIndexOf("/", start - 1) + 1;
    const slash = path.indexOf("/", end);
    const name = path.slice(from, slash < 0 ? path.length : slash);
    if (name === "" || name === "." || name === "..") {
      throw new ExpressionError(
        ownText(
          name === "" && from === 0
            ? "a value makes an empty name at the start of the path, which would make it start at the root folder /"
            : name === "" || name === "."
            ? `a value makes ${
              name === "" ? "an empty name" : 'the name "."'
            } in the path, which would name the folder around it`
            : `a value makes the name ${
              JSON.stringify(name)
            } in the path, which would leave its folder`,
        ),
        offset,
        "a value stands for a name inside the path; if it is meant to name another folder, write raw(...) around it",
      );
    }
  }
  checkLengths(path, all, glob);
  return path;
}

/**
 * Throws ExpressionError, at the value's `${`, when a value is part of a name longer than
 * NAME_MAX bytes, or makes the whole path PATH_MAX bytes or more (UTF-8). In a glob, a `*`
 * counts for nothing (it may match nothing) and a name holding other pattern syntax is
 * not measured (`[abc]` matches one character). A name no value is part of is the
 * workflow's own text, left to the system to refuse.
 */
function checkLengths(
  path: string,
  spans: readonly { start: number; end: number; offset: number }[],
  glob: boolean,
): void {
  const bytes = (text: string) =>
    glob
      ? GLOB_SHRINKS.test(text) ? 0 : encoder.encode(text.replaceAll("*", "")).length
      : encoder.encode(text).length;
  for (const { start, end, offset } of spans) {
    if (start === end) continue;
    // Each name the value is part of: the one it starts in, to the one it ends in.
    let from = path.lastIndexOf("/", start - 1) + 1;
    for (;;) {
      const slash = path.indexOf("/", from);
      const name = path.slice(from, slash < 0 ? path.length : slash);
      // A third of the limit in UTF-16 units cannot pass it in UTF-8.
      const size = name.length * 3 <= NAME_MAX ? 0 : bytes(name);
      if (size > NAME_MAX) {
        throw new ExpressionError(
          ownText(
            `a value makes a name in the path ${size} bytes long; Linux allows ${NAME_MAX} ` +
              "bytes for one file or folder name (NAME_MAX)",
          ),
          offset,
          "shorten the value: no file or folder can have a longer name",
        );
      }
      if (slash < 0 || slash + 1 >= end) break;
      from = slash + 1;
    }
  }
  const size = spans.length === 0 || path.length * 3 < PATH_MAX ? 0 : bytes(path);
  if (size >= PATH_MAX) {
    throw new ExpressionError(
      ownText(
        `a value makes the path ${size} bytes long; Linux allows ${PATH_MAX - 1} bytes ` +
          "for a whole path (PATH_MAX)",
      ),
      spans[0].offset,
      "shorten the value",
    );
  }
}

function checkName(value: PathValue, glob: boolean): void {
  const slash = /[/\\]/.exec(value.text);
  if (slash) {
    throw new ExpressionError(
      ownText(
        `a value holds ${JSON.stringify(slash[0])} (at character ${
          slash.index + 1
        }), which would add folders to the path`,
      ),
      value.offset,
      "a value stands for a name inside the path; if it is meant to add folders, write raw(...) around it",
    );
  }
  const syntax = glob ? GLOB_SYNTAX.exec(value.text) : null;
  if (syntax) {
    throw new ExpressionError(
      ownText(
        `a value holds ${JSON.stringify(syntax[0])} (at character ${
          syntax.index + 1
        }), which the glob would read as a pattern`,
      ),
      value.offset,
      "a value stands for a name; if it is meant to be a pattern, write raw(...) around it",
    );
  }
}
