/**
 * Values in SQL patterns, for the binder (sql.ts). A bound value cannot change the
 * statement, but the right operand of `LIKE`, `ILIKE`, `SIMILAR TO`, `GLOB`, `REGEXP`
 * or a PostgreSQL regex operator (`~`, `~*`, `!~`, `!~*`; `~~` and `~~*` are LIKE) is
 * itself a little language: `name LIKE '${q}%'` with `q=_` or `q=%` would match every
 * row. So, as a value in a shell pattern is quoted (shell_lexer.ts), every value in such
 * an operand — the pattern literal it is joined to, the whole literal, a bare value, each
 * part of `'%' || ${q} || '%'`, an argument of a call there — is escaped to match
 * literally, unless written `${raw(...)}` (how: sql_pattern_words.ts escapeFor). The
 * escape character of LIKE/ILIKE/SIMILAR TO is the operand's own `ESCAPE 'c'`, else `\`,
 * and weft adds `ESCAPE '\'` (PostgreSQL's default, which SQLite lacks); `~~` takes none,
 * nor does PostgreSQL's `LIKE ANY (…)`/`ALL (…)` (its default `\` escapes there).
 * The operand runs from the operator to the first of, at its own parenthesis level:
 * `,`, `)`, `;`, a comparison (`=`, `<`, `>`), a keyword that ends an expression
 * (`AND`, `OR`, `THEN`, `LIMIT`, …), another pattern operator, or the end; a subquery in
 * it (`(SELECT …)`) is not pattern text, though a pattern operator inside it has its own
 * operand. The pattern argument of a pattern function is one too (sql_pattern_words.ts:
 * PostgreSQL's regexp_*, whose regexp_replace replacement gets its `\` doubled; SQLite's
 * like(P, S), given weft's `'\'` as third argument, glob(P, S), regexp(P, S)). Sources:
 * PostgreSQL 15 "9.7 Pattern Matching" (LIKE's default escape is `\`), SQLite "lang_expr".
 * @module
 */
import { ExpressionError } from "./errors.ts";
import {
  END_WORDS,
  escapeFor,
  escapeLiteralAt,
  isSubquery,
  OPERATOR_CHARS,
  PATTERN_FUNCTIONS,
  type PatternKind as Kind,
  SYMBOL_OPERATORS,
  WORD_OPERATORS,
} from "./sql_pattern_words.ts";

/** A value bound in an operand, escaped once its escape character is known. */
interface Pending {
  param: number;
  offset: number;
}

/**
 * A pattern operand, or a call of a pattern function, being read; the innermost is the
 * last of the stack. `depth` counts the parentheses opened in it (a call's own are not).
 */
type Frame =
  & {
    kind: Kind;
    depth: number;
    /** A `(` was the last token (a subquery's first word may follow). */
    afterParen: boolean;
    /** Inside a subquery opened at this depth: its values are not pattern text. */
    subquery?: number;
  }
  & (
    | {
      type: "operand";
      pending: Pending[];
      /** The output piece its text starts after. */
      start: number;
      /** `LIKE ANY (…)`/`ALL`/`SOME`: PostgreSQL takes no ESCAPE there (`\` is its default). */
      quantified?: boolean;
      /** `LIKE (SELECT …)`: the subquery gives the pattern, from its select list. */
      selected?: boolean;
      /**
       * `LIKE ANY (SELECT …)`: whether the subquery's own select list (or VALUES rows) is
       * being read, whose values are patterns; its FROM, WHERE, … are not.
       */
      listed?: boolean;
      /** The depth of a subquery nested in that select list, whose values are not. */
      inner?: number;
    }
    | { type: "call"; arg: number; pattern: number; replacement: number; pending: Pending[] }
  );

/**
 * Follows the code of a statement (fed as the binder lexes it) and escapes the values
 * bound in pattern operands and pattern arguments. `out` is the binder's output pieces:
 * an `ESCAPE '\'` weft adds goes before the piece that ends the operand, or at the end.
 */
export class SqlPatterns {
  #stack: Frame[] = [];
  #word = "";
  #wordPiece = 0;
  #prevWord = "";
  #op = "";
  #opPiece = 0;
  /** A pattern function's name was the last word: a `(` opens its call. */
  #callee: string | undefined;

  constructor(private readonly out: string[], private readonly params: string[]) {}

  /**
   * One character of code at `literal[i]`, already pushed as `out[piece]`. `literal`
   * (the text up to the next substitution) lets a user's `ESCAPE 'c'` be read ahead.
   */
  char(literal: string, i: number, piece: number): void {
    const c = literal[i];
    if (/[\w$\u0080-\uffff]/.test(c)) {
      this.#flushOp();
      if (this.#word === "") this.#wordPiece = piece;
      this.#word += c;
      return;
    }
    this.#flushWord(literal, i);
    if (OPERATOR_CHARS.test(c)) {
      if (this.#op === "") this.#opPiece = piece;
      this.#op += c;
      return;
    }
    this.#flushOp();
    if (/\s/.test(c)) return;
    const callee = this.#callee;
    this.#callee = undefined;
    if (c === "(") {
      for (const frame of this.#stack) frame.depth++;
      const top = this.#top();
      if (top) top.afterParen = true;
      const call = callee === undefined ? undefined : PATTERN_FUNCTIONS.get(callee);
      if (call) {
        const [kind, pattern, replacement] = call;
        this.#stack.push({
          type: "call",
          kind,
          depth: 0,
          // A subquery's first word may follow (`LIKE (SELECT …)`: see #flushWord).
          afterParen: true,
          arg: 0,
          pattern,
          replacement,
          pending: [],
        });
      }
      return;
    }
    for (let top = this.#top(); top; top = this.#top()) {
      top.afterParen = false;
      if (c === ")" && top.depth > 0) {
        for (const frame of this.#stack) frame.depth--;
        for (const frame of this.#stack) {
          if (frame.subquery !== undefined && frame.depth < frame.subquery) {
            frame.subquery = undefined;
            if (frame.type === "operand") frame.listed = undefined;
          }
          if (frame.type === "operand" && frame.inner !== undefined && frame.depth < frame.inner) {
            frame.inner = undefined;
          }
        }
        return;
      }
      if (top.subquery !== undefined || top.depth > 0) return;
      if (top.type === "call") {
        if (c === ",") top.arg++;
        else if (c === ")") this.#endCall(top, piece);
        return;
      }
      // `t.col`, PostgreSQL's `x::text`.
      if (c === "." || c === ":") return;
      this.#endOperand(piece);
    }
  }

  /** A string, a quoted name or a $-quoted body starts; or a comment (`comment`). */
  token(literal: string, i: number, comment = false): void {
    this.#flushWord(literal, i);
    this.#flushOp();
    if (comment) return;
    this.#callee = undefined;
    const top = this.#top();
    if (top) top.afterParen = false;
  }

  /**
   * A value bound as `params[param]` (its `${` at `offset`), in code or in a literal.
   * Written `${raw(...)}`, it is left as it is.
   * @returns whether the value is pattern text (a pattern operand or argument).
   */
  value(param: number, offset: number, raw: boolean): boolean {
    this.#flushWord("", 0);
    this.#flushOp();
    this.#callee = undefined;
    const top = this.#top();
    if (top) top.afterParen = false;
    // The innermost frame that reads the value as pattern text escapes it (unless `raw`);
    // a call's other arguments belong to the frame around the call.
    for (let k = this.#stack.length - 1; k >= 0; k--) {
      const frame = this.#stack[k];
      if (frame.subquery !== undefined) {
        // `LIKE ANY (SELECT '%${q}%')`: the items the subquery selects are the patterns.
        if (frame.type !== "operand" || !frame.listed || frame.inner !== undefined) return false;
        if (!raw) frame.pending.push({ param, offset });
        return true;
      }
      if (frame.type === "operand") {
        if (!raw) frame.pending.push({ param, offset });
        return true;
      }
      if (frame.arg === frame.pattern) {
        if (raw) return true;
        if (frame.kind === "like") frame.pending.push({ param, offset });
        else this.params[param] = escapeFor(this.params[param], frame.kind, "\\");
        return true;
      }
      if (frame.arg === frame.replacement) {
        if (!raw) this.params[param] = this.params[param].replaceAll("\\", "\\\\");
        return true;
      }
    }
    return false;
  }

  /** The end of the statement. */
  end(): void {
    this.#flushWord("", 0);
    this.#flushOp();
    while (this.#top()?.type === "operand") this.#endOperand(this.out.length);
    this.#stack = [];
  }

  #top(): Frame | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  #flushWord(literal: string, i: number): void {
    if (this.#word === "") return;
    const word = this.#word.toLowerCase();
    this.#word = "";
    const prev = this.#prevWord;
    this.#prevWord = word;
    this.#callee = PATTERN_FUNCTIONS.has(word) ? word : undefined;
    // `like(`, `glob(`: SQLite's functions (pattern first); the operator is read as one
    // too when its operand is a parenthesis right after it (`LIKE('%' || x)`).
    const call = literal[i] === "(" && this.#callee !== undefined;
    const kind = call ? undefined : WORD_OPERATORS.get(word) ??
      (word === "to" && prev === "similar" ? "similar" : undefined);
    for (let top = this.#top(); top; top = this.#top()) {
      const first = top.afterParen;
      top.afterParen = false;
      if (top.subquery !== undefined) {
        if (top.type === "operand" && (top.quantified || top.selected)) {
          listWord(top, word, first);
        }
        break;
      }
      if (
        top.type === "call" && first && top.depth === 0 && isSubquery(word) &&
        this.#stack.at(-2)?.type === "operand" && this.#stack.at(-2)!.depth === 1
      ) {
        // `LIKE (SELECT …)`: the operator's operand is a subquery, not SQLite's like(…),
        // whose call the `(` right after the word LIKE opened; its values are no pattern.
        this.#stack.pop();
        const operand = this.#top() as Frame & { type: "operand" };
        operand.afterParen = true;
        operand.selected = true;
        continue;
      }
      if (top.depth > 0 || top.type === "call") {
        // A word inside a call or group of the pattern, or a subquery's first word.
        if (first && isSubquery(word) && top.depth > 0) {
          top.subquery = top.depth;
          // `LIKE ANY (SELECT …)`: the subquery gives the patterns.
          if (top.type === "operand" && (top.quantified || top.selected) && top.depth === 1) {
            listWord(top, word, true);
          }
        }
        break;
      }
      if (word === "escape") return this.#userEscape(literal, i);
      if (
        /^(?:any|all|some)$/.test(word) && top.type === "operand" &&
        this.out.slice(top.start, this.#wordPiece).every((p) => !/\S/.test(p))
      ) {
        top.quantified = true;
        break;
      }
      if (!kind && !END_WORDS.has(word) && !isSubquery(word)) break;
      this.#endOperand(this.#wordPiece);
    }
    if (kind) this.#pushOperand(kind);
  }

  /** A pattern operator was read: its operand starts after the output so far. */
  #pushOperand(kind: Kind): void {
    const start = this.out.length - 1;
    this.#stack.push({ type: "operand", kind, depth: 0, afterParen: false, pending: [], start });
  }

  #flushOp(): void {
    if (this.#op === "") return;
    const op = this.#op;
    this.#op = "";
    this.#prevWord = "";
    this.#callee = undefined;
    const kind = SYMBOL_OPERATORS.get(op);
    for (let top = this.#top(); top; top = this.#top()) {
      top.afterParen = false;
      if (top.subquery !== undefined || top.depth > 0 || top.type === "call") break;
      if (!kind && !/[<>=]/.test(op)) break;
      this.#endOperand(this.#opPiece);
    }
    if (kind) this.#pushOperand(kind);
  }

  /**
   * The `)` at `out[piece]` closes the innermost call. SQLite's like(P, S) has no escape
   * character unless given a third argument: weft gives `'\\'` when it escaped a value of
   * P; `LIKE(…)` (one argument) is the operator, whose operand goes on after the `)`.
   */
  #endCall(call: Frame & { type: "call" }, piece: number): void {
    this.#stack.pop();
    for (const frame of this.#stack) frame.depth--;
    if (call.pending.length === 0) return;
    if (call.arg === 0) {
      this.#stack.push({
        type: "operand",
        kind: "like",
        depth: 0,
        afterParen: false,
        pending: call.pending,
        start: piece + 1,
      });
      return;
    }
    if (call.arg > 1) {
      throw new ExpressionError(
        "a `${...}` in the pattern of like(P, S, E) is matched as text, which weft " +
          "cannot tell apart from E's escapes",
        call.pending[0].offset,
        "write like(P, S) (weft adds the escape character) or S LIKE P ESCAPE 'c'",
      );
    }
    this.#escape(call.pending, "like", "\\");
    this.out[piece] = `, '\\'${this.out[piece]}`;
  }

  /**
   * The innermost operand ends before `out[piece]` (or at the end when `piece` is
   * out.length): its values are escaped with `\`, and a LIKE or SIMILAR TO gets
   * `ESCAPE '\'`.
   */
  #endOperand(piece: number): void {
    const operand = this.#stack.pop();
    if (operand?.type !== "operand" || operand.pending.length === 0) return;
    this.#escape(operand.pending, operand.kind, "\\");
    if (operand.kind !== "like" && operand.kind !== "similar") return;
    if (operand.quantified) return;
    const before = /\s$/.test(this.out[piece - 1] ?? "") ? "" : " ";
    if (piece >= this.out.length) this.out.push(`${before}ESCAPE '\\'`);
    else {
      const after = /^[\w$]/.test(this.out[piece]) ? " " : "";
      this.out[piece] = `${before}ESCAPE '\\'${after}${this.out[piece]}`;
    }
  }

  /** The query's `ESCAPE 'c'` follows the innermost operand: its values escape with `c`. */
  #userEscape(literal: string, i: number): void {
    const operand = this.#stack.pop();
    if (operand?.type !== "operand" || operand.pending.length === 0) return;
    const text = escapeLiteralAt(literal, i);
    if (text === undefined || [...text].length !== 1) {
      throw new ExpressionError(
        "a `${...}` in a pattern is matched as text, which needs the pattern's ESCAPE " +
          "character written as one quoted character",
        operand.pending[0].offset,
        "write ESCAPE '\\' (or leave ESCAPE out: weft adds it), or write ${raw(...)} " +
          "for a value meant as a pattern",
      );
    }
    this.#escape(operand.pending, operand.kind, text);
  }

  #escape(pending: Pending[], kind: Kind, escape: string): void {
    for (const { param } of pending) {
      this.params[param] = escapeFor(this.params[param], kind, escape);
    }
  }
}

/** Words that end a select list (at the subquery's own depth). */
// deno-fmt-ignore
const AFTER_LIST: ReadonlySet<string> = new Set([
  "from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for",
]);

/**
 * A word read in the subquery of a quantified pattern operand (`LIKE ANY (SELECT …)`):
 * `SELECT`/`VALUES` at the subquery's depth start a list of patterns, FROM, WHERE, … end
 * it; a subquery nested in the list (`first`: right after a `(`) gives no pattern.
 */
function listWord(frame: Frame & { type: "operand" }, word: string, first: boolean): void {
  if (frame.inner !== undefined) return;
  if (first && isSubquery(word) && frame.depth > frame.subquery!) {
    frame.inner = frame.depth;
    return;
  }
  if (frame.depth !== frame.subquery) return;
  if (word === "select" || word === "values") frame.listed = true;
  else if (AFTER_LIST.has(word)) frame.listed = false;
}
