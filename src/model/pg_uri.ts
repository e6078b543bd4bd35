/**
 * A `postgres://` / `postgresql://` connection read by libpq's rules (PostgreSQL 15 docs
 * §34.1.1.2 "Connection URIs" and §34.1.2 "Parameter Key Words"; fe-connect.c
 * conninfo_uri_parse_options), into the settings weft's driver (the npm package
 * `postgres`) can honour. Every part is percent-decoded (`+` stays `+`); a host that
 * starts with `/` is the folder of a Unix socket, written percent-encoded
 * (`%2Ftmp%2Fpg`) or as `?host=/tmp/pg`; `h1:5432,h2:5433` lists hosts tried in order
 * (§34.1.1.3);
 * a query key word overrides the same part of the URI. A key word the driver cannot
 * honour, or one libpq does not know, is refused here, so nothing in the query is ever
 * sent to the server as a setting.
 *
 * Two departures, both for text libpq cannot use either: the user part ends at the
 * last `@` (libpq's first `@` would put the rest of a password with a raw `@` into the
 * host, and into messages), and a connection must name a host (libpq's compiled-in
 * default socket folder is unknown to weft).
 * @module
 */
import {
  hidePassword,
  isLibpqKeyWord,
  keyWordTrouble,
  misplacedPassword,
  SCHEME,
} from "./pg_key_words.ts";

/** A TCP host (a name or an address, IPv6 without brackets), or a socket folder (`/…`). */
export interface PgHost {
  host: string;
  port: number;
}

/** libpq's `sslmode` values that the driver honours (`allow` is refused). */
export type SslMode = "disable" | "prefer" | "require" | "verify-ca" | "verify-full";

/** libpq's `target_session_attrs` values, `any` read as none. */
export type SessionAttrs = "read-write" | "read-only" | "primary" | "standby" | "prefer-standby";

/** What a connection string says, decoded. Unset fields take the driver's defaults. */
export interface PgSettings {
  /**
   * One or more hosts (TCP hosts and socket folders) tried in order, or shuffled once by
   * `load_balance_hosts=random` (tasks/database/pg_hosts.ts).
   */
  hosts: PgHost[];
  database?: string;
  user?: string;
  /** A secret: masked by model/connection.ts connectionSecrets. */
  password?: string;
  sslmode?: SslMode;
  /** Seconds to wait for a connection; 0: no limit (libpq: ≤ 0, and 1 counts as 2). */
  connectTimeout?: number;
  applicationName?: string;
  fallbackApplicationName?: string;
  /** Command-line options for the server (`-c name=value`), sent as libpq sends them. */
  options?: string;
  targetSessionAttrs?: SessionAttrs;
  /** libpq 16's `load_balance_hosts=random`: the hosts tried in a random order. */
  loadBalance?: boolean;
}

/** A connection string that cannot be used; `offset` is where in it, `hint` what to do. */
export class PgUriError extends Error {
  constructor(message: string, readonly hint: string, readonly offset = 0) {
    super(message);
  }
}

/** The largest C int: libpq's limit for an integer key word (`connect_timeout`). */
const INT_MAX = 2 ** 31 - 1;

/** libpq's default port. */
export const DEFAULT_PORT = 5432;

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
const SESSION_ATTRS = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"];
/**
 * Reads a connection URI (already interpolated).
 * @throws PgUriError naming the part that cannot be used; its message never holds the
 *   password.
 * @example parsePgUri("postgresql://app@%2Ftmp%2Fpg:5433/db").hosts // [{host: "/tmp/pg", port: 5433}]
 */
export function parsePgUri(text: string): PgSettings {
  const misplaced = misplacedPassword(text);
  let settings: PgSettings;
  try {
    settings = readPgUri(text);
  } catch (e) {
    // Whatever part the misread password landed in (a port, a host, a parameter), its
    // text is not quoted: the refusal says what to encode instead.
    if (misplaced && e instanceof PgUriError) throw misplacedError(misplaced);
    throw e;
  }
  // A database name holding `@` after `user:…` is a password's rest, not a name.
  if (misplaced && misplaced.inPath) throw misplacedError(misplaced);
  return settings;
}

/** The refusal of a URI whose password holds a raw `/`, `?`, `#` or `@`; it quotes none of it. */
function misplacedError(misplaced: { start: number }): PgUriError {
  return new PgUriError(
    "the connection's password seems to hold a raw /, ?, # or @ (an @ follows the host " +
      "part, which ends at the first / or ?), so libpq would read part of it as the host, " +
      "the port, the database or a parameter",
    "percent-encode them in the password: / as %2F, ? as %3F, # as %23, @ as %40 (and @ as " +
      "%40 in a database name)",
    misplaced.start,
  );
}

function readPgUri(text: string): PgSettings {
  const scheme = SCHEME.exec(text);
  if (!scheme) throw new PgUriError("the connection does not start with postgres://", HINT);
  const start = scheme[0].length;
  const stop = text.slice(start).search(/[/?]/);
  const authorityEnd = stop < 0 ? text.length : start + stop;
  const authority = text.slice(start, authorityEnd);
  const values = new Map<string, Written>();
  const atSign = authority.lastIndexOf("@");
  if (atSign >= 0) {
    const userinfo = authority.slice(0, atSign);
    const colon = userinfo.indexOf(":");
    values.set("user", { raw: colon < 0 ? userinfo : userinfo.slice(0, colon), at: start });
    if (colon >= 0) {
      values.set("password", { raw: userinfo.slice(colon + 1), at: start + colon + 1 });
    }
  }
  const hostsAt = start + atSign + 1;
  const { hosts, ports } = hostSpec(text.slice(hostsAt, authorityEnd), hostsAt);
  values.set("host", { raw: hosts, at: hostsAt, decoded: true });
  values.set("port", { raw: ports, at: hostsAt, decoded: true });
  let rest = authorityEnd;
  if (text[rest] === "/") {
    const end = text.indexOf("?", rest);
    const path = text.slice(rest + 1, end < 0 ? text.length : end);
    if (path !== "") values.set("dbname", { raw: path, at: rest + 1 });
    rest = end < 0 ? text.length : end;
  }
  if (rest < text.length) queryKeyWords(text, rest + 1, values);
  return apply(values, text);
}

/** A key word's value as written (percent-encoded unless `decoded`) and where. */
type Written = { raw: string; at: number; decoded?: boolean; key?: number };

const HINT = "write postgresql://USER:PASSWORD@HOST:PORT/DATABASE?KEY=VALUE (libpq's URI form)";

/**
 * The hosts and ports of `spec` (`host:port,[::1]:port,…`), each decoded and joined
 * with `,` as libpq keeps them until it splits the lists.
 */
function hostSpec(spec: string, at: number): { hosts: string; ports: string } {
  const hosts: string[] = [];
  const ports: string[] = [];
  let offset = at;
  for (const item of spec.split(",")) {
    let host = item;
    let port = "";
    if (item.startsWith("[")) {
      const close = item.indexOf("]");
      const after = close < 0 ? "" : item.slice(close + 1);
      if (close < 0 || (after !== "" && !after.startsWith(":"))) {
        throw new PgUriError(
          `the IPv6 address ${JSON.stringify(item)} is not closed by ] before its port`,
          "write [ADDRESS]:PORT",
          offset,
        );
      }
      host = item.slice(1, close);
      port = after.slice(1);
    } else if (item.includes(":")) {
      host = item.slice(0, item.indexOf(":"));
      port = item.slice(item.indexOf(":") + 1);
    }
    hosts.push(decoded(host, "the host", offset));
    ports.push(decoded(port, "the port", offset));
    offset += item.length + 1;
  }
  return { hosts: hosts.join(","), ports: ports.join(",") };
}

/** Reads `key=value&…` from `from` into `values` (a later one overrides). */
function queryKeyWords(text: string, from: number, values: Map<string, Written>): void {
  let at = from;
  let afterPassword = false;
  for (const pair of text.slice(from).split("&")) {
    if (pair === "") {
      // libpq skips an empty parameter (a trailing `&`).
      at += 1;
      continue;
    }
    const eq = pair.indexOf("=");
    const name = eq < 0 ? "" : pair.slice(0, eq);
    if (afterPassword && (eq < 0 || !isLibpqKeyWord(name) || pair.indexOf("=", eq + 1) >= 0)) {
      // Most likely the rest of a password holding a raw &: none of it is quoted.
      throw new PgUriError(
        "the parameter after the connection's password= is not a libpq KEY=VALUE: the " +
          "password seems to hold a raw & (or the parameter is not a libpq key word)",
        "percent-encode & = and spaces in the password (%26, %3D, %20); a server setting " +
          "goes in options, percent-encoded: options=-c%20NAME%3DVALUE",
        at,
      );
    }
    afterPassword = name === "password";
    if (eq < 0 || pair.indexOf("=", eq + 1) >= 0) {
      // Only the name when there is one: the value may be a password.
      const shown = JSON.stringify(eq < 0 ? pair.slice(0, 40) : pair.slice(0, eq + 1));
      throw new PgUriError(
        `the connection's parameter ${shown} is not one KEY=VALUE`,
        "write each parameter as KEY=VALUE, separated by &; percent-encode = & and spaces in " +
          "a value (%3D, %26, %20)",
        at,
      );
    }
    const key = decoded(pair.slice(0, eq), "a parameter's name", at);
    const trouble = keyWordTrouble(key, decoded(pair.slice(eq + 1), `the ${key}`, at + eq + 1));
    if (trouble) throw new PgUriError(trouble.message, trouble.hint, at);
    values.set(key, { raw: pair.slice(eq + 1), at: at + eq + 1, key: at });
    at += pair.length + 1;
  }
}

/** The settings of the key words in `values`, each value checked. */
function apply(values: Map<string, Written>, text: string): PgSettings {
  const value = (key: string): string | undefined => {
    const written = values.get(key);
    if (written === undefined) return undefined;
    const what = key === "password" ? "the password" : `the ${key}`;
    return written.decoded ? written.raw : decoded(written.raw, what, written.at);
  };
  const fail = (key: string, message: string, hint: string): never => {
    const written = values.get(key)!;
    throw new PgUriError(message, hint, written.key ?? written.at);
  };
  const settings: PgSettings = { hosts: hostList(value("host") ?? "", value("port") ?? "", fail) };
  const plain: [keyof PgSettings, string][] = [
    ["database", "dbname"],
    ["user", "user"],
    ["password", "password"],
    ["applicationName", "application_name"],
    ["fallbackApplicationName", "fallback_application_name"],
    ["options", "options"],
  ];
  for (const [field, key] of plain) {
    const v = value(key);
    if (v !== undefined && v !== "") {
      (settings as unknown as Record<string, string>)[field] = v;
    }
  }
  // `ssl=true` and `sslmode` set one setting; the later written wins, as in libpq.
  const ssl = values.get("ssl");
  const sslmode = values.get("sslmode");
  let mode = value("sslmode");
  if (ssl && (!sslmode || (ssl.key ?? 0) > (sslmode.key ?? 0))) {
    if (value("ssl") !== "true") {
      fail(
        "ssl",
        `the connection's ssl=${value("ssl")} is not libpq's`,
        "write ssl=true or sslmode=",
      );
    }
    mode = "require";
  }
  if (mode !== undefined) {
    if (!SSL_MODES.includes(mode)) {
      fail(
        "sslmode",
        `the connection's sslmode ${JSON.stringify(mode)} is not libpq's`,
        `write one of ${SSL_MODES.filter((m) => m !== "allow").join(", ")}`,
      );
    }
    if (mode === "allow") {
      fail(
        "sslmode",
        "the connection's sslmode=allow (try without SSL first) cannot be honoured by weft's " +
          "PostgreSQL driver",
        "write sslmode=prefer (SSL when the server offers it) or sslmode=disable",
      );
    }
    settings.sslmode = mode as SslMode;
  }
  const timeout = value("connect_timeout");
  if (timeout !== undefined) {
    if (!/^\s*[-+]?\d+\s*$/.test(timeout)) {
      fail(
        "connect_timeout",
        `the connection's connect_timeout ${
          JSON.stringify(timeout)
        } is not a whole number of seconds`,
        "write connect_timeout=SECONDS (0: wait as long as the task's timeout allows)",
      );
    }
    const seconds = Number(timeout);
    if (seconds > INT_MAX || seconds < -INT_MAX - 1) {
      // libpq's parse_int_param refuses what does not fit a C int ("invalid integer value").
      fail(
        "connect_timeout",
        `the connection's connect_timeout ${JSON.stringify(timeout)} is past libpq's limit`,
        `write at most ${INT_MAX} seconds (0: wait as long as the task's timeout allows)`,
      );
    }
    settings.connectTimeout = seconds <= 0 ? 0 : Math.max(seconds, 2);
  }
  const attrs = value("target_session_attrs");
  if (attrs !== undefined) {
    if (!SESSION_ATTRS.includes(attrs)) {
      fail(
        "target_session_attrs",
        `the connection's target_session_attrs ${JSON.stringify(attrs)} is not libpq's`,
        `write one of ${SESSION_ATTRS.join(", ")}`,
      );
    }
    if (attrs !== "any") settings.targetSessionAttrs = attrs as SessionAttrs;
  }
  const balance = value("load_balance_hosts");
  if (balance !== undefined) {
    if (balance !== "disable" && balance !== "random") {
      fail(
        "load_balance_hosts",
        `the connection's load_balance_hosts ${JSON.stringify(balance)} is not libpq's`,
        "write load_balance_hosts=disable (the hosts in order) or random",
      );
    }
    if (balance === "random") settings.loadBalance = true;
  }
  if (values.has("sslrootcert") && settings.sslmode !== "disable") {
    // libpq checks the server's certificate against this file even with sslmode=require.
    fail(
      "sslrootcert",
      "the connection's sslrootcert cannot be honoured by weft's PostgreSQL driver: it " +
        "checks the server's certificate against the CAs its runtime trusts",
      "leave sslrootcert out and make weft trust the CA: set DENO_CERT=/path/ca.pem in " +
        "the environment weft runs in",
    );
  }
  const encoding = value("client_encoding");
  // `auto` lets the client choose; weft chooses UTF8.
  if (encoding !== undefined && !/^(utf-?8|unicode|auto)$/i.test(encoding)) {
    fail(
      "client_encoding",
      `the connection's client_encoding ${JSON.stringify(encoding)} cannot be used: weft reads ` +
        "the server's text as UTF-8",
      "leave client_encoding out (weft asks for UTF8)",
    );
  }
  if (settings.hosts.length === 0) {
    throw new PgUriError(
      `the connection ${JSON.stringify(hidePassword(text))} names no host`,
      "name the server: postgresql://USER@HOST:PORT/DB, or a Unix socket's folder percent-encoded (postgresql://USER@%2Fvar%2Frun%2Fpostgresql/DB) or as ?host=/var/run/postgresql",
    );
  }
  return settings;
}

/**
 * libpq's host and port lists paired: one port (or none: 5432) serves every host;
 * otherwise as many ports as hosts. Empty hosts (libpq's default socket) are refused; a
 * socket folder may stand among TCP hosts, as in libpq.
 */
function hostList(
  hosts: string,
  ports: string,
  fail: (key: string, message: string, hint: string) => never,
): PgHost[] {
  if (hosts === "") return [];
  const names = hosts.split(",");
  const numbers = ports.split(",").map((port) => {
    if (port === "") return DEFAULT_PORT;
    const n = /^\s*\d+\s*$/.test(port) ? Number(port) : NaN;
    if (!(n >= 1 && n <= 65535)) {
      fail(
        "port",
        `the connection's port ${JSON.stringify(port)} is not a port number`,
        "write a port from 1 to 65535 (PostgreSQL's is 5432)",
      );
    }
    return n;
  });
  if (numbers.length !== 1 && numbers.length !== names.length) {
    fail(
      "port",
      `the connection names ${numbers.length} ports for ${names.length} hosts`,
      "give one port for every host, or one port for all",
    );
  }
  const list = names.map((host, i) => ({ host, port: numbers[numbers.length === 1 ? 0 : i] }));
  if (list.some((h) => h.host === "")) {
    fail("host", "the connection's host list has an empty host", "name each host, separated by ,");
  }
  // A name or address never holds these (a socket folder may: it starts with `/`).
  const odd = list.find((h) => !h.host.startsWith("/") && /[\s\p{Cc}@/\\?#]/u.test(h.host));
  if (odd) {
    fail(
      "host",
      `the connection's host ${JSON.stringify(odd.host)} is not a host name or address`,
      "write the server's name or address; a Unix socket's folder starts with /",
    );
  }
  return list;
}

/** `raw` percent-decoded as libpq decodes (`+` stays); `what` names it in the error. */
function decoded(raw: string, what: string, at: number): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(raw) || /%00/.test(raw)) {
    throw new PgUriError(
      `${what} in the connection holds a % that is not %XX (or is %00)`,
      "percent-encode % as %25",
      at,
    );
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new PgUriError(
      `${what} in the connection is not UTF-8 once percent-decoded`,
      "percent-encode the text's UTF-8 bytes",
      at,
    );
  }
}
