/**
 * The binder's lexer (sql.ts): one token of a `query` at a time, by one database's
 * lexical rules — PostgreSQL's (scan.l: nested comments, E'…' with \ escapes, prefixed
 * strings, string constants continued across a line break, $tag$ bodies, `$n`
 * parameters) or SQLite's (tokenize.c: `…` and […] names, `?`, `?n`, `:name`, `@name`,
 * `$name` parameters). Prefixes are read by sql_typed.ts literalPrefix.
 * @module
 */
import { DOLLAR_TAG } from "./sql_statements.ts";
import { literalPrefix } from "./sql_typed.ts";
import type { JoinedPlace } from "./sql_function_places.ts";

export type State =
  | { kind: "code" }
  | StringState
  | { kind: "ident"; close: string }
  | { kind: "line-comment" }
  | { kind: "block-comment"; depth: number }
  | { kind: "dollar"; tag: string };

/** Inside a '…' literal. */
export interface StringState {
  kind: "string";
  /** Its prefix, upper-cased ("" for none: sql_typed.ts literalPrefix). */
  prefix: string;
  /** Whether `\` escapes (PostgreSQL's E'…'). */
  e: boolean;
  /** The output piece of its prefix, or of its opening quote when it has none. */
  open: number;
  /** Whether it was cut open around a `${...}`. */
  cut: boolean;
  /** Index of its opening quote in the current literal; -1 once cut. */
  start: number;
  /** Once cut: what closes it (`)`, or `) AS type)` for a typed constant's cast). */
  close?: string;
  /** The type it is cast to by a typed constant (sql_typed.ts), once cut. */
  type?: string;
  /** Once cut, a U&'…' string's pieces joining values (each gets the string's UESCAPE). */
  joins?: number[];
  /** Once cut: the source index of its first `${`, and whether `CAST(` opens before it. */
  at?: number;
  inCast?: boolean;
  /** Once cut: how many `(` only group it (sql_typed.ts groupingParens). */
  parens?: number;
  /** Once cut: whether its text starts with `{` or `[` (not a pattern's). */
  brace?: boolean;
  /** Once cut: what reads it as structure where it stands (sql_function_places.ts). */
  place?: JoinedPlace;
}

/** What the binder reads the text by: one database's lexical rules. */
export interface Lexer {
  pg: boolean;
}

/**
 * PostgreSQL joins two string constants separated by blanks holding a line break (and
 * `--` comments) into one (scan.l's quotecontinue): the text from a closing quote to the
 * next opening quote, sticky at the index after the closing quote.
 */
const CONTINUATION = /(?:[ \t\f]|--[^\n\r]*)*[\n\r](?:[ \t\n\r\f\v]+|--[^\n\r]*[\n\r])*'/y;

/** The length of a string continuation at `literal[i]` (just after a closing quote), or 0. */
export function continuationAt(literal: string, i: number): number {
  CONTINUATION.lastIndex = i;
  return CONTINUATION.exec(literal)?.[0].length ?? 0;
}

/**
 * Moves past one token of `literal` from `i` in `state`, by `lexer`'s rules. `outLength`
 * is the index of the token's piece in the output (for a string's opening quote; a
 * prefix before it is the pieces before, since each character of code is a piece of its
 * own). `placeholder`: a parameter the user wrote (PostgreSQL's `$1`; SQLite's `?`,
 * `?1`, `:name`, `@name`, `$name`), which would take one of weft's values.
 */
export function advance(
  state: State,
  literal: string,
  i: number,
  outLength: number,
  lexer: Lexer,
): { state: State; next: number; closedCut?: boolean; placeholder?: string } {
  const c = literal[i];
  const afterWord = /[\w$\u0080-\uffff]/.test(literal[i - 1] ?? "");
  switch (state.kind) {
    case "code": {
      if (c === "'") {
        const prefix = literalPrefix(literal, i, lexer.pg);
        const e = prefix === "E";
        const open = outLength - prefix.length;
        return { state: { kind: "string", prefix, e, open, cut: false, start: i }, next: i + 1 };
      }
      if (c === '"') return { state: { kind: "ident", close: c }, next: i + 1 };
      // `…` and […] are SQLite's quoted names; in PostgreSQL `[` is a subscript.
      if (!lexer.pg && c === "`") return { state: { kind: "ident", close: c }, next: i + 1 };
      if (!lexer.pg && c === "[") return { state: { kind: "ident", close: "]" }, next: i + 1 };
      if (c === "-" && literal[i + 1] === "-") {
        return { state: { kind: "line-comment" }, next: i + 2 };
      }
      if (c === "/" && literal[i + 1] === "*") {
        return { state: { kind: "block-comment", depth: 1 }, next: i + 2 };
      }
      if (lexer.pg && c === "$" && !afterWord) {
        DOLLAR_TAG.lastIndex = i;
        const tag = DOLLAR_TAG.exec(literal)?.[0];
        if (tag) return { state: { kind: "dollar", tag }, next: i + tag.length };
        const own = /^\$\d+/.exec(literal.slice(i, i + 12))?.[0];
        if (own) return { state, next: i + own.length, placeholder: own };
      }
      if (!lexer.pg) {
        const own = c === "?"
          ? /^\?\d*/.exec(literal.slice(i, i + 12))![0]
          : "$@:#".includes(c) && !afterWord && literal[i - 1] !== ":"
          ? /^[$@:#][\w$\u0080-\uffff]+/.exec(literal.slice(i, i + 64))?.[0]
          : undefined;
        if (own) return { state, next: i + own.length, placeholder: own };
      }
      return { state, next: i + 1 };
    }
    case "string": {
      if (state.e && c === "\\") return { state, next: i + 2 };
      if (c === "'" && literal[i + 1] === "'") return { state, next: i + 2 };
      if (c === "'") {
        // PostgreSQL: `'a'` and `'b'` on the next line are one constant, `'ab'`.
        const more = lexer.pg ? continuationAt(literal, i + 1) : 0;
        if (more > 0) return { state, next: i + 1 + more };
        return { state: { kind: "code" }, next: i + 1, closedCut: state.cut };
      }
      return { state, next: i + 1 };
    }
    case "ident":
      return { state: c === state.close ? { kind: "code" } : state, next: i + 1 };
    case "line-comment":
      // PostgreSQL ends a line comment at \n or \r, SQLite at \n.
      return {
        state: c === "\n" || (lexer.pg && c === "\r") ? { kind: "code" } : state,
        next: i + 1,
      };
    case "block-comment":
      // PostgreSQL's block comments nest; SQLite's end at the first `*/`.
      if (lexer.pg && c === "/" && literal[i + 1] === "*") {
        return { state: { kind: "block-comment", depth: state.depth + 1 }, next: i + 2 };
      }
      if (c === "*" && literal[i + 1] === "/") {
        const depth = lexer.pg ? state.depth - 1 : 0;
        return {
          state: depth > 0 ? { kind: "block-comment", depth } : { kind: "code" },
          next: i + 2,
        };
      }
      return { state, next: i + 1 };
    case "dollar":
      if (literal.startsWith(state.tag, i)) {
        return { state: { kind: "code" }, next: i + state.tag.length };
      }
      return { state, next: i + 1 };
  }
}

/**
 * `text` (code: the text after a string's closing quote) with its comments made blanks of
 * the same length (line breaks kept), read by `lexer`'s rules, so that what follows a
 * literal — a cast, an interval qualifier, an operator — is read past any comment.
 */
export function blankComments(text: string, lexer: Lexer): string {
  let state: State = { kind: "code" };
  let out = "";
  for (let i = 0; i < text.length;) {
    const step = advance(state, text, i, 0, lexer);
    const piece = text.slice(i, step.next);
    const comment = state.kind.endsWith("comment") || step.state.kind.endsWith("comment");
    out += comment ? piece.replace(/[^\n\r]/g, " ") : piece;
    state = step.state;
    i = step.next;
  }
  return out;
}
