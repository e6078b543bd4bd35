/**
 * The `connection` of a database task: `postgres://…` / `postgresql://…` (libpq's URI
 * form) or `sqlite:PATH`, parsed once, with the password kept out of every text weft
 * shows (the {@link Connection.display} form) and listed for secret masking
 * ({@link connectionSecrets}). Pure, and here in model/ so that both the database task
 * runner (tasks/database/) and `weft validate` (parse/step_checks.ts) read a connection
 * by the same rules without parse/ importing tasks/ (DESIGN.md §3).
 * @module
 */
import { nodePath } from "../path.ts";
import { parsePgUri, type PgSettings, PgUriError } from "./pg_uri.ts";
import { hidePassword, misplacedPassword } from "./pg_key_words.ts";

/** A parsed connection. */
export type Connection =
  | {
    kind: "postgres";
    /** What the URL says, read by libpq's rules (pg_uri.ts), for the driver only. */
    settings: PgSettings;
    /** The URL as written without its password, for messages. */
    display: string;
  }
  | {
    kind: "sqlite";
    /** An absolute file path, or `:memory:`. */
    path: string;
    display: string;
  };

/**
 * A connection string that cannot be used; `hint` says what to write instead, `offset`
 * where in the string the trouble is.
 */
export class ConnectionError extends Error {
  constructor(message: string, readonly hint: string, readonly offset = 0) {
    super(message);
  }
}

const HINT = "write postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH";

/**
 * Parses a connection string (already interpolated). A relative SQLite path is taken
 * from `cwd`. `sqlite:///abs/path` and `sqlite://rel/path` are read as SQLAlchemy
 * writes them; `sqlite::memory:` is an in-memory database.
 * @throws ConnectionError for an unknown scheme, a PostgreSQL URL that libpq would not
 *   read or that names what weft's driver cannot honour (pg_uri.ts), or an empty SQLite
 *   path. Its message holds no password.
 */
export function parseConnection(text: string, cwd: string): Connection {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === "sqlite" || scheme === "sqlite3") {
    let path = text.slice(scheme.length + 1);
    if (path.startsWith("//")) path = path.slice(2);
    if (path === "") throw new ConnectionError("the sqlite: connection names no file", HINT);
    if (path.includes("\0")) {
      throw new ConnectionError("the sqlite: file name contains a NUL character", HINT);
    }
    const file = path === ":memory:" ? path : nodePath().resolve(cwd, path);
    return { kind: "sqlite", path: file, display: `sqlite:${path}` };
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    try {
      return { kind: "postgres", settings: parsePgUri(text), display: hidePassword(text) };
    } catch (e) {
      if (!(e instanceof PgUriError)) throw e;
      throw new ConnectionError(e.message, e.hint, e.offset);
    }
  }
  // libpq's other form, `host=H port=P dbname=D user=U`, is not read: say how to write it.
  const keyValue = scheme === undefined && /^\s*[a-z_]+\s*=/.test(text);
  throw new ConnectionError(
    scheme === undefined
      ? "the connection is not a URL (no scheme:)"
      : `unsupported database scheme ${JSON.stringify(scheme + ":")}`,
    keyValue
      ? "weft reads libpq's URI form: write host=H port=P dbname=D user=U password=PW as " +
        "postgresql://U:PW@H:P/D (each part percent-encoded)"
      : HINT,
  );
}

/**
 * The secrets of a database task: its connection string's password once interpolated,
 * a postgres URL built as the run builds it (`interpolateUrl`, tasks/path_field.ts
 * connectionField: each value encoded for its part); a `sqlite:` file has none. A
 * `TaskRunner.secretsIn`, shared by the task registry, which knows it before the
 * database module loads, and that module's runner.
 */
export function databaseTaskSecrets(
  task: unknown,
  interpolate: (text: string) => string,
  _isSecretName?: (name: string) => boolean,
  interpolateUrl: (text: string) => string = interpolate,
): string[] {
  const written = (task as { config: { connection: string } }).config.connection;
  if (/^sqlite3?:/i.test(written)) return [];
  return connectionSecrets(interpolateUrl(written));
}

/**
 * The secret parts of a connection string, to be masked wherever weft prints or
 * stores text: the password as written in the URL and percent-decoded, and a
 * `password=` query value. Works on text that does not parse too (best effort: the
 * part between `user:` and `@`), so even a malformed URL's password is masked.
 * @example connectionSecrets("postgres://app:s%40cret@db/x") // ["s%40cret", "s@cret"]
 */
export function connectionSecrets(text: string): string[] {
  const found = new Set<string>();
  const add = (raw: string) => addWithDecoded(found, raw);
  // libpq's URI has no fragment: a `#` is text, up to the path or query (pg_uri.ts).
  const userinfo = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?]*)@/.exec(text)?.[1];
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    if (colon >= 0) add(userinfo.slice(colon + 1));
  }
  for (const match of text.matchAll(/[?&]password=([^&]*)/gi)) add(match[1]);
  // A password with a raw `/`, `?` or `#` (refused by parsePgUri, naming none of it):
  // the whole stretch that may hold it, should any text ever show it. Not when the URI
  // parses: then the `@` is a parameter's (`?user=me@srv`), and the stretch no secret.
  const misplaced = misplacedPassword(text);
  if (misplaced && !parses(text)) add(text.slice(misplaced.start, misplaced.end));
  return [...found];
}

/** Whether `text` is a postgres URI weft can use. */
function parses(text: string): boolean {
  try {
    parsePgUri(text);
    return true;
  } catch {
    return false;
  }
}

/** `text` percent-decoded, or as it is when it holds a malformed %-sequence. */
export function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // not percent-encoded text: the raw form is what appears
  }
}

/** Adds `raw` (a password from a URL) and its percent-decoding to `found`; "" adds nothing. */
export function addWithDecoded(found: Set<string>, raw: string): void {
  if (raw === "") return;
  found.add(raw);
  found.add(percentDecoded(raw));
}

/**
 * Why a connection string written out in full (no `${...}`) cannot be used, for
 * `weft validate`; undefined when it parses. The message holds no password.
 */
export function connectionTrouble(
  text: string,
): { message: string; hint: string; offset: number } | undefined {
  try {
    parseConnection(text, "/");
    return undefined;
  } catch (e) {
    if (e instanceof ConnectionError) return { message: e.message, hint: e.hint, offset: e.offset };
    throw e;
  }
}
