/**
 * `${...}` in an SQL statement (the database task's `query`): each value is bound as a
 * query parameter, never spliced into the text, so no value can change the statement's
 * structure (a `'` or `; DROP TABLE` in a value is data). Where a substitution stands:
 * - in code (`WHERE id = ${params.id}`): it becomes a placeholder;
 * - as a whole quoted literal (`'${params.name}'`, the way one writes a value by hand):
 *   the quotes go and it becomes a placeholder, typed by its context as the literal was;
 * - inside a longer literal (`'%${params.q}%'`): the literal is cut around it and joined
 *   with `||` to the value as text: `('%' || CAST($1 AS TEXT) || '%')`;
 * - next to a name or number (`users_${x}`), after a `.`, where a table or column name
 *   stands (right after `JOIN`, `INTO`, `AS`, …, or at an item of a list of names:
 *   `FROM a, b`, `ORDER BY`/`GROUP BY` lists, `RETURNING`, `USING (…)`: sql_clauses.ts),
 *   in a `PRAGMA`, inside a quoted identifier, a comment or a PostgreSQL dollar-quoted
 *   body: refused, since a parameter cannot be (part of) a name or code (after `BY` it
 *   would be a constant that silently sorts or groups nothing). The lexing follows
 *   PostgreSQL's and SQLite's common rules:
 *   '…' with '' for a quote (E'…' also with \ escapes), "…", `…` and […] identifiers,
 *   -- and /* *\/ comments, $tag$…$tag$ (tags read as the statement counter reads them,
 *   sql_statements.ts, so that validating and running agree).
 * A `${...}` anywhere in a statement its database binds no parameters in (PostgreSQL's
 * utility statements: `SET`, `NOTIFY`, `COMMENT ON`, `CREATE ROLE … PASSWORD`, DDL; SQLite's
 * views, triggers, column DEFAULTs) is refused too, naming what to write (sql_bindable.ts).
 * A value in the pattern of `LIKE`, `GLOB`, `SIMILAR TO` or a regex operator is escaped
 * to match as text, unless written `${raw(...)}` (sql_patterns.ts).
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { compileTemplate } from "./template.ts";
import { DOLLAR_TAG, SQL_DIALECTS, type SqlDialect } from "./sql_statements.ts";
import { SqlClauses } from "./sql_clauses.ts";
import { StatementHead } from "./sql_bindable.ts";
import { typedLiteral } from "./sql_typed.ts";
import { SqlPatterns } from "./sql_patterns.ts";
import { SqlSourceMap } from "./sql_source_map.ts";

export {
  connectionDialect,
  hasSecondStatement,
  isBlankSql,
  secondStatementAt,
  SQL_DIALECTS,
  type SqlDialect,
  statementStartAt,
} from "./sql_statements.ts";

/** A statement with placeholders and the values to bind to them, in order. */
export interface BoundSql {
  sql: string;
  params: string[];
  /** The index in the query as written of index `sent` of `sql` (for an error's place). */
  sourceAt(sent: number): number;
}

const HINT = "a `${...}` in `query` is bound as a parameter: it can stand for a value " +
  "(`WHERE name = ${params.name}`), not for a name, a keyword or part of one; " +
  "write `$${` for a literal `${`";

/**
 * For `weft validate`: the first substitution {@link renderSql} would refuse, if any.
 * `dialects`: the database the connection names, or both when it is not known.
 */
export function checkSql(
  text: string,
  dialects: readonly SqlDialect[] = SQL_DIALECTS,
): ExpressionError | undefined {
  try {
    renderSql(text, () => "", (n) => `$${n}`, dialects);
    return undefined;
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
}

type State =
  | { kind: "code" }
  | { kind: "string"; e: boolean; open: number; cut: boolean; start: number }
  | { kind: "ident"; close: string }
  | { kind: "line-comment" }
  | { kind: "block-comment" }
  | { kind: "dollar"; tag: string };

/**
 * Renders `text` with each `${...}` bound (see the module). `valueOf` gets the source of
 * one substitution (`${params.name}`) and returns its value; `placeholder` gives the
 * driver's n-th placeholder (1-based: `$1` for PostgreSQL, `?1` for SQLite). `dialects`
 * are the databases the statement may go to: a statement none of them binds parameters
 * in (`SET`, `COMMENT ON`, `CREATE VIEW`, …: sql_bindable.ts) is refused.
 * @throws ExpressionError (offset at the `${`) for a substitution that cannot be bound,
 *   or a bad expression.
 */
export function renderSql(
  text: string,
  valueOf: (source: string) => string,
  placeholder: (n: number) => string,
  dialects: readonly SqlDialect[] = SQL_DIALECTS,
): BoundSql {
  const compiled = compileTemplate(text);
  const spans = compiled.spans;
  // A copy: a whole quoted literal takes the closing quote off the next one.
  const literals = [...compiled.literals];
  const params: string[] = [];
  // The output in pieces, one per token (a string's `open` is the index of its opening
  // quote's piece), and a record of where its first non-blank piece is: cutting a
  // literal open or testing `out.trim()` at each substitution would copy or rescan the
  // whole statement each time, quadratic in a long query.
  const out: string[] = [];
  const map = new SqlSourceMap(literals, spans);
  const blank = new BlankPrefix(out);
  let state: State = { kind: "code" };
  /** Where names stand: clauses and parentheses of the code read so far. */
  const clauses = new SqlClauses();
  /** The statement's kind: whether its database binds parameters in it at all. */
  const head = new StatementHead();
  /** Pattern operands, whose values are escaped to match literally. */
  const patterns = new SqlPatterns(out, params);
  for (let k = 0; k < literals.length; k++) {
    const literal = literals[k];
    let i = 0;
    while (i < literal.length) {
      const step = advance(state, literal, i, out.length);
      if (state.kind === "code") {
        // In code, a step is one character or the start of an opaque token or comment.
        if (step.state.kind === "code") {
          clauses.char(literal[i]);
          head.char(literal[i]);
        } else if (step.state.kind.endsWith("comment")) {
          clauses.flush();
          head.flush();
        } else {
          clauses.token();
          head.token();
        }
      }
      map.copied(out.length, k, i, step.next - i);
      out.push(literal.slice(i, step.next));
      if (state.kind === "code") {
        if (step.state.kind === "code") patterns.char(literal, i, out.length - 1);
        else patterns.token(literal, i, step.state.kind.endsWith("comment"));
      }
      if (step.closedCut) {
        map.written(out.length, map.source(k, step.next));
        out.push(")");
      }
      state = step.state;
      i = step.next;
    }
    if (k === spans.length) break;
    const span = spans[k];
    const source = text.slice(span.start, span.end);
    const refuse = (where: string) =>
      new ExpressionError(`a \`\${...}\` in SQL cannot stand ${where}`, span.start, HINT);
    if (state.kind === "ident") throw refuse("inside a quoted name");
    if (state.kind === "line-comment" || state.kind === "block-comment") {
      throw refuse("in a comment");
    }
    if (state.kind === "dollar") throw refuse("inside a $-quoted body");
    // The statement itself takes no parameter (a `${...}` in code or in a literal).
    const unbindable = () => {
      const why = head.refusal(dialects);
      if (why) throw new ExpressionError(why.message, span.start, why.hint);
    };
    params.push(valueOf(source));
    const mark = placeholder(params.length);
    if (state.kind === "code") {
      if (literal === "" && k > 0) throw refuse("right next to another `${...}`");
      // A statement starts with a keyword; a value there would be the SQL itself.
      if (blank.test()) throw refuse("for the statement or its first keyword");
      const before = literal.trimEnd().slice(-1);
      const after = literals[k + 1].trimStart()[0] ?? "";
      if (touches(literal.slice(-1), before) || /^[\w$]/.test(literals[k + 1]) || after === "(") {
        // `${x}(` would read the value as a function's name.
        throw refuse("for a name or a part of one");
      }
      const name = clauses.refusal();
      if (name) throw refuse(name);
      unbindable();
      clauses.token();
      head.token();
      patterns.value(params.length - 1, span.start, span.raw);
      map.written(out.length, span.start);
      out.push(mark);
      continue;
    }
    // Inside a '…' literal.
    unbindable();
    patterns.value(params.length - 1, span.start, span.raw);
    const whole = literal.length - 1 === state.start && literals[k + 1].startsWith("'") &&
      literals[k + 1][1] !== "'";
    if (whole && !state.cut) {
      // `INTERVAL '${x}'`, `X'${x}'`: no database reads a parameter there (sql_typed.ts).
      const typed = typedLiteral(literal.slice(0, state.e ? state.start - 1 : state.start));
      if (typed) throw new ExpressionError(typed.message, span.start, typed.hint);
      // `'${x}'`: drop the quotes; the placeholder is typed by its context, as the literal was.
      blank.cut(state.open);
      out.length = state.open;
      map.truncate(state.open);
      map.written(out.length, span.start);
      out.push(mark);
      state = { kind: "code" };
      literals[k + 1] = literals[k + 1].slice(1);
      continue;
    }
    if (!state.cut) {
      blank.cut(state.open);
      out[state.open] = "(" + out[state.open];
    }
    map.written(out.length, span.start);
    out.push(`' || CAST(${mark} AS TEXT) || ${state.e ? "E" : ""}'`);
    state = { ...state, cut: true, start: -1 };
  }
  if (state.kind === "string" && state.cut) {
    map.written(out.length, text.length);
    out.push(")");
  }
  patterns.end();
  const bound = { sql: out.join(""), params } as BoundSql;
  // Not enumerable: a bound statement compares and prints as its text and values.
  Object.defineProperty(bound, "sourceAt", { value: (sent: number) => map.at(out, sent) });
  return bound;
}

/** Whether pieces of text (appended to, or cut back) are all blank, as `trim() === ""`. */
class BlankPrefix {
  /** Index of the first piece with a non-blank character; -1 while none is known. */
  #solid = -1;
  /** Pieces before this index are known to be blank. */
  #checked = 0;
  constructor(private readonly pieces: string[]) {}

  /** Whether every piece is blank (whitespace as `String.prototype.trim` has it). */
  test(): boolean {
    for (; this.#solid < 0 && this.#checked < this.pieces.length; this.#checked++) {
      if (/\S/.test(this.pieces[this.#checked])) this.#solid = this.#checked;
    }
    return this.#solid < 0;
  }

  /** The pieces from `index` on are about to change: they are looked at again. */
  cut(index: number): void {
    if (this.#solid >= index) this.#solid = -1;
    this.#checked = Math.min(this.#checked, index);
  }
}

/** The character before a substitution in code makes it part of a name or number. */
function touches(last: string, lastNonBlank: string): boolean {
  return /[\w$]/.test(last) || lastNonBlank === ".";
}

/**
 * Moves past one token of `literal` from `i` in `state`. `outLength` is the index of the
 * token's piece in the output (for a string's opening quote; an `E` before it is the
 * piece before, since each token of code is a piece of its own).
 */
function advance(
  state: State,
  literal: string,
  i: number,
  outLength: number,
): { state: State; next: number; closedCut?: boolean } {
  const c = literal[i];
  switch (state.kind) {
    case "code": {
      if (c === "'") {
        const e = i > 0 && /[eE]/.test(literal[i - 1]) && !/[\w$]/.test(literal[i - 2] ?? "");
        const open = e ? outLength - 1 : outLength;
        return { state: { kind: "string", e, open, cut: false, start: i }, next: i + 1 };
      }
      if (c === '"' || c === "`") return { state: { kind: "ident", close: c }, next: i + 1 };
      if (c === "[") return { state: { kind: "ident", close: "]" }, next: i + 1 };
      if (c === "-" && literal[i + 1] === "-") {
        return { state: { kind: "line-comment" }, next: i + 2 };
      }
      if (c === "/" && literal[i + 1] === "*") {
        return { state: { kind: "block-comment" }, next: i + 2 };
      }
      if (c === "$" && !/[\w$]/.test(literal[i - 1] ?? "")) {
        DOLLAR_TAG.lastIndex = i;
        const tag = DOLLAR_TAG.exec(literal)?.[0];
        if (tag) return { state: { kind: "dollar", tag }, next: i + tag.length };
      }
      return { state, next: i + 1 };
    }
    case "string": {
      if (state.e && c === "\\") return { state, next: i + 2 };
      if (c === "'" && literal[i + 1] === "'") return { state, next: i + 2 };
      if (c === "'") return { state: { kind: "code" }, next: i + 1, closedCut: state.cut };
      return { state, next: i + 1 };
    }
    case "ident":
      return { state: c === state.close ? { kind: "code" } : state, next: i + 1 };
    case "line-comment":
      return { state: c === "\n" ? { kind: "code" } : state, next: i + 1 };
    case "block-comment":
      if (c === "*" && literal[i + 1] === "/") return { state: { kind: "code" }, next: i + 2 };
      return { state, next: i + 1 };
    case "dollar":
      if (literal.startsWith(state.tag, i)) {
        return { state: { kind: "code" }, next: i + state.tag.length };
      }
      return { state, next: i + 1 };
  }
}
