/**
 * The PostgreSQL driver adapter, on the npm package `postgres` (porsager/postgres:
 * pure JavaScript, no native addon). One connection per task (`max: 1`), so the
 * migration lock, the transactions and the statements all share one server session.
 * A cancel sends PostgreSQL's CancelRequest for the running statement and closes the
 * connection, so the server stops working for a task that has ended.
 * @module
 */
import type postgres from "postgres";
import { type DbSession, type OpenOptions, placeholderOf, type Row } from "./driver.ts";
import type { PgHost, PgSettings } from "../../model/pg_uri.ts";
import { type ServerState, walkHosts } from "./pg_hosts.ts";
import { ownText } from "../../model/data_text.ts";
import { postgresPlace, SqlTextError } from "./sql_place.ts";
import { Stream, Writable } from "node:stream";
import { copyStreamTrouble } from "../../model/sql_copy.ts";
import { TIMER_MAX_MS } from "../../timer.ts";

/**
 * Seconds to wait for the server to accept a connection (an unreachable host fails then)
 * when the connection sets no `connect_timeout`.
 */
export const CONNECT_TIMEOUT_S = 10;
/** The advisory lock key of weft's migrations: any fixed 64-bit number, the same in every run. */
const MIGRATION_LOCK_KEY = 7_305_866_412_093_451n;

type Sql = postgres.Sql<Record<string, never>>;
type Pending = { cancel(): void } & Promise<unknown>;

/**
 * Connects to the first server the settings name that gives the session they ask for,
 * trying the hosts as libpq does (pg_hosts.ts), and returns a session. Connecting happens
 * here (a first `SELECT`), so a wrong host, port, user or password fails at once. The
 * settings are given to the driver one by one, never as a URL, so the driver sends
 * nothing of the connection string to the server as a setting.
 * @throws HostsExhausted (pg_hosts.ts) naming what each host answered; ServerRefused
 *   (pg_hosts.ts) on a server's own error (a wrong password, an unknown database), naming
 *   the host and what the hosts before it answered, with the server's SQLSTATE `code`.
 */
export async function openPostgres(settings: PgSettings, options: OpenOptions): Promise<DbSession> {
  const { default: connect } = await import("postgres");
  const timeoutS = connectTimeoutOf(settings);
  return await walkHosts(
    settings,
    timeoutS,
    (host) => {
      const sql = connect({
        ...driverSettings(settings, host, timeoutS),
        max: 1,
        idle_timeout: 0,
        prepare: false,
        // weft binds text: a value the server types json/jsonb (`CAST(${...} AS jsonb)`) is
        // the document's text, which the library's default serializer would quote into a
        // JSON string (`"{\"k\": 1}"`).
        types: {
          json: {
            to: 114,
            from: [114, 3802],
            serialize: (x: unknown) => typeof x === "string" ? x : JSON.stringify(x),
            parse: (x: string) => JSON.parse(x),
          },
        },
        // The library prints notices with console.log by default; they belong to the task.
        onnotice: (notice) => options.notice(`${notice.severity}: ${notice.message}`),
      }) as unknown as Sql;
      const session = new PostgresSession(sql, options.signal);
      return {
        session: session.query("SELECT 1").then(() => session),
        state: serverState,
        close: () => session.close(),
      };
    },
    options.signal,
    () => new Error(ownText("stopped while connecting")),
  );
}

/**
 * What libpq reads of a server for `target_session_attrs`: `transaction_read_only` at the
 * start of a transaction is on when `default_transaction_read_only` is or the server is in
 * hot standby (libpq's read-only test, fe-connect.c); `pg_is_in_recovery()` is its
 * `in_hot_standby`.
 */
async function serverState(session: PostgresSession): Promise<ServerState> {
  const [row] = await session.query(
    "SELECT pg_catalog.current_setting('transaction_read_only') AS ro, " +
      "pg_catalog.pg_is_in_recovery() AS standby",
  );
  return { readOnly: row.ro === "on", standby: row.standby === true };
}

/** The seconds a connection waits for the server: its `connect_timeout`, else the default. */
function connectTimeoutOf(settings: PgSettings): number {
  return settings.connectTimeout ?? CONNECT_TIMEOUT_S;
}

/**
 * libpq's settings as the driver's options for one of its hosts (`timeoutS`: its
 * connect_timeout, connectTimeoutOf). A socket folder becomes the socket file
 * `FOLDER/.s.PGSQL.PORT` (libpq's name for it), and, as in libpq, `sslmode` is not used
 * on a socket. Unset user, password and database are left to the driver, which takes
 * them from PGUSER, PGPASSWORD and PGDATABASE (or the system user name) as libpq does.
 */
function driverSettings(
  settings: PgSettings,
  host: PgHost,
  timeoutS: number,
): postgres.Options<Record<string, never>> {
  const socket = host.host.startsWith("/") ? host : undefined;
  // libpq's default is prefer: SSL when the server offers it, without a check of its
  // certificate.
  const mode = settings.sslmode ?? "prefer";
  const ssl = socket || mode === "disable" ? false : mode === "verify-ca"
    // The certificate chain is checked, its host name not (libpq's verify-ca).
    ? { rejectUnauthorized: true, checkServerIdentity: () => undefined }
    : mode;
  const connection: Record<string, string> = {
    application_name: settings.applicationName ?? settings.fallbackApplicationName ?? "weft",
  };
  if (settings.options !== undefined) connection.options = settings.options;
  return {
    // Lists of one, never strings: the driver takes a list as it is but splits a string
    // host on `,` and `:` (`host.split(',').map(x => x.split(':')[0])`, the port from
    // after the `:`), which made `2001:db8::77` host 2001 with a NaN port (a RangeError
    // that ended the process) and `::1` the empty host, localhost.
    host: [host.host] as unknown as string,
    port: [host.port] as unknown as number, // 1–65535: pg_uri.ts checked it
    ...(socket ? { path: `${socket.host.replace(/\/+$/, "")}/.s.PGSQL.${socket.port}` } : {}),
    ...(settings.database !== undefined ? { database: settings.database } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    ssl: ssl as postgres.Options<Record<string, never>>["ssl"],
    // The driver's own timer (socket to ReadyForQuery), one setTimeout: none past what one
    // holds, where pg_hosts.ts's timer (which chains) bounds the attempt alone.
    connect_timeout: timeoutS * 1000 > TIMER_MAX_MS ? 0 : timeoutS,
    connection,
  };
}

/**
 * `result`, unless the statement began PostgreSQL's copy sub-protocol (`COPY … FROM
 * STDIN` / `TO STDOUT`, also inside a `file` script): the library then resolves with a
 * stream the task has no use for. The stream gets an error listener before the throw,
 * so closing the connection (which destroys it with CONNECTION_DESTROYED) cannot raise
 * an error outside every promise and end the process with the run left running.
 * @throws Error saying what to write instead (model/sql_copy.ts has the same words).
 */
function copyRefused(result: unknown): unknown {
  if (!(result instanceof Stream)) return result;
  result.on("error", () => {}); // the connection is closed next, which destroys it
  const copy = copyStreamTrouble(
    result instanceof Writable ? "COPY t FROM STDIN" : "COPY t TO STDOUT",
  )!;
  throw new Error(ownText(`${copy.message} (${copy.hint})`));
}

class PostgresSession implements DbSession {
  readonly dialect = "postgres";
  /** Where statements go: the connection, or the transaction running on it. */
  #current: Sql;
  #pending: Pending | null = null;
  #closed: Promise<void> | null = null;
  readonly #onAbort = () => {
    this.#pending?.cancel();
    void this.close();
  };

  constructor(readonly sql: Sql, readonly signal: AbortSignal) {
    this.#current = sql;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  async exec(script: string): Promise<void> {
    // Refused before sending: a dump's data lines after `COPY … FROM stdin;` would be
    // read as SQL, and the error would name the data, not the COPY.
    const copy = copyStreamTrouble(script);
    if (copy) throw new SqlTextError(ownText(`${copy.message} (${copy.hint})`), copy.offset);
    // The simple query protocol: a script of several statements in one round trip.
    await this.#run(this.#current.unsafe(script).simple() as unknown as Pending, script);
  }

  placeholder(n: number): string {
    return placeholderOf("postgres")(n);
  }

  async query(text: string, params: unknown[] = []): Promise<Row[]> {
    // The extended protocol also without parameters (the library would send a query
    // without them by the simple one): its Parse message takes one statement, so the
    // server refuses a second ("cannot insert multiple commands into a prepared
    // statement") whatever the statement counter made of the text.
    const options = { simple: false } as postgres.UnsafeQueryOptions;
    const rows = await this.#run(
      this.#current.unsafe(text, params as never[], options) as unknown as Pending,
      text,
    );
    return [...(rows as Row[])];
  }

  async eachRow(
    text: string,
    params: unknown[],
    visit: (row: Row) => void,
  ): Promise<{ rows: number; changed?: number }> {
    // `forEach`: the library hands each row over as it parses it off the connection and
    // keeps none, so memory does not grow with the result (no Result array of every
    // row). The extended protocol, as in query.
    let count = 0;
    let failure: { error: unknown } | null = null;
    const options = { simple: false } as postgres.UnsafeQueryOptions;
    const pending = this.#current.unsafe(text, params as never[], options).forEach((row) => {
      // A throw here would be thrown inside the library's socket reader: kept for after.
      if (failure) return;
      try {
        count++;
        visit(row as Row);
      } catch (error) {
        failure = { error };
      }
    });
    // The command tag's count (`INSERT 0 1`, `UPDATE 3`): what a statement changed.
    const done = await this.#run(pending as unknown as Pending, text) as {
      command?: string;
      count?: number | null;
    } | undefined;
    if (failure) throw (failure as { error: unknown }).error;
    const changes = /^(INSERT|UPDATE|DELETE|MERGE)\b/.test(done?.command ?? "") &&
      typeof done?.count === "number";
    return changes && count === 0 ? { rows: 0, changed: done!.count! } : { rows: count };
  }

  async transaction<T>(body: () => Promise<T>): Promise<T> {
    const outer = this.#current;
    try {
      return await outer.begin(async (tx) => {
        this.#current = tx as unknown as Sql;
        return await body();
      }) as T;
    } finally {
      this.#current = outer;
    }
  }

  async withMigrationLock<T>(body: () => Promise<T>): Promise<T> {
    await this.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      return await body();
    } finally {
      // A closed connection has let go of the lock already.
      if (!this.#closed) await this.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  }

  close(): Promise<void> {
    this.signal.removeEventListener("abort", this.#onAbort);
    return this.#closed ??= this.sql.end({ timeout: 0 }).catch(() => {});
  }

  /** Runs a statement sent as `text`; an error the server places in it is a SqlTextError. */
  async #run(pending: Pending, text: string): Promise<unknown> {
    if (this.signal.aborted) {
      pending.cancel();
      throw new Error(ownText("stopped before the statement ran"));
    }
    this.#pending = pending;
    try {
      return copyRefused(await pending);
    } catch (e) {
      throw postgresPlace(e, text) ?? e;
    } finally {
      this.#pending = null;
    }
  }
}
