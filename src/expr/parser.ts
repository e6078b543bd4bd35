/**
 * Recursive-descent parser of the expression language. It scans on demand (one token
 * of lookahead) so that templates and string literals can hand it a `${` anywhere and
 * get back where the matching `}` ended.
 *
 * Precedence, lowest first: `||`, `&&`, `== != === !==`, `< <= > >=`, `+ -`, `* / %`,
 * unary `! -`. Primaries: literals, `${expr}`, bare paths, `( expr )`, `raw( expr )`.
 * @module
 */
import { type BinaryOp, type FunctionName, FUNCTIONS, type Node, type Reference } from "./ast.ts";
import { ExpressionError } from "./errors.ts";
import { Scanner, type Token } from "./scanner.ts";
import { githubExpression, githubFunctionHint } from "./github_words.ts";

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

/** Deepest nesting of parentheses, unary operators and `${`; keeps the parser's stack small. */
const MAX_NESTING = 64;
/** Tallest tree; evaluation recurses once per level, so long `a+a+a+…` chains are refused. */
const MAX_HEIGHT = 400;

/** Parses expressions out of one source text, collecting references in source order. */
export class Parser {
  /** Every reference met so far, in source order. */
  readonly references: Reference[] = [];
  private pos = 0;
  private lookahead: Token | null = null;
  private nesting = 0;
  private readonly scanner: Scanner;

  /** `inTemplate`: errors inside `${...}` hint at the `$${` escape. */
  constructor(private readonly src: string, private readonly inTemplate = false) {
    this.scanner = new Scanner(src);
  }

  /** Parses the whole text as one expression. */
  parseWhole(): Node {
    if (this.peek().kind === "eof") {
      throw new ExpressionError(
        "empty expression",
        0,
        "write a condition such as ${env.X} == 'yes'",
      );
    }
    const node = this.parseExpression(0);
    const t = this.peek();
    if (t.kind !== "eof") throw this.unexpected(t, "expected an operator or the end");
    return node;
  }

  /** Parses the `${ expr }` starting at `start` (which must hold `${`); returns where it ended. */
  parseEmbedded(start: number): { node: Node; end: number } {
    this.seek(start);
    const node = this.parseDollarBrace(this.next());
    return { node, end: this.pos };
  }

  /**
   * As {@link parseEmbedded}, for one `${...}` of a template: when it throws, the parser
   * forgets what it read of it (its references, how deep it was), so that the template's
   * next `${...}` parses as if it came alone (template_scan.ts reads on after an error).
   */
  parseSubstitution(start: number): { node: Node; end: number } {
    const known = this.references.length;
    try {
      return this.parseEmbedded(start);
    } catch (e) {
      this.references.length = known;
      this.nesting = 0;
      throw e;
    }
  }

  // ---- parsing -------------------------------------------------------------------

  private parseExpression(minPrecedence: number): Node {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const precedence = t.kind === "op" ? BINARY_PRECEDENCE[t.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const right = this.parseExpression(precedence + 1);
      const height = Math.max(left.height, right.height) + 1;
      if (height > MAX_HEIGHT) {
        throw new ExpressionError("expression is too long", t.start, "split it into smaller parts");
      }
      if ((t.text === "==" || t.text === "!=") && negatedText(left, right)) {
        // `!` binds tighter than `==` (as in JavaScript): `! A == 'x'` is `(!A) == 'x'`.
        throw new ExpressionError(
          `\`!\` applies only to the value right after it: this compares true or false with ` +
            `text, which is always ${t.text === "!="}`,
          t.start,
          `to negate the comparison write !(A ${t.text} B), or A ${
            t.text === "==" ? "!=" : "=="
          } B`,
        );
      }
      left = t.text === "&&" || t.text === "||"
        ? { kind: t.text === "&&" ? "and" : "or", left, right, height }
        : { kind: "binary", op: t.text as BinaryOp, left, right, height, offset: t.start };
    }
  }

  private parseUnary(): Node {
    const t = this.peek();
    if (t.kind === "op" && (t.text === "!" || t.text === "-")) {
      this.next();
      this.enter(t);
      const operand = this.parseUnary();
      this.nesting--;
      const height = operand.height + 1;
      return t.text === "!"
        ? { kind: "not", operand, height }
        : { kind: "negate", operand, height, offset: t.start };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Node {
    const t = this.next();
    switch (t.kind) {
      case "num":
        return { kind: "literal", value: t.value, height: 1, number: true };
      case "lit":
        return { kind: "literal", value: t.value, height: 1 };
      case "quote":
        return this.parseString(t.start);
      case "path": {
        if (t.segments!.length === 1 && this.peek().kind === "(") return this.parseCall(t);
        const [root, ...path] = t.segments!;
        const ref: Reference = {
          root,
          path: Object.freeze(path) as string[],
          offset: t.start,
          length: t.end - t.start,
        };
        this.references.push(ref);
        return { kind: "ref", ref, height: 1 };
      }
      case "(": {
        this.enter(t);
        const inner = this.parseExpression(0);
        this.nesting--;
        const close = this.next();
        if (close.kind === ")") return inner;
        if (close.kind === "eof") {
          throw new ExpressionError("unclosed '('", t.start, "close it with )");
        }
        throw this.unexpected(close, "expected ')'");
      }
      case "${":
        return this.parseDollarBrace(t);
      case "eof":
        throw new ExpressionError(
          "expected a value at the end",
          t.start,
          "finish the expression, e.g. ${env.X} == 'yes'",
        );
      default:
        throw this.unexpected(t, "expected a value (a reference, a literal or '(')");
    }
  }

  /** `name(` — `t` is the name; parses the one argument and the `)`. */
  private parseCall(t: Token): Node {
    const name = t.text;
    if (!(FUNCTIONS as readonly string[]).includes(name)) {
      // `not (a == b)` reads as a call of a function `not`.
      if (name === "not") {
        throw new ExpressionError("unexpected 'not'", t.start, "use ! instead of 'not'");
      }
      throw new ExpressionError(
        `unknown function '${name}'`,
        t.start,
        githubFunctionHint(name) ??
          `the only function is raw(...), which inserts a value into a URL or a data_processor path as written`,
      );
    }
    const open = this.next();
    this.enter(open);
    if (this.peek().kind === ")") {
      throw new ExpressionError(`${name}() takes one value`, open.start, `write ${name}(params.x)`);
    }
    const arg = this.parseExpression(0);
    this.nesting--;
    const close = this.next();
    if (close.kind === "eof") {
      throw new ExpressionError(`unclosed '('`, open.start, "close it with )");
    }
    if (close.kind !== ")") {
      throw this.unexpected(close, `expected ')' after the value of ${name}(...)`);
    }
    return { kind: "call", name: name as FunctionName, arg, height: arg.height + 1 };
  }

  /** `t` is the `${` token; parses up to and including the matching `}`. */
  private parseDollarBrace(t: Token): Node {
    if (this.src.startsWith("${{", t.start)) throw githubExpression(this.src, t.start);
    this.enter(t);
    const first = this.peek();
    if (first.kind === "}") {
      throw new ExpressionError("empty ${}", t.start, "put a reference inside, e.g. ${env.NAME}");
    }
    if (first.kind === "eof") throw this.unterminated(t);
    const node = this.parseExpression(0);
    this.nesting--;
    const end = this.pos;
    const close = this.next();
    if (close.kind === "eof") throw this.unterminated(t);
    if (close.kind !== "}" && this.inTemplate && this.src.slice(end, close.start).includes("\n")) {
      // The value ended with its line and the next line's first word follows: its `}` was
      // forgotten, which is what to say, at its `${`, not that word's being unexpected.
      throw this.unterminated(t, "close it with } on its line");
    }
    if (close.kind !== "}") {
      throw this.unexpected(
        close,
        this.inTemplate ? "to write a literal ${ here, use $${" : "expected an operator or }",
      );
    }
    // A reference written `${a.b}` is located by its whole `${...}`.
    if (node.kind === "ref") {
      node.ref.offset = t.start;
      node.ref.length = close.end - t.start;
    }
    return node;
  }

  /** A quoted string starting at `start`; `${...}` inside it is interpolated, `$${` is a literal `${`. */
  private parseString(start: number): Node {
    const quote = this.src[start];
    const parts: (string | Node)[] = [];
    let text = "";
    let i = start + 1;
    let height = 1;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) {
        throw new ExpressionError("unterminated string", start, `close it with ${quote}`);
      }
      if (c === quote) break;
      if (c === "\\") {
        const escape = this.scanner.readEscape(i);
        text += escape.text;
        i = escape.end;
      } else if (c === "$" && this.src[i + 1] === "$" && this.src[i + 2] === "{") {
        text += "${";
        i += 3;
      } else if (c === "$" && this.src[i + 1] === "{") {
        if (text) parts.push(text);
        text = "";
        const embedded = this.parseEmbedded(i);
        parts.push(embedded.node);
        height = Math.max(height, embedded.node.height + 1);
        i = embedded.end;
      } else {
        text += c;
        i++;
      }
    }
    this.seek(i + 1);
    if (parts.length === 0) return { kind: "literal", value: text, height: 1 };
    if (text) parts.push(text);
    return { kind: "interpolation", parts, height };
  }

  private enter(t: Token): void {
    if (++this.nesting > MAX_NESTING) {
      throw new ExpressionError(
        `expression is nested too deeply (more than ${MAX_NESTING} levels)`,
        t.start,
        `an expression may nest parentheses, unary operators and \${ at most ${MAX_NESTING} deep`,
      );
    }
  }

  private unterminated(t: Token, hint = "close it with }"): ExpressionError {
    return new ExpressionError("unterminated ${", t.start, hint);
  }

  private unexpected(t: Token, hint: string): ExpressionError {
    if (t.kind === "eof") {
      return new ExpressionError("unexpected end of expression", t.start, hint);
    }
    const text = this.src.slice(t.start, Math.min(t.end, t.start + 24));
    if (t.kind === "path" && (text === "and" || text === "or")) {
      hint = `use ${text === "and" ? "&&" : "||"} instead of '${text}'`;
    } else if (t.kind === "path" && text === "in") {
      // Python's and Jinja's membership test.
      hint = "conditions have no 'in': compare with each value, e.g. " +
        "${env.ENV} == 'qa' || ${env.ENV} == 'prod'";
    } else {
      // `not x`, `not ${...}`, `not (...)`: the word is read as a name, and what follows
      // it is the unexpected part; the place given is the `not`.
      const not = notBefore(this.src, t.start);
      if (not >= 0) {
        return new ExpressionError(
          "unexpected 'not'",
          not,
          "use ! instead of 'not'; to negate a comparison, !(A == B) or A != B",
        );
      }
    }
    return new ExpressionError(`unexpected '${text}'`, t.start, hint);
  }

  // ---- scanning ------------------------------------------------------------------

  private seek(pos: number): void {
    this.pos = pos;
    this.lookahead = null;
  }

  private peek(): Token {
    return this.lookahead ??= this.scanner.scan(this.pos, this.inTemplate && this.nesting > 0);
  }

  private next(): Token {
    const t = this.peek();
    this.lookahead = null;
    this.pos = t.end;
    return t;
  }
}

/**
 * Whether `src` has the word `not` (then only blanks) just before `end`: what
 * `/\bnot\s*$/.test(src.slice(0, end))` tells, read backwards from `end`, since that
 * regex tries every start in the text before it.
 */
function notBefore(src: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(src[i - 1])) i--;
  return i >= 3 && src.startsWith("not", i - 3) && !/[\w.$]/.test(src[i - 4] ?? "") ? i - 3 : -1;
}

/**
 * Whether `left == right` compares a negation (true or false) with text that is no
 * boolean word: never equal, whatever the negated value (`! ${a.status} == 'success'`).
 */
function negatedText(left: Node, right: Node): boolean {
  const text = (node: Node) =>
    node.kind === "literal" && typeof node.value === "string" && !node.number &&
    !["true", "false"].includes(node.value.toLowerCase());
  return (left.kind === "not" && text(right)) || (right.kind === "not" && text(left));
}
