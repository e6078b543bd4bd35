/**
 * What a task runner would refuse at run time for reasons visible in the file, checked
 * when validating: `${...}` in a quoted heredoc (expr/shell.ts) or in the `command` of
 * a shell that is not POSIX-family (python3, fish...: expr/shell.ts), an http `url` that
 * cannot parse or is not http(s), header names and values (a bearer token included)
 * fetch refuses, a Basic auth user name with a `:` (RFC 7617; `auth.username`, or the
 * URL's user name percent-decoded, expr/url.ts), and `data` on a GET or
 * HEAD request (tasks/http.ts), a database
 * `connection` written out in full that does not parse (model/connection.ts, which the
 * database task reads it with) and a `query` of several statements (expr/sql.ts), a docker
 * task's string `command` with an unclosed quote (expr/command_words.ts, as the docker task
 * splits it), its `image`, `context` and tags, and a static `import` in inline javascript
 * (step_refusals.ts); the URL and header checks themselves are in http_checks.ts.
 * Substituted values are unknown here, so each `${...}` stands for a harmless
 * placeholder; only what the literal text decides is reported.
 * @module
 */
import {
  checkSql,
  connectionDialect,
  isBlankSql,
  secondStatementAt,
  SQL_DIALECTS,
  type SqlDialect,
} from "../expr/sql.ts";
import { compiled, dockerProblems, filled, staticImportAt } from "./step_refusals.ts";
import { inlineCodeError, unclosedTrouble } from "./code_checks.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { findJsonError } from "./json_error.ts";
import { jsonKeyTrouble } from "./json_key.ts";
import { jsonTooDeep, MAX_NESTING_DEPTH } from "./nesting.ts";
import { isObject, type RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { connectionTrouble, percentDecoded } from "../model/connection.ts";
import type { CompiledTemplate } from "../expr/mod.ts";
import { keyWordTrouble, writtenKeyWords } from "../model/pg_key_words.ts";
import { copyStreamTrouble } from "../model/sql_copy.ts";
import { commandWordsTrouble } from "../expr/command_words.ts";
import {
  dataTextProblem,
  dataValueProblems,
  headersProblems,
  headerValueProblem,
  urlTrouble,
} from "./http_checks.ts";
import { jsonStandIn, readsAsJson } from "../expr/mod.ts";
import { isPosixFamilyShell, nonPosixShellTrouble } from "../expr/shell.ts";
import type { ProgramField } from "../expr/program_words.ts";
import { blankProgramTrouble, blankShellTrouble } from "./program_checks.ts";

/** A problem without its file (the caller adds it). */
export type StepProblem = Omit<Problem, "file">;

const DIALECT_NAME: Record<SqlDialect, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };

/** The problems of one step (a task, or a step inside a composite) at `path`. */
export function stepProblems(
  step: RawObject,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): StepProblem[] {
  const problems: StepProblem[] = [];
  const at = (field: PathSegment[], offset: number, message: string, hint?: string) =>
    problems.push({
      ...map.inString(field, offset),
      message: `${valueLabel(data, field)}: ${message}`,
      hint,
    });
  const type = step.type ?? "shell";
  const program: ProgramField | undefined = type === "shell"
    ? "shell"
    : type === "python"
    ? "interpreter"
    : undefined;
  const blank = program ? blankProgramTrouble(program, step[program]) : null;
  if (blank) at([...path, program!], blank.offset, blank.message, blank.hint);
  // Text with none of these cannot leave anything open (or hold a `${...}`): not lexed.
  if (type === "shell" && typeof step.command === "string" && /["'`$]/.test(step.command)) {
    const template = compiled(step.command, true);
    const error = template?.checkShell();
    if (error) at([...path, "command"], error.offset, error.message, error.hint);
    const shell = shellOf(step, path, data);
    const open = template?.shellUnclosed;
    if (open && (shell === undefined || isPosixFamilyShell(shell))) {
      at([...path, "command"], open.offset, ...unclosedTrouble(open.opener));
    }
    const first = template?.spans[0];
    // A shell with arguments is refused for that, above or at defaults.shell (not here).
    if (
      first && shell !== undefined && !isPosixFamilyShell(shell) && !blankShellTrouble(shell)
    ) {
      const trouble = nonPosixShellTrouble(shell);
      at([...path, "command"], first.start, trouble.message, trouble.hint);
    }
  }
  if (type === "database" && isObject(step.config)) {
    const connection = step.config.connection;
    const written = typeof connection === "string" ? compiled(connection) : undefined;
    if (written?.isLiteral) {
      const trouble = connectionTrouble(connection as string);
      if (trouble) {
        at([...path, "config", "connection"], trouble.offset, trouble.message, trouble.hint);
      }
    } else if (written) {
      // The values come at run time; a key word written out is checked now.
      const trouble = writtenKeyWordTrouble(written);
      if (trouble) {
        at([...path, "config", "connection"], trouble.offset, trouble.message, trouble.hint);
      }
    }
    const query = step.config.query;
    const template = typeof query === "string" ? compiled(query) : undefined;
    const dialect = connectionDialect(connection);
    // A statement that takes no parameters is refused for the database the connection
    // names, or, when it is not known, only if neither database binds in it.
    const error = template
      ? checkSql(query as string, dialect ? [dialect] : SQL_DIALECTS)
      : undefined;
    if (error) at([...path, "config", "query"], error.offset, error.message, error.hint);
    const copy = template ? copyStreamTrouble(query as string) : undefined;
    if (copy) at([...path, "config", "query"], copy.offset, copy.message, copy.hint);
    const text = template && !error ? filled(template) : "";
    // SQLite prepares nothing from comments alone and the run fails (PostgreSQL answers
    // with no rows), so a literal SQLite query of nothing else is refused here.
    if (dialect === "sqlite" && template?.isLiteral && isBlankSql(text, "sqlite")) {
      at(
        [...path, "config", "query"],
        0,
        "`query` holds no statement (only blanks, comments or `;`)",
        "write the statement to run, or leave `query` out",
      );
    }
    // Unknown before the run: refused if either database would see a second statement.
    for (const each of dialect ? [dialect] : SQL_DIALECTS) {
      const second = secondStatementAt(text, each);
      if (second < 0) continue;
      const unknown = dialect ? "" : ` (read by ${DIALECT_NAME[each]}'s rules: the ` +
        "connection is not known before the run, so both databases' rules apply)";
      at(
        [...path, "config", "query"],
        second,
        `\`query\` holds more than one statement, and a query runs one${unknown}`,
        "put a script of several statements in a .sql file named by `file`, " +
          "or give each statement a task of its own",
      );
      break;
    }
  }
  if (type === "javascript" && typeof step.code === "string") {
    const offset = staticImportAt(step.code);
    if (offset >= 0) {
      at(
        [...path, "code"],
        offset,
        "inline code cannot use a static `import` statement (it runs as a function body)",
        'load the module with `const fs = require("node:fs")` or ' +
          '`const fs = await import("node:fs")`',
      );
    } else {
      const error = inlineCodeError(step.code);
      if (error) at([...path, "code"], error.offset, error.message, error.hint);
    }
  }
  if (type === "docker" && isObject(step.config)) {
    for (const p of dockerProblems(step.config, [...path, "config"])) at(...p);
  }
  if (type === "docker" && isObject(step.config) && typeof step.config.command === "string") {
    const trouble = commandWordsTrouble(step.config.command);
    if (trouble) {
      at(
        [...path, "config", "command"],
        0,
        trouble,
        "close the quote, or write `command` as a list",
      );
    }
  }
  if (type !== "http") return problems;
  if (typeof step.url === "string") {
    const trouble = urlTrouble(step.url);
    if (trouble) at([...path, "url"], 0, trouble.message, trouble.hint);
  }
  if (isObject(step.headers)) {
    problems.push(...headersProblems(step.headers, [...path, "headers"], map, data));
  }
  const dataText = dataTextProblem(step, [...path, "data"], map, data);
  if (dataText) problems.push(dataText);
  problems.push(...dataValueProblems(step, [...path, "data"], map, data));
  // A bearer token is sent as `Authorization: Bearer <token>`, so it is a header value
  // too (its leading blanks are inside the value). Basic auth's username and password
  // travel base64-encoded, where no character can break the header.
  if (isObject(step.auth)) {
    const key = typeof step.auth.token === "string"
      ? "token"
      : typeof step.auth.bearer === "string"
      ? "bearer"
      : undefined;
    const bad = key ? headerValueProblem(step.auth[key] as string, false) : undefined;
    if (key && bad) at([...path, "auth", key], bad.offset, bad.message, bad.hint);
    const colon = typeof step.auth.username === "string" ? literalColon(step.auth.username) : -1;
    if (colon >= 0) {
      at(
        [...path, "auth", "username"],
        colon,
        "a Basic auth user name cannot contain ':'",
        "RFC 7617: the user-id ends at the first ':', so the server would read a shorter " +
          "user name; use the name the server expects",
      );
    }
  }
  // Followed, a redirect status is never the answer judged (tasks/http_fetch.ts).
  const statuses = Array.isArray(step.expect_status) ? step.expect_status : [step.expect_status];
  const redirect = statuses.find((s) => [301, 302, 303, 307, 308].includes(s as number));
  if (step.follow_redirects === true && redirect !== undefined) {
    problems.push({
      ...map.key([...path, "follow_redirects"]),
      message: `${valueLabel(data, [...path, "follow_redirects"])}: expect_status ${redirect} ` +
        "can never match a redirect that is followed",
      hint: "write follow_redirects: false to check the redirect itself",
    });
  }
  const method = typeof step.method === "string" ? step.method.toUpperCase() : undefined;
  if ((method === "GET" || method === "HEAD") && step.data !== undefined && step.data !== null) {
    problems.push({
      ...map.key([...path, "data"]),
      message: `${valueLabel(data, [...path, "data"])}: a ${method} request cannot carry \`data\``,
      hint: "use method POST, PUT or PATCH, or remove `data`",
    });
  }
  return problems;
}

/**
 * A loop's `items` written as an empty list, or as text without `${...}` that holds no
 * item (blank, or `[]`): a loop with nothing to run. Other text without `${...}`: text
 * starting with `[` is read as a JSON array at run time (engine/loop.ts loopItems), so
 * one that is not valid JSON, or not an array, would fail the loop there, as would a JSON
 * object or string (not a list); one line with commas (`items: staging, qa`) would be
 * one item, the whole text, where a list was meant (as `depends_on: a, b` is refused).
 * Text with `${...}` is read at run time by the form its written text decides
 * (engine/loop_items.ts); one starting with `[` must be JSON whatever its values are
 * ({@link itemsTemplateProblem}).
 */
export function loopItemsProblem(
  items: unknown,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): StepProblem | undefined {
  // Built only when there is a problem: asking the map for a place is a problem's cost.
  const none = () => ({
    ...map.value(path),
    message: `${valueLabel(data, path)}: the loop has no items, so it would run nothing`,
    hint: "list at least one item, or give an expression that yields the list at run time",
  });
  if (Array.isArray(items) && items.length === 0) return none();
  if (typeof items !== "string") return undefined;
  const template = compiled(items);
  if (template && !template.isLiteral) return itemsTemplateProblem(template, path, map, data);
  if (!template) return undefined;
  const text = items.trimStart();
  if (text === "" || /^\[\s*\]\s*$/.test(text)) return none();
  if (!/^[[{"]/.test(text) && !text.trimEnd().includes("\n") && text.includes(",")) {
    const parts = text.trimEnd().split(",").map((part) => part.trim()).filter(Boolean);
    if (parts.length < 2) return undefined;
    const shown = parts.map((part) => /^[\w./-]+$/.test(part) ? part : JSON.stringify(part));
    return {
      ...map.value(path),
      message: `${valueLabel(data, path)}: ${JSON.stringify(text.trimEnd())} names ` +
        `${parts.length} items in one text; text is one item per line, so this is one item`,
      hint: `write a list: items: [${shown.join(", ")}] (or items: [${
        JSON.stringify(text.trimEnd())
      }] for one item)`,
    };
  }
  if (text.startsWith("{") || text.startsWith('"')) {
    if (findJsonError(text.trimEnd())) return undefined; // plain text: one item per line
    return {
      ...map.value(path),
      message: `${valueLabel(data, path)}: the text is JSON but not a list`,
      hint: "write a YAML list (items: [a, b]), a JSON array, or one item per line",
    };
  }
  if (!text.startsWith("[")) return undefined;
  const lead = items.length - text.length;
  // Read at run time with each number's text kept (expr/value.ts), which bounds depth.
  const deep = jsonTooDeep(text);
  if (deep !== undefined) {
    return {
      ...map.inString(path, lead + deep),
      message: `${valueLabel(data, path)}: items starting with [ are read as a JSON array: ` +
        `it nests lists and objects more than ${MAX_NESTING_DEPTH} levels deep`,
      hint: `a loop's items may nest at most ${MAX_NESTING_DEPTH} levels`,
    };
  }
  const error = findJsonError(text.trimEnd());
  let notArray = false;
  if (!error) notArray = !Array.isArray(JSON.parse(text));
  if (!error && !notArray) return undefined;
  return {
    ...map.inString(path, lead + (error?.offset ?? 0)),
    message: `${valueLabel(data, path)}: ${
      error
        ? `items starting with [ are read as a JSON array: ${error.message}`
        : "expected a JSON array"
    }`,
    hint: "write a YAML list (items: [a, b] without quotes), a JSON array, or one item per line",
  };
}

/**
 * A loop's `items` text with `${...}` that starts with `[`: read as a JSON array built
 * around its values (engine/loop_items.ts, each inside its string or one scalar, as an
 * http `data` text: expr/json_text.ts readsAsJson), so text that is no JSON whatever the
 * values are (a missing `]` or quote, a trailing comma, a value where a key goes outside
 * quotes: json_key.ts) would fail the loop at every run; reported at the first place
 * findJsonError finds, or at that value's `${`.
 */
function itemsTemplateProblem(
  template: CompiledTemplate,
  path: PathSegment[],
  map: SourceMap,
  data: unknown,
): StepProblem | undefined {
  const text = template.source;
  if (!text.trimStart().startsWith("[")) return undefined;
  const key = jsonKeyTrouble(text, template.spans);
  if (key) {
    return {
      ...map.inString(path, key.offset),
      message: `${valueLabel(data, path)}: items starting with [ are read as a JSON array: ` +
        key.message,
      hint: key.hint,
    };
  }
  if (readsAsJson(text, template.spans)) return undefined;
  const error = findJsonError(jsonStandIn(text, template.spans, "0").trimEnd());
  if (!error) return undefined;
  return {
    ...map.inString(path, error.offset),
    message: `${valueLabel(data, path)}: items starting with [ are read as a JSON array, ` +
      `and this one is no JSON whatever its values: ${error.message}`,
    hint: "fix the JSON (each ${...} value then stays inside its string), or write a YAML " +
      'list: items: ["${params.a}", b]',
  };
}

/**
 * The shell a shell step runs under when it names one: its `shell`, or for a task (not a
 * data_processor's `processor`) `defaults.shell`, as engine/leaf_spec.ts applies it.
 * Undefined for the default `sh`.
 */
function shellOf(step: RawObject, path: PathSegment[], data: unknown): string | undefined {
  const own = typeof step.shell === "string" && step.shell.trim() ? step.shell : undefined;
  if (own !== undefined || path.at(-1) === "processor") return own;
  const inherited = isObject(data) && isObject(data.defaults) ? data.defaults.shell : undefined;
  return typeof inherited === "string" && inherited.trim() ? inherited : undefined;
}

/**
 * The offset of the first `:` in the literal text of template `text` (outside its
 * `${...}`), or -1: such a `:` is in the rendered text whatever the values. A value's
 * own `:` is refused at run time (tasks/http_request.ts).
 */
function literalColon(text: string): number {
  if (isLiteralText(text)) return text.indexOf(":");
  const spans = compiled(text)?.spans ?? [];
  let from = 0;
  for (const span of [...spans, { start: text.length, end: text.length }]) {
    const at = text.slice(from, span.start).indexOf(":");
    if (at >= 0) return from + at;
    from = span.end;
  }
  return -1;
}

/**
 * Whether template `text` is surely literal: without a `$` it has no `${...}` and no
 * `$${` escape, so it compiles to itself, with no references, and cannot fail
 * (expr/template.ts). The checks skip compiling such text (most text of a large
 * workflow, issue 8 §5); text with a `$` is compiled to find out.
 */
export function isLiteralText(text: string): boolean {
  return !text.includes("$");
}

/**
 * The first query key word written out in a postgres connection that holds `${...}`
 * values, which weft cannot honour (model/pg_uri.ts keyWordTrouble); a key word made by
 * a value is checked when the run reads the connection.
 */
function writtenKeyWordTrouble(
  template: CompiledTemplate,
): { offset: number; message: string; hint: string } | undefined {
  for (const { key, offset, value } of writtenKeyWords(filled(template))) {
    const end = offset + key.length;
    if (template.spans.some((span) => span.start < end && span.end > offset)) continue;
    // A value made by a `${...}` is checked when the run knows it.
    const valueEnd = end + 1 + value.length;
    const known = !template.spans.some((span) => span.start < valueEnd && span.end > end);
    const trouble = keyWordTrouble(percentDecoded(key), known ? percentDecoded(value) : undefined);
    if (trouble) return { offset, ...trouble };
  }
  return undefined;
}
