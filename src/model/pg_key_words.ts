/**
 * libpq's connection key words (PostgreSQL docs §34.1.2 "Parameter Key Words") as weft
 * sorts them: those its PostgreSQL driver honours (read by pg_uri.ts), libpq's others,
 * which it cannot, and names libpq does not know. Also where the key words of a written
 * connection are, for `weft validate`, and the connection's text without its password.
 * @module
 */

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
  "ssl", // libpq's JDBC-compatible `ssl=true`, which means sslmode=require
  "connect_timeout",
  "application_name",
  "fallback_application_name",
  "options",
  "target_session_attrs",
  "client_encoding",
]);
/** libpq's other key words (PostgreSQL 15–17), with what to do instead where there is one. */
const NOT_HONOURED: Record<string, string> = {
  hostaddr: "write the address as the host",
  passfile: "put the password in the connection, from a secret: ${env.DB_PASSWORD}",
  requiressl: "write sslmode=require",
  service: "write the service's host, port, dbname and user into the connection",
  keepalives: "weft's driver sends TCP keepalives every 60 s itself",
  keepalives_idle: "weft's driver sends TCP keepalives every 60 s itself",
  keepalives_interval: "weft's driver sends TCP keepalives every 60 s itself",
  keepalives_count: "weft's driver sends TCP keepalives every 60 s itself",
};
const OTHER_LIBPQ = [
  "require_auth",
  "channel_binding",
  "tcp_user_timeout",
  "replication",
  "gssencmode",
  "sslnegotiation",
  "sslcompression",
  "sslcert",
  "sslkey",
  "sslpassword",
  "sslcertmode",
  "sslrootcert",
  "sslcrl",
  "sslcrldir",
  "sslsni",
  "requirepeer",
  "ssl_min_protocol_version",
  "ssl_max_protocol_version",
  "krbsrvname",
  "gsslib",
  "gssdelegation",
  "load_balance_hosts",
];

/** Whether `text` starts with libpq's URI prefix (either spelling, any case). */
export function isPgUri(text: string): boolean {
  return SCHEME.test(text);
}

/**
 * Why a query key word cannot be used: one libpq does not know, or one weft's driver
 * cannot honour; undefined for one it honours. For `weft validate` too, on key words
 * written out in a connection that holds a `${...}` elsewhere.
 */
export function keyWordTrouble(key: string): { message: string; hint: string } | undefined {
  if (HONOURED.has(key)) return undefined;
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
export function writtenKeyWords(text: string): { key: string; offset: number }[] {
  const query = text.indexOf("?");
  if (!isPgUri(text) || query < 0) return [];
  const found: { key: string; offset: number }[] = [];
  let at = query + 1;
  for (const pair of text.slice(query + 1).split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0) found.push({ key: pair.slice(0, eq), offset: at });
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
