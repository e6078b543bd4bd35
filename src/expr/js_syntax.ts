/**
 * Where a javascript task's source fails to compile. js_host.ts (tasks/) runs a script
 * as the body of an async function with {@link SCRIPT_BINDINGS} as parameters, and V8's
 * SyntaxError from that constructor names no line or column. The parser reads left to
 * right and stops at the first error, so a prefix of the source fails with the same
 * message exactly when it reaches the error: a binary search over lines, then over the
 * characters of that line, finds it in a few dozen compilations (nothing is run).
 * Shared by the run (a script file's `file:line:col`) and `weft validate` (inline `code`).
 * Source nested too deeply to parse is placed the same way (js_nesting.ts first, then
 * the place where V8's parser runs out of stack).
 * @module
 */
import { jsNestingTrouble } from "./js_nesting.ts";

/** The names a script's body sees, in the order js_host.ts passes them. */
export const SCRIPT_BINDINGS: readonly string[] = [
  "require",
  "module",
  "exports",
  "__filename",
  "__dirname",
  "process",
  "params",
  "env",
  "setOutput",
];

type ScriptFunction = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => ScriptFunction;

/** A syntax error: V8's message, and its 1-based line and column in the source. */
export interface JsSyntaxError {
  message: string;
  line: number;
  column: number;
  /** Not a syntax error: the source nests too deeply to be parsed (js_nesting.ts). */
  deep?: boolean;
}

/** V8's message when `source` does not compile as a script body; undefined when it does. */
function compileError(source: string): string | undefined {
  try {
    new AsyncFunction(...SCRIPT_BINDINGS, source);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return error.message;
    // V8's parser ran out of stack: deep nesting of another kind than brackets
    // (js_nesting.ts), which a prefix reaches at the same place.
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
}

const TOO_DEEP = "nested too deeply here for the JavaScript parser, which ran out of stack";

/**
 * The syntax error of `source` (a script body, a `#!` line already made a comment) with
 * where it is, or undefined when it compiles. An error only the end of the text shows
 * (`Unexpected end of input`: something is not closed) is placed at the end.
 */
export function jsSyntaxError(source: string): JsSyntaxError | undefined {
  const deep = jsNestingTrouble(source);
  if (deep) return { ...deep, deep: true };
  const message = compileError(source);
  if (message === undefined) return undefined;
  const deepest = message === TOO_DEEP;
  const lines = source.split("\n");
  if (/end of input/i.test(message)) {
    return { message, line: lines.length, column: lines[lines.length - 1].length + 1 };
  }
  const upTo = (k: number) => lines.slice(0, k).join("\n");
  let lo = 1;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compileError(upTo(mid)) === message) hi = mid;
    else lo = mid + 1;
  }
  const before = lo > 1 ? upTo(lo - 1) + "\n" : "";
  const text = lines[lo - 1];
  let a = 1;
  let b = text.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (compileError(before + text.slice(0, mid)) === message) b = mid;
    else a = mid + 1;
  }
  // The prefix ends with the offending token: point at its start when the message names it.
  const token = /'([^']+)'/.exec(message)?.[1];
  if (deepest) return { message, line: lo, column: a, deep: true };
  if (token && text.slice(a - token.length, a) === token) {
    return { message, line: lo, column: a - token.length + 1 };
  }
  // The token is the wrapping function's own `})`: what opened here is never closed.
  const opener = text[a - 1];
  const unclosed = opener && "{([".includes(opener)
    ? `this ${opener} is never closed`
    : `${message}: something opened before is never closed`;
  return { message: token === ")" || token === "}" ? unclosed : message, line: lo, column: a };
}
