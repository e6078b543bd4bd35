/**
 * The calls around a place in a statement, for the binder's place checks
 * (sql_structured_places.ts, sql_function_places.ts, sql_statement_text.ts): read
 * backwards from the place, every bracket open there, innermost first, each with the
 * function it calls (its name folded as the server folds it, quoted or not,
 * schema-qualified or not: sql_names.ts) and which argument the place is in; read
 * forwards, where each of those arguments ends and whether another follows. A value
 * wrapped in other calls (`query_to_xml(format('…', ${v}))`) is so still seen inside
 * the outer one. Strings and quoted names are skipped; read backwards, comments are
 * blanked by the caller; read forwards, comments and $-quoted bodies are skipped too.
 * @module
 */
import { nameAt, nameBefore } from "./sql_names.ts";
import { DOLLAR_TAG } from "./sql_statements.ts";

/** How far before a `(` its function's name is looked for (a name is at most 63 bytes). */
const NAME_REACH = 400;

/** A call open at a place in the code: its name, and which of its arguments the place is in. */
export interface OpenCall {
  /** The function's name as the server reads it (sql_names.ts), without its schema. */
  name: string;
  /** The argument (0-based) the place is in. */
  arg: number;
  /** Named notation (`path => '…'`): the parameter's name, which its place does not tell. */
  named?: string;
}

/** One bracket open at a place: its call (undefined when not a call's), and the text before. */
export interface OpenBracket {
  call: OpenCall | undefined;
  /** The argument's text before the place (or before the next inner bracket's call). */
  before: string;
}

/**
 * The brackets open at the end of `code`, innermost first: each a call's ({@link OpenCall}:
 * `"jsonb"(`, `pg_catalog."jsonb"(` as `jsonb(`), or none for one that is not a call's
 * (`ARRAY[`, `(` after an operator or keyword, a subquery's `(SELECT …`).
 */
export function openBrackets(code: string): OpenBracket[] {
  const found: OpenBracket[] = [];
  let depth = 0;
  let arg = 0;
  // Where the argument the place is in starts (after its bracket or comma), and ends.
  let argStart = code.length;
  let argEnd = code.length;
  for (let i = code.length - 1; i >= 0; i--) {
    const c = code[i];
    if (c === "'" || c === '"') {
      // A quoted string or name: `''` inside it reads as two strings, which is the same.
      const j = code.lastIndexOf(c, i - 1);
      if (j < 0) break;
      i = j;
    } else if (c === ")" || c === "]") depth++;
    else if (c === "(" || c === "[") {
      if (depth-- > 0) continue;
      depth = 0;
      if (arg === 0) argStart = i + 1;
      const call = c === "[" ? undefined : callAt(code, i, arg, argStart);
      found.push({ call, before: code.slice(argStart, argEnd) });
      // The outer argument's text before this place ends before this call's name.
      const reach = Math.max(0, i - NAME_REACH);
      argEnd = call ? reach + nameBefore(code.slice(reach, i))!.at : i;
      arg = 0;
    } else if (c === "," && depth === 0) {
      if (arg++ === 0) argStart = i + 1;
    }
  }
  return found;
}

/** The call whose `(` is `code[i]`, the place in argument `arg` starting at `argStart`. */
function callAt(code: string, i: number, arg: number, argStart: number): OpenCall | undefined {
  // `ANY (SELECT …)`: a subquery, whose items are no argument.
  if (/^\s*(?:select|values|with)(?![\w$])/i.test(code.slice(i + 1))) return undefined;
  const name = nameBefore(code.slice(Math.max(0, i - NAME_REACH), i))?.name;
  if (!name) return undefined;
  const head = /^\s*/.exec(code.slice(argStart))![0].length;
  const param = nameAt(code.slice(argStart + head));
  const named = param && /^\s*=>/.test(code.slice(argStart + head + param.length))
    ? param.name
    : undefined;
  return named ? { name, arg, named } : { name, arg };
}

/**
 * The innermost call open at the end of `code` ({@link openBrackets}); undefined when the
 * innermost open bracket is not a call's or opens a subquery.
 */
export function openCall(code: string): OpenCall | undefined {
  return openBrackets(code)[0]?.call;
}

/** How an argument goes on after a place, read forwards (see {@link argumentsAfter}). */
export interface ArgumentRest {
  /** The argument's text after the place, to its end (inner brackets included). */
  after: string;
  /** Whether another argument follows it; undefined when the text ended first. */
  more: boolean | undefined;
}

/**
 * For each of `levels` brackets open at a place, innermost first, the rest of the
 * argument the place is in, from `rest` (the code after the place, comments blanked).
 */
export function argumentsAfter(rest: string, levels: number): ArgumentRest[] {
  const found: ArgumentRest[] = [];
  let depth = 0;
  let from = 0;
  // After a `,`: the rest of that call's arguments, skipped to its `)`.
  let skipping = false;
  for (let i = 0; i < rest.length && found.length < levels; i++) {
    const c = rest[i];
    const skip = opaqueEnd(rest, i);
    if (skip === -1) break;
    if (skip > i) i = skip - 1;
    else if (c === "(" || c === "[") depth++;
    else if ((c === ")" || c === "]") && depth > 0) depth--;
    else if (c === ")" || c === "]") {
      if (!skipping) found.push({ after: rest.slice(from, i), more: false });
      skipping = false;
      from = i + 1;
    } else if (c === "," && depth === 0 && !skipping) {
      found.push({ after: rest.slice(from, i), more: true });
      skipping = true;
    }
  }
  if (found.length < levels && !skipping) found.push({ after: rest.slice(from), more: undefined });
  while (found.length < levels) found.push({ after: "", more: undefined });
  return found;
}

/**
 * Where a string, quoted name, comment or $-quoted body starting at `text[i]` ends (the
 * index after it), `i` when none starts there, -1 when it does not end in `text`.
 */
function opaqueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === "'" || c === '"') {
    const j = text.indexOf(c, i + 1);
    return j < 0 ? -1 : j + 1;
  }
  if (c === "-" && text[i + 1] === "-") {
    const j = text.slice(i).search(/[\n\r]/);
    return j < 0 ? text.length : i + j;
  }
  if (c === "/" && text[i + 1] === "*") {
    for (let depth = 1, j = i + 2; j < text.length; j++) {
      if (text.startsWith("/*", j)) depth++, j++;
      else if (text.startsWith("*/", j) && --depth === 0) return j + 2;
      else if (text.startsWith("*/", j)) j++;
    }
    return -1;
  }
  if (c === "$" && !/[\w$]/.test(text[i - 1] ?? "")) {
    DOLLAR_TAG.lastIndex = i;
    const tag = DOLLAR_TAG.exec(text)?.[0];
    if (tag) {
      const j = text.indexOf(tag, i + tag.length);
      return j < 0 ? -1 : j + tag.length;
    }
  }
  return i;
}

/** Whether `text` (part of one argument) joins by `||` outside its brackets and strings. */
export function joinsText(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const skip = opaqueEnd(text, i);
    if (skip === -1) return false;
    if (skip > i) i = skip - 1;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && c === "|" && text[i + 1] === "|") return true;
  }
  return false;
}
