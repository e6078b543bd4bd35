/**
 * How deeply a javascript task's source nests brackets (`(`, `[`, `{`, a template's `${`),
 * checked before anything parses it: V8's parser runs out of stack a few thousand levels
 * down (a RangeError with no place), and the TypeScript type stripper (node:module
 * stripTypeScriptTypes, Rust) overflows its stack and aborts the whole process, which no
 * catch can stop. So deeper source is refused at the bracket that goes past
 * {@link MAX_JS_NESTING}, by `weft validate` (inline `code`) and by the launcher
 * (tasks/js_host.ts, a script file). The scan skips strings, comments, template text and
 * regular expressions (a `/` where an operand is expected starts one, as a parser reads it).
 * @module
 */

/** The deepest bracket nesting weft accepts in javascript source: well inside both parsers' stacks. */
export const MAX_JS_NESTING = 1000;

/** Where source nests too deeply: the 1-based line and column of the bracket past the limit. */
export interface JsNesting {
  line: number;
  column: number;
  message: string;
}

/** After these characters a `/` starts a regular expression (an operand is expected). */
const BEFORE_REGEX = new Set([..."(,=:[!&|?{};+-*%<>~^"]);

/** The first bracket in `source` nested deeper than `limit`, or undefined. */
export function jsNestingTrouble(source: string, limit = MAX_JS_NESTING): JsNesting | undefined {
  // Open brackets; "t" marks a template's `${`, whose `}` returns to the template's text.
  const open: string[] = [];
  let previous = ""; // the last significant character outside strings and comments
  let i = 0;
  const n = source.length;
  const push = (kind: string, at: number) => {
    open.push(kind);
    return open.length > limit ? at : -1;
  };
  /** Skips a template's text from i (after its backtick or a `}`), up to its end or a `${`. */
  const template = (): number => {
    for (; i < n; i++) {
      const c = source[i];
      if (c === "\\") i++;
      else if (c === "`") {
        i++;
        previous = "a";
        return -1;
      } else if (c === "$" && source[i + 1] === "{") {
        const past = push("t", i);
        i += 2;
        previous = "{";
        return past;
      }
    }
    return -1;
  };
  let past = -1;
  while (i < n && past < 0) {
    const c = source[i];
    if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      for (i++; i < n && source[i] !== c && source[i] !== "\n"; i++) if (source[i] === "\\") i++;
      i++;
      previous = "a";
    } else if (c === "`") {
      i++;
      past = template();
    } else if (c === "/" && (previous === "" || BEFORE_REGEX.has(previous))) {
      let inClass = false;
      for (i++; i < n && source[i] !== "\n"; i++) {
        const r = source[i];
        if (r === "\\") i++;
        else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
      }
      i++;
      previous = "a";
    } else if (c === "(" || c === "[" || c === "{") {
      past = push(c, i);
      previous = c;
      i++;
    } else if (c === ")" || c === "]" || c === "}") {
      const kind = open.pop();
      i++;
      previous = c;
      if (kind === "t") past = template();
    } else {
      if (!/\s/.test(c)) previous = /[A-Za-z0-9_$]/.test(c) ? "a" : c;
      i++;
    }
  }
  if (past < 0) return undefined;
  const before = source.slice(0, past);
  const line = before.split("\n").length;
  return {
    line,
    column: past - (before.lastIndexOf("\n") + 1) + 1,
    message: `brackets nested more than ${limit} levels deep here (weft's limit, which keeps ` +
      "the JavaScript parser and the TypeScript type stripper within their stack)",
  };
}
