/**
 * `query` and `file`: one statement whose rows become the task's outputs, and a
 * script run as it is. The `rows` output is JSON, capped so that a large table does
 * not fill the run's history: at most {@link MAX_ROWS} rows and {@link MAX_ROWS_BYTES}
 * bytes of JSON; `row_count` is the full count either way.
 * @module
 */
import { resolve } from "node:path";
import { ownText, quoteData } from "../../model/data_text.ts";
import { FileTooLargeError, readTextBounded } from "../../bounded_file.ts";
import { hasSecondStatement } from "../../expr/sql.ts";
import type { DbSession, Row } from "./driver.ts";
import { placingErrors } from "./sql_place.ts";

// `weft validate` checks the same rule (parse/step_checks.ts): the function lives in expr.
export { hasSecondStatement };

/** Rows kept in the `rows` output. */
export const MAX_ROWS = 1000;
/** Bytes of JSON (UTF-8) kept in the `rows` output. */
export const MAX_ROWS_BYTES = 256 * 1024;

/** The outputs of a query and the rows shown, one JSON text each. */
export interface QueryResult {
  rows: string;
  /** The rows the statement returned, or the rows it changed when it returns none. */
  rowCount: number;
  /** Whether rowCount counts rows changed (INSERT, UPDATE, DELETE without RETURNING). */
  changed: boolean;
  /** Rows in `rows` (fewer than rowCount when capped). */
  kept: number;
  lines: string[];
}

/**
 * Runs one statement, its placeholders bound to `params` in order, and shapes its rows
 * (see the module's caps), reading them one at a time ({@link DbSession.eachRow}).
 */
export async function runQuery(
  db: DbSession,
  sql: string,
  params: string[] = [],
): Promise<QueryResult> {
  // SQLite would run the first statement and drop the rest without a word. Read by the
  // rules of the session's database; the drivers check again (the server refuses, or
  // SQLite's unread tail is looked at).
  if (hasSecondStatement(sql, db.dialect)) {
    throw new Error(ownText("`query` holds more than one statement: put a script in `file`"));
  }
  // Rows are stepped through, not gathered: the first ones are kept (up to the caps),
  // the rest only counted, so a query of millions of rows takes the memory of a few.
  const lines: string[] = [];
  let bytes = 2; // the brackets
  let full = false;
  const counted = await db.eachRow(sql, params, (row) => {
    if (full) return;
    if (lines.length === MAX_ROWS) {
      full = true;
      return;
    }
    const line = rowJson(row);
    const size = new TextEncoder().encode(line).length + (lines.length > 0 ? 1 : 0);
    if (bytes + size > MAX_ROWS_BYTES) {
      full = true;
      return;
    }
    bytes += size;
    lines.push(line);
  });
  return {
    rows: `[${lines.join(",")}]`,
    rowCount: counted.changed ?? counted.rows,
    changed: counted.changed !== undefined,
    kept: lines.length,
    lines,
  };
}

/**
 * Reads and runs a script file (relative to `cwd`), of at most SOURCE_FILE_MAX_BYTES
 * (bounded_file.ts): a path to a device or an endless FIFO is an error, not a memory fill.
 * @throws an Error naming the file when it cannot be read; the driver's error when it
 *   fails, placed at `file:line:col` where the database names the place (sql_place.ts).
 */
export async function runFile(db: DbSession, cwd: string, file: string): Promise<void> {
  const path = resolve(cwd, file);
  let script: string;
  try {
    script = await readTextBounded(path, {
      what: "the SQL file",
      hint:
        "split it into smaller files run by separate tasks, or check that it names the right file",
    });
  } catch (e) {
    if (e instanceof FileTooLargeError) throw new ScriptFileError(e.marked());
    throw new ScriptFileError(
      `cannot read the SQL file ${quoteData(path)}: ${quoteData((e as Error).message)}`,
    );
  }
  await placingErrors(file, script, () => db.exec(script));
}

/** A script file that cannot be read. */
export class ScriptFileError extends Error {}

/**
 * One row as JSON. Values JSON cannot hold are written as text: 64-bit integers (a
 * bigint) as their digits, bytes as `\x` and hex (PostgreSQL's bytea output).
 */
export function rowJson(row: Row): string {
  // The holder's own value: a Buffer's toJSON has already run on `value`.
  return JSON.stringify(row, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (typeof raw === "bigint") return raw.toString();
    if (raw instanceof Uint8Array) {
      return "\\x" + [...raw].map((b) => b.toString(16).padStart(2, "0")).join("");
    }
    return value;
  });
}
