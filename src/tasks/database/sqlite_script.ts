/**
 * SQLite scripts run one statement at a time, as sqlite3_exec does (prepare the text,
 * step the statement, go on with the tail SQLite left unread), so that each statement's
 * error names its place in the script, and a statement that meets another connection's
 * lock (SQLITE_BUSY) can wait for it without blocking weft's event loop: node:sqlite is
 * synchronous, so the wait is an asynchronous pause between attempts ({@link waitForLock}),
 * ended at once by the task's timeout or cancel, never SQLite's busy handler.
 * What may be retried follows SQLite's own rules (https://www.sqlite.org/c3ref/step.html,
 * https://www.sqlite.org/lang_transaction.html): a statement outside a transaction, and
 * COMMIT, may simply be run again; inside a transaction, a BUSY on taking the write lock
 * after reading cannot be waited out (the other writer may be waiting for this reader):
 * a transaction the script began is rolled back and run again from its BEGIN (what it did
 * is undone and done again; the rows a script reads are dropped anyway), while a
 * statement in a transaction weft began (a migration's, which begins IMMEDIATE and so
 * holds the write lock already) fails.
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { secondStatementAt, statementStartAt } from "../../expr/sql.ts";
import { ownText } from "../../model/data_text.ts";
import { sqlitePlace, SqlTextError } from "./sql_place.ts";

/** The longest pause between attempts to take a lock, in ms (the first ones are shorter). */
const MAX_PAUSE_MS = 50;

/** Whether `e` is SQLite's SQLITE_BUSY (another connection holds a lock this one needs). */
export function isBusy(e: unknown): boolean {
  const code = (e as { errcode?: unknown } | null)?.errcode;
  if (typeof code === "number") return (code & 0xff) === 5;
  return /database is locked/i.test(String((e as Error | null)?.message));
}

/**
 * Pauses before attempt `attempt` + 1 (2, 4, … up to {@link MAX_PAUSE_MS} ms, each cut by
 * a random part so that waiting connections do not retry in step).
 * @throws when `signal` aborts (the task's timeout or cancel), at once.
 */
export function waitForLock(attempt: number, signal: AbortSignal): Promise<void> {
  const ms = Math.min(MAX_PAUSE_MS, 2 ** (attempt + 1)) * (0.5 + Math.random() / 2);
  return new Promise((done, fail) => {
    const stopped = () => {
      clearTimeout(timer);
      fail(
        new Error(ownText("stopped while waiting for another connection's lock on the database")),
      );
    };
    if (signal.aborted) return stopped();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stopped);
      done();
    }, ms);
    signal.addEventListener("abort", stopped, { once: true });
  });
}

/**
 * Runs the script `sql` on `db` statement by statement (results read and dropped),
 * waiting for other connections' locks as the module says.
 * @throws SqlTextError at the failing statement (at the place in it, for an error found
 *   while reading it); an Error when `signal` aborts.
 */
export async function runScript(db: DatabaseSync, sql: string, signal: AbortSignal): Promise<void> {
  let at = 0;
  /** Where the statement that began the script's own open transaction is. */
  let own: number | undefined;
  /** How far the script has run: the pauses grow until a statement past it has run. */
  let reached = 0;
  for (let attempt = 0;;) {
    const start = statementStartAt(sql, "sqlite", at);
    if (start < 0) return;
    if (signal.aborted) throw new Error(ownText("stopped before the statement ran"));
    const inTransaction = db.isTransaction;
    try {
      const rest = sql.slice(start);
      const statement = prepareAt(db, rest, start);
      at = sql.length - unreadTail(rest, statement).length;
      statement.setReadBigInts(true);
      if (statement.columns().length === 0) statement.run();
      else for (const _ of statement.iterate()) { /* a script's rows are not kept */ }
      if (at > reached) [reached, attempt] = [at, 0];
    } catch (e) {
      if (!isBusy(e)) throw e instanceof SqlTextError ? e : new SqlTextError(message(e), start);
      if (!inTransaction && !db.isTransaction) {
        at = start; // outside a transaction: SQLite undid the statement whole
      } else if (db.isTransaction && /^(COMMIT|END|RELEASE)\b/i.test(sql.slice(start, start + 8))) {
        at = start; // COMMIT waits for readers to finish; the transaction stays open
      } else if (own !== undefined) {
        // Its reads hold a lock the other writer may wait for: undone, then run again.
        if (db.isTransaction) db.exec("ROLLBACK");
        at = own;
        own = undefined;
      } else {
        throw new SqlTextError(
          ownText(
            "database is locked: another connection is writing, and this statement runs in " +
              "a transaction that cannot wait for it",
          ),
          start,
        );
      }
      await waitForLock(attempt++, signal);
      continue;
    }
    if (!db.isTransaction) own = undefined;
    else if (!inTransaction) own = start;
  }
}

/** Prepares the first statement of `rest` (at `start` of the script), placing its error. */
function prepareAt(db: DatabaseSync, rest: string, start: number): StatementSync {
  try {
    return db.prepare(rest);
  } catch (e) {
    if (isBusy(e)) throw e;
    // The statement alone: what follows it must not run if EXPLAIN compiles it.
    const next = secondStatementAt(rest, "sqlite");
    const placed = compileErrorAt(db, next < 0 ? rest : rest.slice(0, next), message(e));
    throw placed ? new SqlTextError(placed.message, start + placed.at) : e;
  }
}

/**
 * Where `sql` (one statement that failed to prepare) fails: prepare's message names no
 * place, exec's does. `EXPLAIN` compiles the statement as prepare did and, even when it
 * did compile, runs nothing of it (it lists the program), so exec can be asked safely.
 */
export function compileErrorAt(
  db: DatabaseSync,
  sql: string,
  message: string,
): SqlTextError | undefined {
  const explain = "EXPLAIN ";
  // A passing condition (a lock, the disk) might not recur: then exec would go on to
  // what follows the statement. Only errors of the text itself are looked for.
  if (/locked|busy|schema|disk|I\/O|memory/i.test(message)) return undefined;
  try {
    db.exec(explain + sql);
    return undefined;
  } catch (e) {
    const placed = sqlitePlace((e as Error).message, explain + sql);
    // Only the error prepare gave (`EXPLAIN EXPLAIN …` fails otherwise).
    if (placed?.message !== message || placed.at < explain.length) return undefined;
    return new SqlTextError(placed.message, placed.at - explain.length);
  }
}

/**
 * What SQLite left unread of `sql` when it prepared `statement`: sqlite3_prepare stops
 * after the first statement, and `sourceSQL` (sqlite3_sql) is the text it compiled, so
 * the rest is the tail. Counted in UTF-8 bytes, as SQLite counts (a lone surrogate is
 * U+FFFD on both sides).
 * @throws when the compiled text is not the start of `sql` (then nothing can be told).
 */
export function unreadTail(sql: string, statement: StatementSync): string {
  const bytes = new TextEncoder().encode(sql);
  const head = new TextEncoder().encode(statement.sourceSQL);
  if (head.length > bytes.length || head.some((b, k) => b !== bytes[k])) {
    throw new Error(ownText("cannot tell where an SQL statement ends"));
  }
  return new TextDecoder().decode(bytes.subarray(head.length));
}

/** SQLite's total_changes(): rows changed by the connection so far, triggers included. */
export function totalChanges(db: DatabaseSync): number {
  const row = db.prepare("SELECT total_changes() AS n").get() as { n: number | bigint };
  return Number(row.n);
}

function message(e: unknown): string {
  return (e as Error).message ?? String(e);
}
