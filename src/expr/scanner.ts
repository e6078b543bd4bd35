/**
 * The expression scanner: one token at a time from any position, so the parser can
 * resume scanning wherever a template or a string literal hands it a `${`.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { exactLiteral, MAX_DIGITS } from "./exact_numbers.ts";

/** Kinds of tokens. */
export type TokenKind = "num" | "lit" | "path" | "quote" | "op" | "(" | ")" | "${" | "}" | "eof";

/** One token; `end` is exclusive. */
export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Operator text (`===` already folded to `==`), or the literal's value for num/lit. */
  text: string;
  value?: number | string | boolean | null;
  segments?: string[];
}

/** A number literal: digits, a fraction, an exponent. `y`: matched at lastIndex only. */
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

const KEYWORDS: Record<string, boolean | null> = { true: true, false: false, null: null };
const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

const isIdentStart = (c: string | undefined) =>
  c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
const isIdentChar = (c: string | undefined) => isIdentStart(c) || isDigit(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";

/** Scans one source text. */
export class Scanner {
  constructor(private readonly src: string) {}

  /**
   * The token at or after `pos` (whitespace skipped). `templateHint`: an unexpected
   * character gets a hint at the `$${` escape.
   */
  scan(pos: number, templateHint: boolean): Token {
    const src = this.src;
    let i = pos;
    while (isSpace(src[i])) i++;
    const c = src[i];
    const tok = (kind: TokenKind, length: number, text = src.slice(i, i + length)): Token => ({
      kind,
      start: i,
      end: i + length,
      text,
    });
    if (c === undefined) return tok("eof", 0);
    if (isIdentStart(c)) return this.scanPath(i);
    if (isDigit(c)) {
      // Sticky, so a literal of any length is one token, read where it is (no slice).
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src)!;
      // More digits than any exact result may have: refused here, before the work of
      // reading them (a file may hold megabytes of digits).
      if (m[0].length > MAX_DIGITS + 10) {
        throw new ExpressionError(
          `a number written with ${
            m[0].length
          } characters: weft computes with at most ${MAX_DIGITS} digits`,
          i,
          "quote it ('...') to use it as text",
        );
      }
      // A number a float does not hold (past 2^53, more digits than a float keeps, or
      // past its range: `1e400`) keeps its digits: a float would round it, or make it
      // Infinity or 0 (exact_numbers.ts).
      return { ...tok("num", m[0].length), value: exactLiteral(m[0]) ?? Number(m[0]) };
    }
    const two = src.slice(i, i + 2);
    switch (c) {
      case "'":
      case '"':
        return tok("quote", 1);
      case "(":
      case ")":
      case "}":
        return tok(c, 1);
      case "+":
      case "-":
      case "*":
      case "/":
      case "%":
        return tok("op", 1);
      case "<":
      case ">":
        if (two === "<>") throw new ExpressionError("unexpected '<>'", i, "use != for 'not equal'");
        return src[i + 1] === "=" ? tok("op", 2) : tok("op", 1);
      case "=":
        if (src.startsWith("===", i)) return tok("op", 3, "==");
        if (two === "==") return tok("op", 2);
        if (two === "=~") {
          // bash's and Jinja's regex match: `==` in its place would compare the pattern
          // itself as text, which validates and never holds.
          throw new ExpressionError(
            "unexpected '=~': conditions have no regular-expression match",
            i,
            "compare whole values (== 'release/1.0' || ...), or match in a task's command " +
              "(grep -E, case) and read its exit_code, outputs or status",
          );
        }
        throw new ExpressionError("unexpected '='", i, "did you mean '=='?");
      case "!":
        if (src.startsWith("!==", i)) return tok("op", 3, "!=");
        return two === "!=" ? tok("op", 2) : tok("op", 1);
      case "&":
        if (two === "&&") return tok("op", 2);
        throw new ExpressionError("unexpected '&'", i, "did you mean '&&'?");
      case "|":
        if (two === "||") return tok("op", 2);
        throw new ExpressionError("unexpected '|'", i, "did you mean '||'?");
      case "$":
        if (two === "${") return tok("${", 2);
        throw new ExpressionError("unexpected '$'", i, "write references as ${name} or name");
    }
    const shown = String.fromCodePoint(src.codePointAt(i)!);
    const hint = templateHint
      ? "to write a literal ${ here, use $${"
      : c === "?" || c === ":"
      ? "the ?: operator is not supported; use && and ||"
      : undefined;
    throw new ExpressionError(`unexpected character '${shown}'`, i, hint);
  }

  /** A backslash escape at `i`: `\n \t \r \b \f \v \0 \uXXXX \u{X…}`; any other char stands for itself. */
  readEscape(i: number): { text: string; end: number } {
    const e = this.src[i + 1];
    if (e === undefined) return { text: "", end: i + 1 }; // the caller reports the open string
    if (e in ESCAPES) return { text: ESCAPES[e], end: i + 2 };
    if (e === "\n") return { text: "", end: i + 2 }; // line continuation, as in JS
    if (e === "u") {
      const braced = this.src[i + 2] === "{";
      const m = braced
        ? /^\{([0-9a-fA-F]{1,6})\}/.exec(this.src.slice(i + 2, i + 11))
        : /^[0-9a-fA-F]{4}/.exec(this.src.slice(i + 2, i + 6));
      const code = m ? parseInt(braced ? m[1] : m[0], 16) : NaN;
      if (!m || code > 0x10ffff) {
        throw new ExpressionError("invalid \\u escape", i, "write \\u00e9 or \\u{1F600}");
      }
      return { text: String.fromCodePoint(code), end: i + 2 + m[0].length };
    }
    return { text: e, end: i + 2 };
  }

  /** `root.seg.seg`, `tasks.pre-build.exit_code`, `items.0`, `tasks["pre-build"]`; or true/false/null. */
  private scanPath(start: number): Token {
    const src = this.src;
    let i = start;
    while (isIdentChar(src[i])) i++;
    const segments = [src.slice(start, i)];
    for (;;) {
      if (src[i] === ".") {
        let j = i + 1;
        if (!isIdentChar(src[j])) {
          throw new ExpressionError(
            "expected a name after '.'",
            i,
            "write paths like tasks.build.exit_code",
          );
        }
        // A '-' belongs to the segment only between identifier characters: `pre-build`.
        while (isIdentChar(src[j]) || (src[j] === "-" && isIdentChar(src[j + 1]))) j++;
        segments.push(src.slice(i + 1, j));
        i = j;
      } else if (src[i] === "[") {
        let j = i + 1;
        while (isSpace(src[j])) j++;
        let segment = "";
        if (src[j] === "'" || src[j] === '"') {
          const quote = src[j];
          const open = j++;
          while (src[j] !== quote) {
            if (src[j] === undefined) {
              throw new ExpressionError("unterminated string", open, `close it with ${quote}`);
            }
            if (src[j] === "\\") {
              const escape = this.readEscape(j);
              segment += escape.text;
              j = escape.end;
            } else segment += src[j++];
          }
          j++;
        } else if (isDigit(src[j])) {
          const from = j;
          while (isDigit(src[j])) j++;
          segment = src.slice(from, j);
        } else {
          throw new ExpressionError(
            "expected a quoted name or a number inside [ ]",
            j,
            `write it like tasks["pre-build"]`,
          );
        }
        while (isSpace(src[j])) j++;
        if (src[j] !== "]") throw new ExpressionError("expected ']'", j, "close it with ]");
        segments.push(segment);
        i = j + 1;
      } else break;
    }
    const word = segments[0];
    if (segments.length === 1 && word in KEYWORDS) {
      return { kind: "lit", start, end: i, text: word, value: KEYWORDS[word] };
    }
    return { kind: "path", start, end: i, text: src.slice(start, i), segments };
  }
}
