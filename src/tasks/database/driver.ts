/**
 * What the database task needs of a driver, so that migrations and queries are
 * written once for PostgreSQL (postgres.ts) and SQLite (sqlite.ts). Each driver is
 * loaded with a dynamic import, only by a workflow that uses it.
 * @module
 */
import type { Connection } from "../../model/connection.ts";
import type { SqlDialect } from "../../expr/sql.ts";

/**
 * The n-th (1-based) query parameter as `dialect`'s driver writes it: `$1` for PostgreSQL,
 * `?1` for SQLite ({@link DbSession.placeholder}; also for `weft run --dry-run`, which
 * shows the statement as the driver gets it without connecting).
 */
export function placeholderOf(dialect: SqlDialect): (n: number) => string {
  return dialect === "postgres" ? (n) => `$${n}` : (n) => `?${n}`;
}

/** One row of a result: column name → value as the driver gives it. */
export type Row = Record<string, unknown>;

/** An open connection to one database. */
export interface DbSession {
  /** Whose lexical rules the SQL is read by (how many statements a `query` holds). */
  readonly dialect: SqlDialect;
  /** Runs a script: one or more statements, results ignored. */
  exec(sql: string): Promise<void>;
  /**
   * Runs one statement, with its parameters written as {@link placeholder} gives them
   * bound to `params` in order, and returns its rows.
   * @throws when `sql` holds a second statement, as far as the driver can tell
   *   (PostgreSQL's extended protocol refuses it; SQLite's unread tail is checked).
   */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs one statement as {@link query} does, but hands its rows to `visit` one at a
   * time as they are read instead of holding them all, so memory does not grow with the
   * result (SQLite steps the statement; PostgreSQL's rows are taken as they come off the
   * connection). Resolves to the number of rows, and for a statement that returns none
   * (INSERT, UPDATE, DELETE without RETURNING) the number of rows it changed, as psql's
   * `INSERT 0 1` and SQLite's `changes()` say (undefined for one that changes no rows
   * of a table: CREATE, SET...).
   * @throws as {@link query}; what `visit` throws, after the statement has ended.
   */
  eachRow(
    sql: string,
    params: unknown[],
    visit: (row: Row) => void,
  ): Promise<{ rows: number; changed?: number }>;
  /** The driver's n-th (1-based) parameter: `$1` for PostgreSQL, `?1` for SQLite. */
  placeholder(n: number): string;
  /**
   * Runs `body` in a transaction that is committed when it resolves and rolled back
   * when it throws. SQLite begins it IMMEDIATE (takes the write lock at once), so two
   * runs cannot both read "not applied" and apply one migration twice.
   */
  transaction<T>(body: () => Promise<T>): Promise<T>;
  /**
   * Runs `body` holding the lock that serialises migrating runs of this database
   * (PostgreSQL: a session advisory lock; SQLite: none needed beyond IMMEDIATE
   * transactions).
   */
  withMigrationLock<T>(body: () => Promise<T>): Promise<T>;
  /** Closes the connection (idempotent). */
  close(): Promise<void>;
}

/** What opening a session gets besides the connection. */
export interface OpenOptions {
  /** Aborting ends the running statement and closes the connection. */
  signal: AbortSignal;
  /** Server notices and warnings, one line each. */
  notice(line: string): void;
}

/** Opens a session with the driver for the connection's kind (imported lazily). */
export async function openSession(conn: Connection, options: OpenOptions): Promise<DbSession> {
  if (conn.kind === "postgres") {
    const { openPostgres } = await import("./postgres.ts");
    return await openPostgres(conn.settings, options);
  }
  const { openSqlite } = await import("./sqlite.ts");
  return openSqlite(conn.path, options);
}
