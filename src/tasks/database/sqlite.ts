/**
 * The SQLite driver adapter, on `node:sqlite` (built into Deno; no native addon).
 * node:sqlite is synchronous, so waiting for another writer is done here, not by
 * SQLite's busy handler: BEGIN IMMEDIATE is retried on an asynchronous timer, which
 * keeps the engine's event loop free and lets a cancel end the wait at once. A single
 * statement, once running, runs to its end (node:sqlite has no interrupt).
 * Integers are read as BigInt, so a 64-bit value keeps its digits (above 2^53 a number
 * would not hold it and node:sqlite throws); those that fit are given as numbers.
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { isBlankSql } from "../../expr/sql.ts";
import { dirname } from "node:path";
import { ownText, quoteData } from "../../model/data_text.ts";
import type { DbSession, OpenOptions, Row } from "./driver.ts";
import { sqlitePlace, SqlTextError } from "./sql_place.ts";

/** How long one statement may wait on a lock inside SQLite before retrying outside, in ms. */
const BUSY_MS = 200;
/** The pause between attempts to take the write lock, in ms. */
const RETRY_MS = 50;

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
  db.exec(`PRAGMA busy_timeout = ${BUSY_MS}`);
  return new SqliteSession(db, options.signal);
}

class SqliteSession implements DbSession {
  readonly dialect = "sqlite";
  #open = true;
  constructor(readonly db: DatabaseSync, readonly signal: AbortSignal) {}

  exec(sql: string): Promise<void> {
    this.#check();
    refuseNul(sql, "the SQL");
    try {
      this.db.exec(sql);
    } catch (e) {
      throw sqlitePlace((e as Error).message, sql) ?? e;
    }
    return Promise.resolve();
  }

  placeholder(n: number): string {
    return `?${n}`;
  }

  query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const rows: Row[] = [];
    this.#each(sql, params, (row) => rows.push(row));
    return Promise.resolve(rows);
  }

  eachRow(
    sql: string,
    params: unknown[],
    visit: (row: Row) => void,
  ): Promise<{ rows: number; changed?: number }> {
    return Promise.resolve(this.#each(sql, params, visit));
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
      throw this.#compileErrorAt(sql, (e as Error).message) ?? e;
    }
    if (!isBlankSql(unreadTail(sql, statement), "sqlite")) {
      throw new Error(ownText("`query` holds more than one statement: put a script in `file`"));
    }
    statement.setReadBigInts(true);
    // A statement that returns no columns (INSERT without RETURNING) is run, not read.
    if (statement.columns().length === 0) {
      // changes() keeps the last INSERT/UPDATE/DELETE's count through a CREATE or other
      // statement: believed only when total_changes() moved (a trigger's rows counted
      // there are not in changes()).
      const before = this.#totalChanges();
      const { changes } = statement.run(...(params as never[]));
      return this.#totalChanges() === before ? { rows: 0 } : { rows: 0, changed: Number(changes) };
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

  /**
   * Where `sql` (one statement that failed to prepare) fails: prepare's message names no
   * place, exec's does. `EXPLAIN` compiles the statement as prepare did and, even when it
   * did compile, runs nothing of it (it lists the program), so exec can be asked safely.
   */
  #compileErrorAt(sql: string, message: string): SqlTextError | undefined {
    const explain = "EXPLAIN ";
    // A passing condition (a lock, the disk) might not recur: then exec would go on to
    // what follows the statement. Only errors of the text itself are looked for.
    if (/locked|busy|schema|disk|I\/O|memory/i.test(message)) return undefined;
    try {
      this.db.exec(explain + sql);
      return undefined;
    } catch (e) {
      const placed = sqlitePlace((e as Error).message, explain + sql);
      // Only the error prepare gave (`EXPLAIN EXPLAIN …` fails otherwise).
      if (placed?.message !== message || placed.at < explain.length) return undefined;
      return new SqlTextError(placed.message, placed.at - explain.length);
    }
  }

  /** SQLite's total_changes(): rows changed by the connection so far, triggers included. */
  #totalChanges(): number {
    const row = this.db.prepare("SELECT total_changes() AS n").get() as { n: number | bigint };
    return Number(row.n);
  }

  async transaction<T>(body: () => Promise<T>): Promise<T> {
    await this.#beginImmediate();
    try {
      const result = await body();
      this.db.exec("COMMIT");
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
    for (;;) {
      this.#check();
      // No waiting inside SQLite here (it would block the event loop): retried below.
      this.db.exec("PRAGMA busy_timeout = 0");
      try {
        this.db.exec("BEGIN IMMEDIATE");
        return;
      } catch (e) {
        if (!/database is locked|SQLITE_BUSY/i.test((e as Error).message)) throw e;
      } finally {
        this.db.exec(`PRAGMA busy_timeout = ${BUSY_MS}`);
      }
      await new Promise((done) => setTimeout(done, RETRY_MS));
    }
  }

  #check(): void {
    if (this.signal.aborted) throw new Error(ownText("stopped before the statement ran"));
  }
}

/**
 * What SQLite left unread of `sql` when it prepared `statement`: sqlite3_prepare stops
 * after the first statement, and `sourceSQL` (sqlite3_sql) is the text it compiled, so
 * the rest is the tail. Counted in UTF-8 bytes, as SQLite counts (a lone surrogate is
 * U+FFFD on both sides).
 * @throws when the compiled text is not the start of `sql` (then nothing can be told).
 */
function unreadTail(sql: string, statement: StatementSync): string {
  const bytes = new TextEncoder().encode(sql);
  const head = new TextEncoder().encode(statement.sourceSQL);
  if (head.length > bytes.length || head.some((b, k) => b !== bytes[k])) {
    throw new Error(ownText("cannot tell whether `query` holds one statement"));
  }
  return new TextDecoder().decode(bytes.subarray(head.length));
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
