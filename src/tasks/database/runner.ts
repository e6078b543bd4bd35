/**
 * The `database` task type (issue 9 §3): connects to PostgreSQL or SQLite, applies
 * `migrations_path`, runs the `file` script, then the `query` (whose rows become the
 * outputs `rows` and `row_count`), in that order, whichever are given. The connection
 * string's password is a secret of the run (see {@link databaseRunner.secretsIn}) and
 * messages name the connection only without it.
 * @module
 */
import { resolve } from "node:path";
import type { TaskOf } from "../../model/task.ts";
import { embeddedMessage, ownText, quoteData } from "../../model/data_text.ts";
import { emitMarked } from "../emit_marked.ts";
import { connectionField, PathFieldError, resolvedPathField } from "../path_field.ts";
import { ExpressionError } from "../../expr/mod.ts";
import { type BoundSql, renderSql, type SqlDialect } from "../../expr/sql.ts";
import type { TaskContext, TaskResult, TaskRunner } from "../types.ts";
import {
  type Connection,
  ConnectionError,
  databaseTaskSecrets,
  parseConnection,
} from "../../model/connection.ts";
import { type DbSession, openSession } from "./driver.ts";
import {
  loadMigrations,
  migrate,
  MigrationError,
  type MigrationReport,
  oneLine,
} from "./migrations.ts";
import { MAX_ROWS, MAX_ROWS_BYTES, runFile, runQuery, ScriptFileError } from "./query.ts";
import { placingErrors, SqlPlacedError } from "./sql_place.ts";

/** The fields of a database task this runner reads. */
export type DatabaseTask = Pick<TaskOf<"database">, "config">;

/** The `database` task runner. */
export const databaseRunner: TaskRunner<DatabaseTask> = {
  type: "database",
  usesOutputFile: false,
  secretsIn: databaseTaskSecrets,
  run: runDatabase,
};

/**
 * A failed attempt whose message is already weft's words with its data quoted; `placed`,
 * a place in the user's SQL whose line and caret go to the task's log.
 */
class TaskFailure extends Error {
  constructor(message: string, readonly placed?: SqlPlacedError) {
    super(message);
  }
}

async function runDatabase(task: DatabaseTask, ctx: TaskContext): Promise<TaskResult> {
  const config = task.config;
  let db: DbSession | null = null;
  const outputs: Record<string, string> = {};
  try {
    const conn = connectionOf(config.connection, ctx);
    // Every path before connecting: a value refused in one (a name too long, `..`) fails
    // the task before a sqlite file is created.
    const folder = config.migrations_path
      ? databasePath(ctx, "migrations_path", config.migrations_path)
      : undefined;
    const file = config.file ? databasePath(ctx, "file", config.file) : undefined;
    db = await connect(conn, ctx);
    if (folder !== undefined) {
      const report = await runMigrations(db, folder, config, ctx);
      outputs.migrations_applied = String(report.applied.length);
      if (report.failed) {
        return { ok: false, exitCode: null, outputs, error: migrationFailure(report, config) };
      }
    }
    if (file !== undefined) {
      await step(ctx, `running ${quoteData(file)}`, () => runFile(db!, ctx.cwd, file));
      emitMarked(ctx, "stderr", `ran ${quoteData(file)}`);
    }
    if (config.query) {
      const bound = boundQuery(config.query, db, ctx);
      const result = await step(ctx, "the query", () =>
        placingErrors(
          "query",
          bound.sql,
          () => runQuery(db!, bound.sql, bound.params),
          { text: config.query!, at: bound.sourceAt },
        ));
      for (const line of result.lines) ctx.emit("stdout", line);
      const cut = !result.changed && result.kept < result.rowCount
        ? ` (${result.kept} kept in the rows output)`
        : "";
      const rows = `${result.rowCount} row${result.rowCount === 1 ? "" : "s"}` +
        // (SQLite cannot tell a statement that changed nothing from a CREATE: 0 is `0 rows`.)
        (result.changed && result.rowCount > 0 ? " changed" : "") + cut;
      emitMarked(ctx, "stderr", ownText(rows));
      outputs.rows = result.rows;
      outputs.row_count = String(result.rowCount);
      if (cut) {
        // `rows` then holds the first rows only: read as data, it fails saying so.
        return { ok: true, exitCode: 0, outputs, cut: { rows: rowsCut(ctx, result) } };
      }
    }
    return { ok: true, exitCode: 0, outputs };
  } catch (e) {
    if (e instanceof TaskFailure && e.placed) {
      e.placed.excerptShown(shownBy(ctx)).forEach((line) => ctx.emit("stderr", line));
    }
    const error = e instanceof TaskFailure || e instanceof MigrationError
      ? e.message
      : `database task failed: ${quoteData(oneLine(String((e as Error).message ?? e)))}`;
    return { ok: false, exitCode: null, outputs, error };
  } finally {
    await db?.close();
  }
}

/**
 * The query with each `${...}` bound as a parameter (src/expr/sql.ts), so a value can
 * never change the statement; a substitution that cannot be bound fails the task.
 */
function boundQuery(query: string, db: DbSession, ctx: TaskContext): BoundSql {
  return bindQuery(query, ctx, (n) => db.placeholder(n), [db.dialect]);
}

/**
 * {@link boundQuery} for the databases `dialects` (`placeholder`: the driver's n-th):
 * also for `--dry-run` (preflight.ts), before any connection says which database it is.
 * @throws TaskFailure with the run's reason for a substitution that cannot be bound.
 */
export function bindQuery(
  query: string,
  ctx: TaskContext,
  placeholder: (n: number) => string,
  dialects: readonly SqlDialect[],
): BoundSql {
  try {
    return renderSql(query, ctx.interpolate, placeholder, dialects);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    // Placed as a database's own error is (`query line L, column C`, the line and a
    // caret): refused at run time, the connection only known then, it has no file place.
    const at = Math.min(Math.max(e.offset, 0), query.length);
    const placed = new SqlPlacedError(quoteData(e.message), "query", query, at);
    throw new TaskFailure(`${placed.message} (${e.hint ?? ""})`, placed);
  }
}

/**
 * A file or folder field interpolated as a path (a value is one name in it: path_field.ts),
 * relative to the task's working directory; a value that would leave the folder fails the
 * task naming the field.
 */
function databasePath(ctx: TaskContext, field: string, written: string): string {
  try {
    return resolvedPathField(ctx, field, written, ctx.cwd).written;
  } catch (e) {
    throw e instanceof PathFieldError ? new TaskFailure(e.message) : e;
  }
}

/** The interpolated, parsed connection (a sqlite: file as a path: path_field.ts). */
function connectionOf(written: string, ctx: TaskContext): Connection {
  try {
    return parseConnection(connectionField(ctx, "connection", written), ctx.cwd);
  } catch (e) {
    if (e instanceof PathFieldError) throw new TaskFailure(e.message);
    const hint = e instanceof ConnectionError ? ` (${e.hint})` : "";
    throw new TaskFailure(`connection: ${quoteData((e as Error).message)}${hint}`);
  }
}

async function connect(conn: Connection, ctx: TaskContext): Promise<DbSession> {
  emitMarked(ctx, "stderr", `connecting to ${quoteData(conn.display)}`);
  try {
    return await openSession(conn, {
      signal: ctx.signal,
      notice: (line) => ctx.emit("stderr", line),
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    const cause = oneLine(err.message || String(err.code));
    const hint = conn.kind === "postgres"
      ? " (check the host, port, user and password, and that the server is running)"
      : "";
    throw new TaskFailure(
      // weft's own messages (sqlite.ts) are marked; a driver's is data, masked whole.
      `cannot connect to ${quoteData(conn.display)}: ${embeddedMessage(cause)}${hint}`,
    );
  }
}

async function runMigrations(
  db: DbSession,
  path: string,
  config: DatabaseTask["config"],
  ctx: TaskContext,
): Promise<MigrationReport> {
  const migrations = await loadMigrations(resolve(ctx.cwd, path), path);
  if (migrations.length === 0) {
    throw new TaskFailure(`no NNN_name.sql migrations in ${quoteData(resolve(ctx.cwd, path))}`);
  }
  const report = await migrate(
    db,
    migrations,
    config.rollback_on_failure === true,
    (line) => ctx.emit("stderr", line),
    shownBy(ctx),
  );
  if (!report.failed) {
    emitMarked(
      ctx,
      "stderr",
      ownText(`${report.applied.length} migration(s) applied, ${report.skipped} already applied`),
    );
  }
  return report;
}

function migrationFailure(report: MigrationReport, config: DatabaseTask["config"]): string {
  const failed = report.failed!;
  let text = `migration ${quoteData(failed.name)} failed: ${embeddedMessage(failed.message)}` +
    "; its transaction was rolled back";
  if (config.rollback_on_failure) {
    if (report.undone.length > 0) {
      text += `; undone from this run: ${quoteData(report.undone.join(", "))}`;
    }
    if (report.notUndone.length > 0) {
      text += `; left applied (no or failing .down.sql): ${quoteData(report.notUndone.join(", "))}`;
    }
  } else if (report.applied.length > 0) {
    text += `; applied before it and kept: ${quoteData(report.applied.join(", "))}`;
  }
  return text;
}

/**
 * Runs one part of the task, turning a driver error into a one-line failure; one placed
 * in the user's SQL also shows its line and a caret in the task's log.
 */
async function step<T>(ctx: TaskContext, what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ScriptFileError) throw new TaskFailure(e.message);
    if (e instanceof SqlPlacedError) {
      e.excerptShown(shownBy(ctx)).forEach((line) => ctx.emit("stderr", line));
    }
    // weft's own messages (sqlite.ts, query.ts) are marked; a driver's is data, masked whole.
    throw new TaskFailure(`${what} failed: ${embeddedMessage(oneLine((e as Error).message))}`);
  }
}

/**
 * Why the `rows` output of a query whose rows passed the caps (query.ts MAX_ROWS,
 * MAX_ROWS_BYTES) cannot be read as data: it holds the first `kept` rows only.
 */
function rowsCut(ctx: TaskContext, result: { kept: number; rowCount: number }): string {
  return ownText(
    `the rows output of task "${ctx.taskId}" holds the first ${result.kept} of its ` +
      `${result.rowCount} rows (at most ${MAX_ROWS} rows and ${MAX_ROWS_BYTES / 1024} KiB are ` +
      "kept): narrow the query (WHERE, LIMIT), or write the rows to a file and pass its path",
  );
}

/** How `ctx` shows a text (its secrets masked: TaskContext.shown); a test's as it is. */
function shownBy(ctx: TaskContext): (text: string) => string {
  return (text) => ctx.shown?.(text) ?? text;
}
