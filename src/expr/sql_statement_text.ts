/**
 * SQL statements passed as text and run by the server, for the binder (sql.ts): a
 * function whose argument is an SQL statement — ts_stat, the query_to_xml family,
 * ts_rewrite's two-argument form (PostgreSQL 15 "9.13 Text Search Functions", "9.15.3
 * Mapping Tables to XML"), dblink's (F.12 dblink), tablefunc's crosstab and connectby
 * (F.41 tablefunc: connectby writes its table and column names into the query it runs)
 * — takes no `${...}` anywhere in that argument: bare, quoted,
 * or wrapped in other expressions (`concat('SELECT ', ${v})`, `format('…%s', ${v})`,
 * `coalesce(${v}, …)`, `(SELECT ${v})`), since whatever the argument computes is run as
 * SQL. The function is recognised by its name as the server reads it, quoted or not,
 * schema-qualified or not (sql_calls.ts, sql_names.ts).
 * @module
 */
import type { TypedLiteral } from "./sql_typed.ts";
import { argumentsAfter, openBrackets, type OpenCall } from "./sql_calls.ts";

/**
 * Functions whose argument (0-based; -1: any) is an SQL statement the server runs, and
 * that parameter's name for named notation.
 */
const SQL_TEXT_ARGS: ReadonlyMap<string, { arg: number; param?: string }> = new Map([
  ["ts_stat", { arg: 0, param: "sqlquery" }],
  ["query_to_xml", { arg: 0, param: "query" }],
  ["query_to_xmlschema", { arg: 0, param: "query" }],
  ["query_to_xml_and_xmlschema", { arg: 0, param: "query" }],
  // dblink's connection string is a list of settings too.
  ["dblink", { arg: -1 }],
  ["dblink_exec", { arg: -1 }],
  ["dblink_open", { arg: -1 }],
  ["dblink_send_query", { arg: -1 }],
  ["dblink_connect", { arg: -1 }],
  ["dblink_connect_u", { arg: -1 }],
  ["crosstab", { arg: -1 }],
  ["crosstab2", { arg: 0 }],
  ["crosstab3", { arg: 0 }],
  ["crosstab4", { arg: 0 }],
  ["connectby", { arg: -1 }],
]);

/** A `${...}` in an SQL statement passed as text: the refusal. */
export const SQL_TEXT_REFUSAL: TypedLiteral = {
  message: "a `${...}` cannot stand in an SQL statement passed as text (ts_stat, " +
    "query_to_xml, dblink, crosstab, ts_rewrite's query), bare, quoted or inside another " +
    "expression there: the server runs that text as SQL, so the value would be code",
  hint: "write the statement itself in `query`, with the value as `${...}` where a value " +
    "goes; or keep the text fixed and read the value in it from a table",
};

/**
 * Whether a `${...}` after `tail` (the code before it, or before its whole literal's
 * quote, its comments blanked to spaces) stands in an SQL statement passed as text, at any depth
 * inside that argument. `rest` gives the code after it (comments blanked), read only to
 * tell ts_rewrite's two-argument form (its second argument is a query) from the
 * three-argument one; when it does not tell, the value is taken to be in a query.
 */
export function sqlTextBefore(tail: string, rest: () => string): boolean {
  // The tail's comments are blanked (sql.ts tailOf): its code ends where its blanks start.
  const brackets = openBrackets(tail.trimEnd());
  let after: ReturnType<typeof argumentsAfter> | undefined;
  return brackets.some(({ call }, depth) => {
    if (!call) return false;
    const text = SQL_TEXT_ARGS.get(call.name);
    if (text) return isArg(call, text.arg, text.param);
    if (call.name !== "ts_rewrite" || !isArg(call, 1, "select")) return false;
    after ??= argumentsAfter(rest(), brackets.length);
    return after[depth].more !== true;
  });
}

/** Whether `call`'s place is its argument `arg` (-1: any), or the one named `param`. */
function isArg(call: OpenCall, arg: number, param: string | undefined): boolean {
  if (arg < 0) return true;
  return call.named !== undefined ? call.named === param : call.arg === arg;
}
