/**
 * A database session for tests (src/tasks/database/driver.ts openSession), opened on a
 * connection URL (sqlite: or postgres:) and closed after the body, whatever it did.
 * @module
 */
import { parseConnection } from "../src/model/connection.ts";
import { type DbSession, openSession } from "../src/tasks/database/driver.ts";

/** One session on `url` (sqlite: or postgres:), closed after `body`. */
export async function withSession<T>(
  url: string,
  body: (db: DbSession) => Promise<T>,
): Promise<T> {
  const db = await openSession(parseConnection(url, "/"), {
    signal: new AbortController().signal,
    notice: () => {},
  });
  try {
    return await body(db);
  } finally {
    await db.close();
  }
}
