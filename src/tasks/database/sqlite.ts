/**
 * The SQLite driver adapter, on `node:sqlite` (built into Deno; no native addon).
 * node:sqlite is synchronous, so waiting for another connection's lock is done here,
 * not by SQLite's busy handler (busy_timeout is 0): a statement that meets it is retried
 * on an asynchronous timer (sqlite_script.ts), which keeps the engine's event loop free
 * and lets a timeout or cancel end the wait at once. Scripts run one statement at a time
 * (sqlite_script.ts). A single statement, once running, runs to its end (node:sqlite has
 * no interrupt).
 * Integers are read as BigInt, so a 64-bit value keeps its digits (above 2^53 a number
 * would not hold it and node:sqlite throws); those that fit are given as numbers.
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { isBlankSql } from "../../expr/sql.ts";
import { dirname } from "node:path";
import { ownText, quoteData } from "../../model/data_text.ts";
import { type DbSession, type OpenOptions, placeholderOf, type Row } from "./driver.ts";
import {
  compileErrorAt,
  isBusy,
  runScript,
  totalChanges,
  unreadTail,
  waitForLock,
} from "./sqlite_script.ts";

/**
 * Opens the SQLite database at `path` (created if missing; `:memory:` for none).
 * @throws the driver's error when the file cannot be opened.
 */
export async function openSqlite(path: string, options: OpenOptions): Promise<DbSession> {
  const { DatabaseSync } = await import("node:sqlite");
  // A database weft creates is private, as every file it makes; SQLite gives its
  // journal files the database file's mode.
  if (path !== ":memory:") {
    try {
      Deno.writeFileSync(path, new Uint8Array(), { mode: 0o600, createNew: true });
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) {
        // opened below
      } else if (e instanceof Deno.errors.NotFound && !exists(dirname(path))) {
        throw new Error(
          `the folder ${quoteData(dirname(path))} does not exist (create it, or fix the path)`,
        );
      } else if (e instanceof Deno.errors.PermissionDenied) {
        throw new Error(
          `no permission to create ${quoteData(path)} (${quoteData((e as Error).message)})`,
        );
      } else throw e;
    }
  }
  const db = new DatabaseSync(path);
  // Never wait inside SQLite: that would block the event loop (sqlite_script.ts waits).
  db.exec("PRAGMA busy_timeout = 0");
  return new SqliteSession(db, options.signal);
}

class SqliteSession implements DbSession {
  readonly dialect = "sqlite";
  #open = true;
  constructor(readonly db: DatabaseSync, readonly signal: AbortSignal) {}

  async exec(sql: string): Promise<void> {
    this.#check();
    refuseNul(sql, "the SQL");
    await runScript(this.db, sql, this.signal);
  }

  placeholder(n: number): string {
    return placeholderOf("sqlite")(n);
  }

  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const rows: Row[] = [];
    await this.eachRow(sql, params, (row) => rows.push(row));
    return rows;
  }

  /**
   * See {@link DbSession.eachRow}. Outside a transaction, a statement that meets another
   * connection's lock before giving a row is run again after a pause (SQLite undid it).
   */
  async eachRow(
    sql: string,
    params: unknown[],
    visit: (row: Row) => void,
  ): Promise<{ rows: number; changed?: number }> {
    for (let attempt = 0;; attempt++) {
      const inTransaction = this.db.isTransaction;
      let visited = false;
      try {
        return this.#each(sql, params, (row) => {
          visited = true;
          visit(row);
        });
      } catch (e) {
        if (!isBusy(e) || inTransaction || this.db.isTransaction || visited) throw e;
      }
      await waitForLock(attempt, this.signal);
    }
  }

  /**
   * Runs one statement, stepping it (`iterate`, not `all`): one row at a time is read,
   * handed to `visit` and left behind, so a result of millions of rows takes no more
   * memory than one. Returns the number of rows, and what a statement without rows changed.
   */
  #each(
    sql: string,
    params: unknown[],
    visit: (row: Row) => void,
  ): { rows: number; changed?: number } {
    this.#check();
    // SQLite prepares no statement from such a text, and reading a missing statement's
    // sourceSQL ends the process (a segmentation fault in Deno 2.9's node:sqlite).
    refuseNul(sql, "`query`");
    if (isBlankSql(sql, "sqlite")) throw new Error(ownText("`query` holds no statement"));
    let statement: StatementSync;
    try {
      statement = this.db.prepare(sql);
    } catch (e) {
      throw compileErrorAt(this.db, sql, (e as Error).message) ?? e;
    }
    let tail: string;
    try {
      tail = unreadTail(sql, statement);
    } catch {
      throw new Error(ownText("cannot tell whether `query` holds one statement"));
    }
    if (!isBlankSql(tail, "sqlite")) {
      throw new Error(ownText("`query` holds more than one statement: put a script in `file`"));
    }
    statement.setReadBigInts(true);
    // A statement that returns no columns (INSERT without RETURNING) is run, not read.
    if (statement.columns().length === 0) {
      // changes() keeps the last INSERT/UPDATE/DELETE's count through a CREATE or other
      // statement: believed only when total_changes() moved (a trigger's rows counted
      // there are not in changes()).
      const before = totalChanges(this.db);
      const { changes } = statement.run(...(params as never[]));
      return totalChanges(this.db) === before ? { rows: 0 } : { rows: 0, changed: Number(changes) };
    }
    let count = 0;
    for (const row of statement.iterate(...(params as never[])) as Iterable<Row>) {
      for (const [key, value] of Object.entries(row)) {
        if (typeof value === "bigint" && Number.isSafeInteger(Number(value))) {
          row[key] = Number(value);
        }
      }
      count++;
      visit(row);
    }
    return { rows: count };
  }

  async transaction<T>(body: () => Promise<T>): Promise<T> {
    await this.#beginImmediate();
    try {
      const result = await body();
      await this.#commit();
      return result;
    } catch (e) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw e;
    }
  }

  withMigrationLock<T>(body: () => Promise<T>): Promise<T> {
    return body();
  }

  close(): Promise<void> {
    if (this.#open) {
      this.#open = false;
      this.db.close();
    }
    return Promise.resolve();
  }

  /** BEGIN IMMEDIATE, retried while another connection holds the write lock. */
  async #beginImmediate(): Promise<void> {
    for (let attempt = 0;; attempt++) {
      this.#check();
      try {
        this.db.exec("BEGIN IMMEDIATE");
        return;
      } catch (e) {
        if (!isBusy(e)) throw e;
      }
      await waitForLock(attempt, this.signal);
    }
  }

  /** COMMIT, retried while other connections still read (the transaction stays open). */
  async #commit(): Promise<void> {
    for (let attempt = 0;; attempt++) {
      try {
        this.db.exec("COMMIT");
        return;
      } catch (e) {
        if (!isBusy(e) || !this.db.isTransaction) throw e;
      }
      await waitForLock(attempt, this.signal);
    }
  }

  #check(): void {
    if (this.signal.aborted) throw new Error(ownText("stopped before the statement ran"));
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * SQLite reads SQL text up to its first NUL: what follows would be dropped unseen (a
 * script cut short), and a text with no statement before it crashes Deno 2.9's
 * node:sqlite when the statement's text is read. So no SQL with a NUL reaches it.
 */
function refuseNul(sql: string, what: string): void {
  if (sql.includes("\0")) {
    throw new Error(
      ownText(`${what} holds a NUL character, where SQLite would stop reading: remove it`),
    );
  }
}
