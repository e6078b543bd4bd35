/**
 * libpq's connection key words (PostgreSQL docs §34.1.2 "Parameter Key Words") as weft
 * sorts them: those its PostgreSQL driver honours (read by pg_uri.ts), libpq's others,
 * which it cannot, and names libpq does not know. Also where the key words of a written
 * connection are, for `weft validate`, the connection's text without its password, and
 * where a password libpq would misread may be.
 * @module
 */
import { formatDuration } from "./duration.ts";

/** How often weft's driver sends TCP keepalives: postgres.js's `keep_alive` default (60 s). */
const DRIVER_KEEPALIVE = formatDuration(60_000);

/** libpq's URI prefix, either spelling (weft takes any case). */
export const SCHEME = /^postgres(?:ql)?:\/\//i;

/** The key words pg_uri.ts reads (and checks the values of). */
export const HONOURED = new Set([
  "host",
  "port",
  "dbname",
  "user",
  "password",
  "sslmode",
  "sslrootcert", // only with sslmode=disable, where libpq does not read it either (pg_uri.ts)
  "ssl", // libpq's JDBC-compatible `ssl=true`, which means sslmode=require
  "connect_timeout",
  "application_name",
  "fallback_application_name",
  "options",
  "target_session_attrs",
  "load_balance_hosts", // libpq 16's; weft shuffles the hosts itself (pg_hosts.ts)
  "client_encoding",
]);
/** libpq's other key words (PostgreSQL 15–17), with what to do instead where there is one. */
const NOT_HONOURED: Record<string, string> = {
  hostaddr: "write the address as the host",
  passfile: "put the password in the connection, from a secret: ${env.DB_PASSWORD}",
  requiressl: "write sslmode=require",
  service: "write the service's host, port, dbname and user into the connection",
  keepalives_idle: `weft's driver sends TCP keepalives every ${DRIVER_KEEPALIVE} itself`,
  keepalives_interval: `weft's driver sends TCP keepalives every ${DRIVER_KEEPALIVE} itself`,
  keepalives_count: `weft's driver sends TCP keepalives every ${DRIVER_KEEPALIVE} itself`,
};
const OTHER_LIBPQ = [
  "require_auth",
  "tcp_user_timeout",
  "replication",
  "sslnegotiation",
  "sslcompression",
  "sslcert",
  "sslkey",
  "sslpassword",
  "sslcertmode",
  "sslcrl",
  "sslcrldir",
  "sslsni",
  "requirepeer",
  "ssl_min_protocol_version",
  "ssl_max_protocol_version",
  "krbsrvname",
  "gsslib",
  "gssdelegation",
];

/**
 * libpq's key words whose values weft honours only when they ask for what its driver
 * does anyway: no GSS encryption, no channel binding required, TCP keepalives on.
 */
const BY_VALUE: Record<string, { accepted: string[]; hint: string }> = {
  gssencmode: {
    accepted: ["disable", "prefer"],
    hint: "write gssencmode=disable, or leave it out: weft's driver never uses GSS encryption",
  },
  channel_binding: {
    accepted: ["disable", "prefer"],
    hint: "write channel_binding=prefer, or leave it out: weft's driver never uses " +
      "channel binding (SCRAM-SHA-256-PLUS)",
  },
  keepalives: {
    accepted: ["1"],
    hint: `leave it out: weft's driver always sends TCP keepalives (every ${DRIVER_KEEPALIVE})`,
  },
};

/** Whether libpq knows `key` (decoded) as a connection key word, honoured by weft or not. */
export function isLibpqKeyWord(key: string): boolean {
  return HONOURED.has(key) || key in NOT_HONOURED || key in BY_VALUE ||
    OTHER_LIBPQ.includes(key);
}

/** Whether `text` starts with libpq's URI prefix (either spelling, any case). */
export function isPgUri(text: string): boolean {
  return SCHEME.test(text);
}

/**
 * Why a query key word cannot be used: one libpq does not know, or one weft's driver
 * cannot honour; undefined for one it honours. `value` (decoded; undefined when not
 * known yet) decides for a key word honoured for some values only. For `weft validate`
 * too, on key words written out in a connection that holds a `${...}` elsewhere.
 */
export function keyWordTrouble(
  key: string,
  value?: string,
): { message: string; hint: string } | undefined {
  if (HONOURED.has(key)) return undefined;
  const byValue = BY_VALUE[key];
  if (byValue) {
    // An unknown value (a `${...}` at validate) is checked when the run knows it.
    if (value === undefined || byValue.accepted.includes(value)) return undefined;
    return {
      message: `the connection's ${key}=${JSON.stringify(value)} asks for what weft's ` +
        "PostgreSQL driver (the npm package postgres) cannot do",
      hint: byValue.hint,
    };
  }
  const instead = NOT_HONOURED[key];
  if (instead !== undefined || OTHER_LIBPQ.includes(key)) {
    return {
      message: `the connection's parameter "${key}" is libpq's, but weft's PostgreSQL driver ` +
        "(the npm package postgres) cannot honour it",
      hint: instead ?? "leave it out",
    };
  }
  return {
    message: `the connection's parameter ${JSON.stringify(key)} is not a libpq connection ` +
      "key word (libpq refuses it too)",
    hint: `a server setting goes in options, percent-encoded: ` +
      `options=-c%20${encodeURIComponent(key)}%3DVALUE; the key words weft reads: ` +
      [...HONOURED].join(", "),
  };
}

/**
 * Where each key word written out in `text` (a connection's query part) starts, for
 * `weft validate` to check what it can before the values are known.
 */
export function writtenKeyWords(
  text: string,
): { key: string; offset: number; value: string }[] {
  const query = text.indexOf("?");
  if (!isPgUri(text) || query < 0) return [];
  const found: { key: string; offset: number; value: string }[] = [];
  let at = query + 1;
  for (const pair of text.slice(query + 1).split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0) found.push({ key: pair.slice(0, eq), offset: at, value: pair.slice(eq + 1) });
    at += pair.length + 1;
  }
  return found;
}

/**
 * `text` (a postgres URI) without its password: `user:secret@` becomes `user@`, a
 * `password=` value `***`.
 */
export function hidePassword(text: string): string {
  const scheme = SCHEME.exec(text);
  if (!scheme) return text;
  const start = scheme[0].length;
  const stop = text.slice(start).search(/[/?]/);
  const end = stop < 0 ? text.length : start + stop;
  const atSign = text.slice(start, end).lastIndexOf("@");
  let shown = text;
  if (atSign >= 0) {
    const colon = text.slice(start, start + atSign).indexOf(":");
    if (colon >= 0) shown = text.slice(0, start + colon) + text.slice(start + atSign);
  }
  return shown.replace(/([?&]password=)[^&]*/g, "$1***");
}

/**
 * Where a password holding a raw `/`, `?` or `#` (and maybe `@`) may be: the host part (up
 * to the first `/` or `?`) has a `:` before any `@` it has, and an `@` comes after it
 * (`u:Xq7/Lp@host`, `u:p@ss/word@host`: libpq would take `ss` for the host and the rest
 * for the database, quoting the password's end). `start`..`end` spans the text from after
 * that `:` to the last `@` (more than the password, never less); `inPath` when that `@`
 * is before any `?`. Undefined for any other text.
 */
export function misplacedPassword(
  text: string,
): { start: number; end: number; inPath: boolean } | undefined {
  const scheme = SCHEME.exec(text);
  if (!scheme) return undefined;
  const start = scheme[0].length;
  const stop = text.slice(start).search(/[/?]/);
  if (stop < 0) return undefined;
  const authority = text.slice(start, start + stop);
  const colon = authority.indexOf(":");
  const atSign = text.lastIndexOf("@");
  const firstAt = authority.indexOf("@");
  if (colon < 0 || atSign < start + stop || (firstAt >= 0 && colon > firstAt)) return undefined;
  const query = text.indexOf("?", start);
  return { start: start + colon + 1, end: atSign, inPath: query < 0 || atSign < query };
}
