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
 *   would be a constant that silently sorts or groups nothing).
 * The text is read by one database's lexical rules (both, in turn, when the database is
 * not known): '…' with '' for a quote, "…" identifiers, -- and /* *\/ comments; PostgreSQL
 * (scan.l): nested comments, E'…' with \ escapes, N'…', U&'…' [UESCAPE 'c'], B'…', X'…',
 * string constants continued across a line break, $tag$…$tag$ (tags read as the statement
 * counter reads them, sql_statements.ts, so that validating and running agree), `$n`
 * parameters; SQLite (tokenize.c): `…` and […] identifiers, X'…', `?`, `?n`, `:name`,
 * `@name`, `$name` parameters. Prefixes, typed constants (`INTERVAL '${n} days'` becomes a
 * cast of the joined text) and literals read as structured values: sql_typed.ts (by a
 * cast) and sql_structured_places.ts (jsonpath, tsquery and array literals by where they
 * stand). What follows a literal is read with its comments blanked (blankComments). A
 * placeholder the user wrote beside weft's would take one of its values: refused.
 * A `${...}` anywhere in a statement its database binds no parameters in (PostgreSQL's
 * utility statements: `SET`, `NOTIFY`, `COMMENT ON`, `CREATE ROLE … PASSWORD`, DDL; SQLite's
 * views, triggers, column DEFAULTs) is refused too, naming what to write (sql_bindable.ts).
 * A value in the pattern of `LIKE`, `GLOB`, `SIMILAR TO` or a regex operator is escaped
 * to match as text, unless written `${raw(...)}` (sql_patterns.ts).
 * @module
 */
import { ExpressionError } from "./errors.ts";
import { compileTemplate } from "./template.ts";
import { SQL_DIALECTS, type SqlDialect } from "./sql_statements.ts";
import {
  advance,
  blankComments,
  continuationAt,
  type Lexer,
  type State,
  type StringState,
} from "./sql_lexer.ts";
import { SqlClauses } from "./sql_clauses.ts";
import { StatementHead } from "./sql_bindable.ts";
import {
  bitStringRefusal,
  castsAfter,
  castType,
  groupingParens,
  intervalQualifierLength,
  isQualifiedInterval,
  isScalarType,
  jsonShaped,
  opensCast,
  PAREN_REFUSAL,
  QUALIFIED_INTERVAL_REFUSAL,
  qualifiedIntervalAfter,
  sqliteAliasRefusal,
  structuredBefore,
  structuredOperatorAfter,
  structuredRefusal,
  typeBefore,
  type TypedLiteral,
  uescapeAfter,
  wholeTypedRefusal,
} from "./sql_typed.ts";
import { SqlPatterns } from "./sql_patterns.ts";
import {
  ARRAY_PLACE_REFUSAL,
  arrayOperandAfter,
  MATCH_OPERAND_REFUSAL,
  matchOperatorAfter,
  queryLanguageCast,
  TSQUERY_REFUSAL,
} from "./sql_structured_places.ts";
import {
  concatenatedPlace,
  joinedPlaceBefore,
  tsqueryOperatorAfter,
} from "./sql_function_places.ts";
import { SQL_TEXT_REFUSAL, sqlTextBefore } from "./sql_statement_text.ts";
import { SqlSourceMap } from "./sql_source_map.ts";
import { openBrackets } from "./sql_calls.ts";

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

/**
 * Renders `text` with each `${...}` bound (see the module). `valueOf` gets the source of
 * one substitution (`${params.name}`) and returns its value; `placeholder` gives the
 * driver's n-th placeholder (1-based: `$1` for PostgreSQL, `?1` for SQLite). `dialects`
 * are the databases the statement may go to: a statement none of them binds parameters
 * in (`SET`, `COMMENT ON`, `CREATE VIEW`, …: sql_bindable.ts) is refused. The text is read
 * by each dialect's lexical rules in turn (PostgreSQL's first); the first reading that
 * binds is returned, so with both dialects only what both readings refuse is refused.
 * @throws ExpressionError (offset at the `${`) for a substitution that cannot be bound,
 *   or a bad expression.
 */
export function renderSql(
  text: string,
  valueOf: (source: string) => string,
  placeholder: (n: number) => string,
  dialects: readonly SqlDialect[] = SQL_DIALECTS,
): BoundSql {
  const lexers = dialects.includes("postgres") ? ["postgres", ...dialects] : [...dialects];
  let first: unknown;
  for (const lexer of new Set(lexers)) {
    try {
      return renderAs(text, valueOf, placeholder, dialects, { pg: lexer === "postgres" });
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      first ??= e;
    }
  }
  throw first;
}

/**
 * The last output pieces before `end` as one text (about `limit` characters), the
 * pieces of comments (`comments`) blanked to spaces of the same length (line breaks
 * kept): a quote or bracket in a comment would mislead the readers of the code before
 * a literal (`f(doc /* the doc's *\/, '…')`).
 */
function tailOf(
  out: readonly string[],
  end: number,
  comments: ReadonlySet<number>,
  limit = 400,
): { text: string; from: number } {
  let from = end;
  let size = 0;
  while (from > 0 && size < limit) size += out[--from].length;
  const pieces = out.slice(from, end).map((piece, j) =>
    comments.has(from + j) ? piece.replace(/[^\n\r]/g, " ") : piece
  );
  return { text: pieces.join(""), from };
}

/** The piece of `out` (from `from` on) that holds character `at` of their joined text. */
function pieceAt(out: readonly string[], from: number, at: number): number {
  let j = from;
  for (let seen = 0; j < out.length; j++) {
    seen += out[j].length;
    if (seen > at) break;
  }
  return j;
}

/** {@link renderSql} with the text read by `lexer`'s rules only. */
function renderAs(
  text: string,
  valueOf: (source: string) => string,
  placeholder: (n: number) => string,
  dialects: readonly SqlDialect[],
  lexer: Lexer,
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
  /** Which pieces of `out` are (parts of) comments. */
  const comments = new Set<number>();
  let state: State = { kind: "code" };
  /** Where names stand: clauses and parentheses of the code read so far. */
  const clauses = new SqlClauses();
  /** The statement's kind: whether its database binds parameters in it at all. */
  const head = new StatementHead();
  /** Pattern operands, whose values are escaped to match literally. */
  const patterns = new SqlPatterns(out, params);
  const fail = (refusal: TypedLiteral, at: number) =>
    new ExpressionError(refusal.message, at, refusal.hint);
  // The calls around a value are read back past the last 400 characters when a bracket
  // open there is further back (`query_to_xml(format('… long …', ${v}))`): to the
  // statement's start when it names a function that runs SQL text (or a U&"…" name may
  // spell one), else 8000 characters, which keeps a long statement's reading linear.
  const wideLimit = SQL_TEXT_MENTION.test(text) ? Infinity : 8000;
  /** How many brackets are open in the code read so far (none in strings or comments). */
  let depth = 0;
  const wideTail = (end: number) => {
    const narrow = tailOf(out, end, comments);
    // Every open bracket is in the last 400 characters: no need to read further back.
    if (narrow.from === 0 || openBrackets(narrow.text.trimEnd()).length >= depth) {
      return narrow.text;
    }
    return tailOf(out, end, comments, wideLimit).text;
  };
  // The code after substitution k to the statement's end (or wideLimit), later values
  // as `0` (sql_calls.ts argumentsAfter skips comments); `skip`: characters of it
  // already read; `quote`: it starts inside a string.
  const restAfter = (k: number, skip: number, quote: boolean) => () => {
    let rest = quote ? "'" : "";
    for (let j = k + 1; j < literals.length && rest.length < wideLimit; j++) {
      rest += (j > k + 1 ? "0" : "") + (j === k + 1 ? literals[j].slice(skip) : literals[j]);
    }
    return rest;
  };
  for (let k = 0; k < literals.length; k++) {
    const literal = literals[k];
    let i = 0;
    while (i < literal.length) {
      const step = advance(state, literal, i, out.length, lexer);
      if (step.placeholder && spans.length > 0) {
        throw new ExpressionError(
          `the query writes its own placeholder \`${step.placeholder}\` beside \`\${...}\`: ` +
            "weft numbers the parameters it binds, so that one would receive a value it " +
            "was not written for",
          map.source(k, i),
          "write the value as a `${...}` too (`${params.x}`), or quote the text if it is " +
            "not a placeholder",
        );
      }
      if (state.kind === "code") {
        // In code, a step is one character or the start of an opaque token or comment.
        if (step.state.kind === "code") {
          clauses.char(literal[i]);
          head.char(literal[i]);
          const c = literal[i];
          if (c === "(" || c === "[") depth++;
          else if ((c === ")" || c === "]") && depth > 0) depth--;
        } else if (step.state.kind.endsWith("comment")) {
          clauses.flush();
          head.flush();
        } else {
          clauses.token();
          head.token();
        }
      }
      map.copied(out.length, k, i, step.next - i);
      if (state.kind.endsWith("comment") || step.state.kind.endsWith("comment")) {
        comments.add(out.length);
      } else comments.delete(out.length);
      out.push(literal.slice(i, step.next));
      if (state.kind === "code") {
        if (step.state.kind === "code") patterns.char(literal, i, out.length - 1);
        else patterns.token(literal, i, step.state.kind.endsWith("comment"));
      }
      let next = step.next;
      if (step.closedCut && state.kind === "string") {
        const closing = closeCut(state, literal, next, lexer, out);
        if (closing.refusal) throw fail(closing.refusal, state.at!);
        map.written(out.length, map.source(k, next));
        out.push(closing.text);
        next += closing.consumed;
      }
      state = step.state;
      i = next;
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
      const code = wideTail(out.length);
      if (sqlTextBefore(code, restAfter(k, 0, false))) throw fail(SQL_TEXT_REFUSAL, span.start);
      const joined = concatenatedPlace(code, restAfter(k, 0, false));
      if (joined) throw fail(joined, span.start);
      clauses.token();
      head.token();
      patterns.value(params.length - 1, span.start, span.raw);
      map.written(out.length, span.start);
      out.push(mark);
      continue;
    }
    // Inside a '…' literal.
    unbindable();
    if (state.prefix === "X" || state.prefix === "B") {
      throw fail(bitStringRefusal(state.prefix), span.start);
    }
    const pattern = patterns.value(params.length - 1, span.start, span.raw);
    const opened: StringState | { kind: "code"; open: number } = state.cut
      ? state
      : cutOpen(state, literal, span.start, lexer, out, blank, fail, pattern);
    if (opened.kind === "code") {
      // `'${x}'`: drop the quotes; the placeholder is typed by its context, as the literal was.
      state = { kind: "code" };
      out.length = opened.open;
      map.truncate(out.length);
      map.written(out.length, span.start);
      out.push(mark);
      literals[k + 1] = literals[k + 1].slice(1);
      continue;
    }
    const s = state = opened;
    map.written(out.length, span.start);
    if (s.prefix === "U&") s.joins!.push(out.length);
    // The rest of a cut E'…' or U&'…' literal keeps its prefix; an N'…' one's is the cast.
    const reopen = s.prefix === "E" || s.prefix === "U&" ? s.prefix : "";
    out.push(`' || CAST(${mark} AS TEXT) || ${reopen}'`);
  }
  if (state.kind === "string" && state.cut) {
    // An unclosed literal: what its place refuses is refused here (closeCut's first check).
    if (state.place) throw fail(state.place.refusal, state.at!);
    map.written(out.length, text.length);
    out.push(state.close!);
  }
  patterns.end();
  const bound = { sql: out.join(""), params } as BoundSql;
  // Not enumerable: a bound statement compares and prints as its text and values.
  Object.defineProperty(bound, "sourceAt", { value: (sent: number) => map.at(out, sent) });
  return bound;

  /**
   * The first `${...}` in the string `s` (at source index `at`): either the whole literal
   * (returned as `code` with `open` set: the caller drops its quotes), or the string cut
   * open — a typed constant's type replaced by `CAST((`, else `(` before it.
   * @throws ExpressionError where no value can be bound (sql_typed.ts).
   */
  function cutOpen(
    s: StringState,
    literal: string,
    at: number,
    lexer: Lexer,
    out: string[],
    blank: BlankPrefix,
    fail: (r: TypedLiteral, at: number) => ExpressionError,
    pattern: boolean,
  ): StringState | { kind: "code"; open: number } {
    const tail = tailOf(out, s.open, comments);
    const typed = typeBefore(tail.text);
    const body = literal.slice(s.start + 1);
    const nextLiteral = literals[spans.findIndex((sp) => sp.start === at) + 1] ?? "";
    const whole = body === "" && (s.prefix === "" || s.prefix === "E") &&
      nextLiteral.startsWith("'") && nextLiteral[1] !== "'" &&
      !(lexer.pg && continuationAt(nextLiteral, 1) > 0);
    if (typed && "paren" in typed) throw fail(PAREN_REFUSAL, at);
    const inCast = opensCast(tail.text);
    const parens = groupingParens(tail.text);
    if (whole) {
      const rest = blankComments(nextLiteral.slice(1), lexer);
      // `'${n}'::interval day`: a bound value cast so reads `5` as 5 seconds, not days.
      // Refused by SQLite's reading too (which has no such type), so that a statement
      // whose database is not known (`connection: ${env.DATABASE_URL}`) is refused.
      if (qualifiedIntervalAfter(rest, inCast, parens)) {
        throw fail(QUALIFIED_INTERVAL_REFUSAL, at);
      }
      // A whole `'${v}'` is one bound value, as a bare `${v}` is: in a jsonpath, tsquery
      // or array place it is a whole path, query or array, typed by its place (the
      // README says so), never text joined into one. Only a statement run as text takes
      // no value at all.
      const wide = wideTail(s.open);
      const after = restAfter(spans.findIndex((sp) => sp.start === at), 1, false);
      if (sqlTextBefore(wide, after)) throw fail(SQL_TEXT_REFUSAL, at);
      const joined = concatenatedPlace(wide, after);
      if (joined) throw fail(joined, at);
      if (typed && (lexer.pg || isScalarType(typed.type) || /^(?:jsonb?|xml)$/i.test(typed.type))) {
        throw fail(wholeTypedRefusal(typed.type), at);
      }
      blank.cut(s.open);
      return { kind: "code", open: s.open };
    }
    if (typed && !lexer.pg) throw fail(sqliteAliasRefusal(typed.type), at);
    // A literal read as a structured value by its text or by where it stands; one that
    // merely starts with `[` (`'[ETL] loaded …'`) is decided by its cast (closeCut). A
    // pattern's `[` is a character class, and its value is escaped: sql_patterns.ts.
    const brace = !pattern && /^\s*[{[]/.test(body);
    if (!pattern && jsonShaped(body)) throw fail(structuredRefusal(undefined), at);
    const around = structuredBefore(tail.text, brace);
    if (around) throw fail(around, at);
    const wide = wideTail(s.open);
    const after = restAfter(spans.findIndex((sp) => sp.start === at), 0, true);
    if (sqlTextBefore(wide, after)) throw fail(SQL_TEXT_REFUSAL, at);
    // Decided when the literal closes: a cast after it may make it one value (closeCut).
    const place = joinedPlaceBefore(tail.text);
    // Joined text that a call around it passes on into a parsing call: `jsonb(lower('[${v}'))`.
    const wrapped = concatenatedPlace(wide, after, true);
    if (wrapped) throw fail(wrapped, at);
    const type = s.prefix === "N" ? "bpchar" : typed?.type;
    if (type !== undefined && !isScalarType(type)) {
      throw fail(queryLanguageCast(type) ?? structuredRefusal(type), at);
    }
    if (typed) {
      // `INTERVAL '${n} days'` → `CAST(('' || CAST($1 AS TEXT) || ' days') AS INTERVAL)`.
      const from = pieceAt(out, tail.from, typed.at);
      blank.cut(from);
      for (let j = from; j < s.open; j++) out[j] = "";
      out[s.open] = "CAST((" + out[s.open];
      const close = `) AS ${castType(type!)})`;
      return { ...s, cut: true, start: -1, type, close, at, inCast, parens, brace, place };
    }
    blank.cut(s.open);
    out[s.open] = (s.prefix === "N" ? "CAST((" : "(") + out[s.open];
    const close = s.prefix === "N" ? ") AS bpchar)" : ")";
    return {
      ...s,
      cut: true,
      start: -1,
      type,
      close,
      joins: [],
      at,
      inCast,
      parens,
      brace,
      place,
    };
  }
}

/**
 * What closes a cut string `s` whose closing quote ends before `literal[next]`: its
 * `close` text (with an interval qualifier that follows taken into the cast, and a U&
 * string's `UESCAPE` given to each join), how much of `literal` that consumed, or a
 * refusal when a cast after it reads the literal as a structured value.
 */
function closeCut(
  s: StringState,
  literal: string,
  next: number,
  lexer: Lexer,
  out: string[],
): { text: string; consumed: number; refusal?: TypedLiteral } {
  // Comments blanked, so that none hides a cast, a qualifier or an operator.
  const rest = blankComments(literal.slice(next), lexer);
  const refuse = (refusal: TypedLiteral) => ({ text: "", consumed: 0, refusal });
  const casts = castsAfter(rest, s.inCast === true, s.parens ?? 0);
  // `INTERVAL '5' DAY` is 5 days, but a cast of the text '5' to INTERVAL DAY reads 5
  // seconds and truncates them to 0 days: the qualifier cannot follow into a cast.
  const interval = s.type !== undefined && /^(?:pg_catalog\.)?interval$/i.test(s.type);
  if ((interval && intervalQualifierLength(rest) > 0) || casts.some(isQualifiedInterval)) {
    return refuse(QUALIFIED_INTERVAL_REFUSAL);
  }
  // Where it stands reads it as structure, unless its first cast makes it one value.
  if (s.place && !(casts.length > 0 && s.place.unless?.(casts[0]))) return refuse(s.place.refusal);
  const cast = casts.find((t) => !isScalarType(t));
  if (cast !== undefined) return refuse(queryLanguageCast(cast) ?? structuredRefusal(cast));
  if (s.brace && structuredOperatorAfter(rest)) return refuse(structuredRefusal(undefined));
  if (matchOperatorAfter(rest)) return refuse(MATCH_OPERAND_REFUSAL);
  if (arrayOperandAfter(rest)) return refuse(ARRAY_PLACE_REFUSAL);
  if (tsqueryOperatorAfter(rest)) return refuse(TSQUERY_REFUSAL);
  if (lexer.pg && s.prefix === "U&") {
    const escape = uescapeAfter(rest);
    if (escape !== undefined) {
      for (const j of s.joins ?? []) out[j] = out[j].replace("' || ", `' UESCAPE '${escape}' || `);
      // The last piece's UESCAPE is the user's own, after the closing quote.
      const length = /^\s*uescape\s*'[^']'/i.exec(rest)![0].length;
      return { text: literal.slice(next, next + length) + s.close!, consumed: length };
    }
  }
  return { text: s.close!, consumed: 0 };
}

/** A function that runs SQL text named in a statement, or a U&"…" name that may spell one. */
const SQL_TEXT_MENTION = /query_to_xml|ts_stat|ts_rewrite|dblink|crosstab|connectby|u&"/i;

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
