/**
 * libpq's walk over a connection's hosts (PostgreSQL 15 docs §34.1.1.3 "Specifying
 * Multiple Hosts" and §34.1.2 `connect_timeout`, `target_session_attrs`; fe-connect.c
 * PQconnectPoll), done by weft rather than by the driver, which neither fails once every
 * host was tried nor knows `prefer-standby`'s second pass:
 * - the hosts are tried in the order written, each once per pass, each within
 *   `connect_timeout` (seconds; 0: no limit of its own) for the connect and the check;
 * - a host that refuses, does not answer or does not give the session asked for is
 *   closed and the next one tried; the walk fails as soon as every host was tried, naming
 *   what each answered;
 * - a server's own error (a wrong password, an unknown database: the connection was
 *   made) ends the walk, as in libpq ("if authentication fails, the remaining hosts in
 *   the list are not tried");
 * - `prefer-standby` tries every host for a standby first, then the list again taking
 *   any server;
 * - `load_balance_hosts=random` (libpq 16) tries them in an order shuffled once.
 * @module
 */
import type { PgHost, PgSettings, SessionAttrs } from "../../model/pg_uri.ts";
import { ownText, quoteData } from "../../model/data_text.ts";
import { formatDuration } from "../../model/duration.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../../timer.ts";

/** What decides `target_session_attrs`, read from a connected server. */
export interface ServerState {
  /** New transactions are read-only by default (`transaction_read_only`: a standby, or
   * `default_transaction_read_only=on`), what libpq's `read-write`/`read-only` check. */
  readOnly: boolean;
  /** The server is in hot standby (`pg_is_in_recovery()`), what `primary`/`standby` check. */
  standby: boolean;
}

/** One open attempt at one host, cancellable while it runs. */
export interface HostAttempt<S> {
  /** Resolves to the session once the server is connected; rejects with the driver's error. */
  session: Promise<S>;
  /** The server's state, asked of an open session. */
  state(session: S): Promise<ServerState>;
  /** Closes the attempt (its session, open or not); idempotent. */
  close(): Promise<void>;
}

/**
 * Every host tried, none gave a session. `answers` says what each attempt did, in order:
 * the host quoted as data (it may be a secret) and libpq's words, or the driver's message
 * quoted as data. `hosts` is how many hosts there are: `prefer-standby` tries each twice
 * (`answers` holds two per host).
 */
export class HostsExhausted extends Error {
  constructor(readonly answers: string[], hosts: number) {
    const twice = answers.length > hosts ? " twice (for a standby, then for any server)" : "";
    super(
      answers.length === 1 ? answers[0] : ownText(
        `${hosts === 1 ? "the host was" : `each of the ${hosts} hosts was`} tried${twice}: `,
      ) + answers.join("; "),
    );
  }
}

/**
 * A server's own error (a wrong password, an unknown database), which ends the walk as
 * in libpq: the message names the host that gave it after what the hosts before it
 * answered (as psql lists every attempt), and says when hosts were left untried.
 * `code` and `severity` are the server's (SQLSTATE), `answers` the earlier hosts'.
 */
export class ServerRefused extends Error {
  readonly code: string;
  readonly severity: string;
  constructor(
    error: { code: string; severity: string; message?: string },
    where: string,
    readonly answers: string[],
    untried: number,
  ) {
    const own = `${where}: ${quoteData(oneLine(error.message ?? error.code))}`;
    super(
      [...answers, own].join("; ") +
        (untried > 0
          ? ownText(
            ` (a server's own error ends the walk, as in libpq: ${untried} more ${
              untried === 1 ? "host was" : "hosts were"
            } not tried)`,
          )
          : ""),
    );
    this.code = error.code;
    this.severity = error.severity;
  }
}

/**
 * Connects to the first host that gives the session `settings` asks for.
 * @param timeoutS seconds each host may take to connect and answer the check (0: no
 *   limit of its own: the task's timeout bounds the walk).
 * @param open starts an attempt at one host.
 * @param signal aborting stops the walk (the running attempt is closed).
 * @returns the session, open.
 * @throws HostsExhausted when every host was tried; ServerRefused on a server's own
 *   error (it has a SQLSTATE `code` and a `severity`), ending the walk; `stopped` on abort.
 */
export async function walkHosts<S>(
  settings: PgSettings,
  timeoutS: number,
  open: (host: PgHost) => HostAttempt<S>,
  signal: AbortSignal,
  stopped: () => Error,
): Promise<S> {
  const attrs = settings.targetSessionAttrs;
  // prefer-standby: a first pass asking for a standby, a second taking any server.
  const passes: (SessionAttrs | undefined)[] = attrs === "prefer-standby"
    ? ["prefer-standby", undefined]
    : [attrs];
  const limitMs = timeoutS > 0 ? timeoutS * 1000 : null;
  const answers: string[] = [];
  // libpq 16 shuffles the list once; prefer-standby's second pass keeps that order.
  const hosts = settings.loadBalance ? shuffled(settings.hosts) : settings.hosts;
  for (const wanted of passes) {
    for (const [index, host] of hosts.entries()) {
      if (signal.aborted) throw stopped();
      const where = quoteData(hostName(host));
      let attempt: HostAttempt<S>;
      try {
        attempt = open(host);
      } catch (e) {
        // The driver refused the host's settings before trying it: this host's answer.
        answers.push(`${where}: ${reason(e)}`);
        continue;
      }
      let answer: string;
      try {
        const refusal = await within(limitMs, signal, async () => {
          const session = await attempt.session;
          if (!wanted) return undefined;
          // A failed check is this host's answer: the connection was made, not refused.
          const state = await attempt.state(session).catch((e) => reason(e));
          return typeof state === "string" ? state : mismatch(wanted, state);
        });
        if (refusal === undefined) return await attempt.session;
        answer = refusal;
      } catch (e) {
        await attempt.close();
        if (signal.aborted) throw stopped();
        if (isServerError(e)) {
          throw new ServerRefused(e, where, answers, hosts.length - index - 1);
        }
        const code = (e as { code?: unknown } | null)?.code;
        answer = e === TIMED_OUT || code === "CONNECT_TIMEOUT"
          ? `no answer within ${formatDuration(timeoutS * 1000)}`
          : reason(e);
      }
      await attempt.close();
      answers.push(`${where}: ${answer}`);
    }
  }
  throw new HostsExhausted(answers, hosts.length);
}

/** libpq's reason a server does not give the session `wanted` (its words), or undefined. */
export function mismatch(wanted: SessionAttrs, state: ServerState): string | undefined {
  switch (wanted) {
    case "read-write":
      return state.readOnly ? "session is read-only (target_session_attrs=read-write)" : undefined;
    case "read-only":
      return state.readOnly
        ? undefined
        : "session is not read-only (target_session_attrs=read-only)";
    case "primary":
      return state.standby
        ? "server is in hot standby mode (target_session_attrs=primary)"
        : undefined;
    case "standby":
    case "prefer-standby":
      return state.standby
        ? undefined
        : `server is not in hot standby mode (target_session_attrs=${wanted})`;
  }
}

/** `host:port`, `[v6]:port`, or a socket folder's `/dir:port`, as messages name a host. */
export function hostName(host: PgHost): string {
  return `${host.host.includes(":") ? `[${host.host}]` : host.host}:${host.port}`;
}

/** A copy of `list` in a uniformly random order (Fisher–Yates, as libpq 16 shuffles). */
function shuffled<T>(list: T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const TIMED_OUT = Symbol("timed out");

/**
 * `body`'s result, or a throw of TIMED_OUT after `ms` (null: no limit), or on abort. A
 * chained timer (timer.ts): libpq takes any `connect_timeout` up to INT_MAX seconds, past
 * what one setTimeout holds (2^31-1 ms), which would fire at once.
 */
async function within<T>(
  ms: number | null,
  signal: AbortSignal,
  body: () => Promise<T>,
): Promise<T> {
  let timer: LongTimeout | undefined;
  let onAbort = () => {};
  const stop = new Promise<never>((_, reject) => {
    if (ms !== null) timer = setLongTimeout(() => reject(TIMED_OUT), ms);
    onAbort = () => reject(new Error("stopped"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([body(), stop]);
  } finally {
    clearLongTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}

/** Whether `e` is the server's own ErrorResponse (the driver's PostgresError). */
function isServerError(e: unknown): e is { code: string; severity: string; message?: string } {
  const err = e as { code?: unknown; severity?: unknown } | null;
  return typeof err?.severity === "string" && typeof err.code === "string";
}

/**
 * A host's failure in one line: the driver's code said in words where it has one, else
 * its message quoted as data.
 */
function reason(e: unknown): string {
  const err = e as { code?: string; message?: string } | null;
  switch (err?.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "EHOSTUNREACH":
      return "no route to host";
    case "ENETUNREACH":
      return "network is unreachable";
  }
  return quoteData(oneLine(err?.message || String(err?.code ?? e)));
}

/** `text` on one line: each run of white space one space. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
