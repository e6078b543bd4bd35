/**
 * Code that would not even start: a shell command that leaves a quote or `$(` open
 * (expr/shell_lexer.ts finds it), inline javascript that does not compile
 * (expr/js_syntax.ts). step_checks.ts reports them at their place.
 * @module
 */
import { jsSyntaxError } from "../expr/js_syntax.ts";

/**
 * The words for a command that leaves `opener` open: sh refuses to run it ("Unterminated
 * quoted string", "end of file unexpected"). In YAML the cause is often a ` #` after a
 * blank, which starts a comment and cuts the rest of an unquoted value.
 */
export function unclosedTrouble(opener: string): [string, string] {
  const closer: Record<string, string> = {
    "'": "'",
    '"': '"',
    "$'": "'",
    "`": "`",
    "$(": ")",
    "${": "}",
    "((": "))",
    "[": "]",
  };
  return [
    `the ${opener} opened here is never closed, so the shell refuses to run the command`,
    `close it with ${closer[opener] ?? opener}; in YAML, " #" starts a comment that cuts an ` +
    "unquoted value short: quote the whole command or write it as a | block",
  ];
}

/**
 * Why inline javascript `code` does not compile (as tasks/js_host.ts compiles it, never
 * running it), at its offset in `code`; undefined when it compiles.
 */
export function inlineCodeError(
  code: string,
): { offset: number; message: string; hint: string } | undefined {
  const source = code.startsWith("#!") ? "//" + code.slice(2) : code; // as js_host.ts does
  const error = jsSyntaxError(source);
  if (!error) return undefined;
  const lineStart = source.split("\n").slice(0, error.line - 1).join("\n").length +
    (error.line > 1 ? 1 : 0);
  return {
    offset: lineStart + error.column - 1,
    message: error.deep
      ? `inline code cannot be parsed: ${error.message}`
      : `inline code does not compile: SyntaxError: ${error.message}`,
    hint: error.deep
      ? "nest less: build deep values in a loop, or read them from a JSON file"
      : "fix the JavaScript at this place; `code` runs as the body of an async function",
  };
}
