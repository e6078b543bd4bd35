/**
 * One HTTP request header weft sends, checked before any byte goes out: the same rule
 * for an http task's `headers` (tasks/http_request.ts) and a webhook notification's
 * (notify/channels.ts), and the rule `weft validate` applies to literal text
 * (parse/http_checks.ts). Leading and trailing blanks and line breaks are trimmed, as the
 * Fetch Standard normalizes header values (a token read from a file keeps no final
 * newline). What is left must be an RFC 9110 §5.5 field-value — visible ASCII, obs-text
 * (U+00A0–U+00FF), space and tab: a CR, LF or NUL could end the header and start another,
 * and any other control character, DEL or a character above U+00FF is refused by fetch
 * with a message naming no header. The C1 controls (U+0080–U+009F) fetch would send as
 * bytes are refused too, as DEL is: NEL (U+0085) is a line break to many readers, and weft
 * itself treats them as controls wherever it prints. A `${...}` value may moreover not add
 * a list member or a parameter to the header ({@link headerValuePlace}).
 * A name must be an RFC 9110 §5.6.2 token. `Host` and `Content-Length` are set by
 * fetch itself, which drops them silently when given, so they are refused.
 * @module
 */
import { addWithDecoded, percentDecoded } from "./connection.ts";
import { quoteCut, quoteData } from "./data_text.ts";

/**
 * Header names whose values are credentials (notify/channels.ts masks them too): any name
 * containing one of the words below, and `auth` or `session` as a whole part of the
 * name (`X-Auth`, `X-Session-Id`, not `X-Author`).
 */
export const CREDENTIAL =
  /authorization|token|key|secret|cookie|password|passwd|credential|signature|(?:^|[-_.])(?:auth|session)(?:$|[-_.])/i;

/** A header name: an RFC 9110 §5.6.2 token, as fetch's Headers requires. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A character that may not be inside a header value (after trimming its ends). */
export const BAD_VALUE_CHAR = /[^\t\x20-\x7e\xa0-\xff]/;

/** Header names fetch sets itself and drops when given (lower case). */
const SET_BY_FETCH = new Set(["host", "content-length"]);

/** Why a header named `name` cannot be sent (`Host` in any case too), or undefined. */
export function headerNameTrouble(name: string): string | undefined {
  if (!HEADER_NAME.test(name)) {
    return "not a valid header name (letters, digits and !#$%&'*+-.^_`|~, " +
      "without spaces or ':')";
  }
  const lower = name.toLowerCase();
  if (SET_BY_FETCH.has(lower)) {
    return lower === "host"
      ? "cannot be set: fetch sends the URL's host (put the host in the URL)"
      : "cannot be set: fetch sends the body's length";
  }
  return undefined;
}

/**
 * What is wrong with the character at `value[at]` (one BAD_VALUE_CHAR found), in words.
 */
export function badValueCharText(char: string): string {
  if (char === "\r" || char === "\n") {
    return "a line break (CR or LF), which could start another header";
  }
  if (char === "\0") return "a NUL character, which could start another header";
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code === 0x7f || code < 0x20 || (code >= 0x80 && code <= 0x9f)
    ? `a control character (${hex})`
    : `the character ${hex}, which is not Latin-1 (percent-encode it, or use an ASCII form)`;
}

/**
 * Where `value` starts and ends once its blanks (space, tab, CR, LF: the Fetch Standard's
 * normalization) are trimmed, the leading ones only when `atStart` (`value` begins the
 * header value): `[from, to)`. Loops, not `/[\t\n\r ]+$/`: that regular expression
 * retries at every blank of a long run, time growing with the square of its length.
 */
export function trimmedBounds(value: string, atStart: boolean): [number, number] {
  const blank = (i: number) => " \t\n\r".includes(value[i]);
  let from = 0;
  if (atStart) { while (from < value.length && blank(from)) from++; }
  let to = value.length;
  while (to > from && blank(to - 1)) to--;
  return [from, to];
}

/**
 * Why a value placed into a `Cookie` header (after its start) cannot stay inside one
 * cookie's value, or undefined: RFC 6265 §4.1.1 allows only cookie-octets there — visible
 * ASCII but `"`, `,`, `;` and `\` — so a `;` (or `,`, which some servers split on) would
 * start another cookie (`session=${params.s}` with `s=x; role=admin`). The value itself
 * is not quoted: a Cookie header is a credential.
 */
export function cookieValueTrouble(value: string): string | undefined {
  const bad = /[^\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]/.exec(value);
  if (!bad) return undefined;
  return `${heldText(bad)}, which a cookie's value cannot hold ` +
    "(RFC 6265: it could start another cookie)";
}

/**
 * Why a value placed into any other header cannot stay one element of it, or undefined:
 * a `,` separates the members of a list (`X-Forwarded-For`, `Forwarded`, `Cache-Control`,
 * `Accept`) and a `;` the parameters of a value (`Content-Type: text/plain; charset=…`),
 * RFC 9110 §5.6.1 and §5.6.6 — so `X-Forwarded-For: ${params.ip}` with
 * `1.2.3.4, 127.0.0.1` would send a second, spoofed hop. Token characters
 * (`Authorization: Bearer ${...}`), spaces, `=`, `/`, `:` stay as written.
 */
export function listValueTrouble(value: string): string | undefined {
  const bad = /[,;]/.exec(value);
  if (!bad) return undefined;
  return `${heldText(bad)}, which would add a list member or a parameter to the header ` +
    "(RFC 9110 §5.6)";
}

/** `a value holds X (at character N)`, for the character `bad` found. */
function heldText(bad: RegExpExecArray): string {
  const c = bad[0];
  const what = c === " "
    ? "a space"
    : /[\x21-\x7e]/.test(c)
    ? JSON.stringify(c)
    : `the character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  return `a value holds ${what} (at character ${bad.index + 1})`;
}

/**
 * How each `${...}` value of header `name`, written `written`, is placed (for
 * expr/template.ts renderPlaced: the value's text, the offset of its `${`, whether written
 * `raw(...)`): a value must stay one element of the header, or the task (or channel)
 * fails with an Error naming the header, the value not shown (it may be a credential).
 * In a `Cookie` header a value after the header's start stays inside one cookie's value
 * ({@link cookieValueTrouble}) and one starting it (`${env.COOKIES}`) is the cookies as
 * written; in any other header no value may hold `,` or `;` ({@link listValueTrouble}),
 * wherever it stands. `raw(...)` inserts a value as written (several members on purpose).
 */
export function headerValuePlace(
  name: string,
  written: string,
): (text: string, offset: number, raw: boolean) => string {
  const cookie = name.toLowerCase() === "cookie";
  const start = written.length - written.trimStart().length;
  return (text, offset, raw) => {
    if (raw || (cookie && offset === start)) return text;
    const trouble = cookie ? cookieValueTrouble(text) : listValueTrouble(text);
    if (!trouble) return text;
    throw new Error(
      `header ${quoteData(JSON.stringify(name))}: ${trouble}; refused (a value fills one ` +
        (cookie
          ? "cookie's value: percent-encode it, or write raw(...) around a value that is cookies on purpose)"
          : "element of the header: percent-encode it, or write raw(...) around a value that is " +
            "several members or parameters on purpose)"),
    );
  };
}

/**
 * Sets header `name` to `raw` (trimmed) on `headers` and returns the value set. Throws
 * Error naming the header, the name quoted as data, for a name that is not a token or is
 * `Host`/`Content-Length`, and for a value holding a character fetch refuses (the value
 * is quoted escaped unless the header carries a credential).
 */
export function setCheckedHeader(headers: Headers, name: string, raw: string): string {
  const quotedName = quoteData(JSON.stringify(name));
  const nameTrouble = headerNameTrouble(name);
  if (nameTrouble) throw new Error(`header ${quotedName}: ${nameTrouble}; refused`);
  const [from, to] = trimmedBounds(raw, true);
  const value = raw.slice(from, to);
  const bad = BAD_VALUE_CHAR.exec(value);
  if (bad) {
    // A credential's value is not repeated, even masked-by-name: it may not be a secret.
    const shown = CREDENTIAL.test(name) ? "" : ` ${quoteCut(value, 60, { json: true })}`;
    throw new Error(
      `header ${quotedName}: its value${shown} contains ${badValueCharText(bad[0])}; refused`,
    );
  }
  try {
    headers.set(name, value);
    return value;
  } catch (e) {
    throw new Error(`header ${quotedName}: ${quoteData((e as Error).message)}`);
  }
}

/**
 * The secret parts of a credential header's value (`name` matching {@link CREDENTIAL}),
 * to be masked: the whole value trimmed and, for `<scheme> <credentials>` (`Bearer X`,
 * `Basic X`, `Token X`, RFC 9110 §11.4), the credentials X — and for `Basic`, the
 * decoded `user:password` and the password (RFC 7617). Empty for other headers.
 */
export function credentialSecrets(name: string, raw: string): string[] {
  if (!CREDENTIAL.test(name)) return [];
  const value = raw.trim();
  const found = new Set<string>();
  // A scheme word alone (`Bearer ${env.UNSET}`) is no secret: masking it would hide the
  // word wherever it is printed.
  if (value !== "" && !/^(bearer|basic|token|digest)$/i.test(value)) found.add(value);
  const match = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]+(\S.*)$/s.exec(value);
  if (match) {
    const credentials = match[2].trim();
    found.add(credentials);
    if (match[1].toLowerCase() === "basic") {
      for (const part of basicParts(credentials)) found.add(part);
    }
  }
  return [...found];
}

/**
 * base64 of `user:password` in UTF-8: Basic auth's credentials (RFC 7617 §2), as
 * tasks/http_request.ts and fetch (for a URL's user info) send them.
 */
export function basicCredentials(user: string, password: string): string {
  return base64Of(new TextEncoder().encode(`${user}:${password}`));
}

/** Standard base64 (RFC 4648 §4) of `bytes`, padded. */
export function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The secrets of a URL: the password of its user info (`http://user:PASSWORD@host/…`),
 * which weft sends as Basic auth (an http task, tasks/http_request.ts; a notification,
 * through fetch) — as the URL text holds it and as the URL parser serializes it, each
 * percent-decoded too, and the forms of the Basic credential it becomes
 * ({@link credentialSecrets}) — and the value of each query parameter named like a
 * credential, by the rule of credential headers ({@link CREDENTIAL}: `api_key`,
 * `access_token` (RFC 6750 §2.3), `token`, `key`, `sig`nature, ...), as written, as the
 * URL parser serializes it and decoded (`+` as a space too, as servers read a query).
 * Empty for a URL with neither; best effort for text that does not parse (the part
 * between the first `:` and the last `@` of the authority, the `name=value` pairs after
 * the first `?`).
 */
export function urlCredentialSecrets(url: string): string[] {
  const found = new Set<string>();
  const add = (text: string) => addWithDecoded(found, text);
  const addValue = (value: string) => {
    add(value);
    if (value.includes("+")) add(value.replaceAll("+", " "));
  };
  for (const [from, to] of urlSecretSpans(url)) addValue(url.slice(from, to));
  try {
    const parsed = new URL(url);
    // As the parser serializes it (a space as %20, ...): the form fetch sends.
    const search = parsed.search;
    for (const [from, to] of querySecretSpans(search, 1)) addValue(search.slice(from, to));
    if (parsed.password !== "") {
      add(parsed.password);
      const basic = basicCredentials(
        percentDecoded(parsed.username),
        percentDecoded(parsed.password),
      );
      for (const form of credentialSecrets("authorization", `Basic ${basic}`)) found.add(form);
    }
  } catch {
    // Not a URL: the text's own secret parts only.
  }
  return [...found];
}

/**
 * `url` as written with its secret parts ({@link urlCredentialSecrets}: the user info's
 * password, credential-named query values) replaced by `***`, and with `path: true` (a
 * webhook URL, whose path holds the token) its path, query and fragment as `/***` — for
 * a message quoting a URL that is refused before any secret of it is known
 * (parse/http_checks.ts). Text without `scheme://` is all `***` with `path: true`.
 */
export function urlMasked(url: string, options: { path?: boolean } = {}): string {
  let shown = url;
  for (const [from, to] of urlSecretSpans(url).sort((a, b) => b[0] - a[0])) {
    if (to > from) shown = `${shown.slice(0, from)}***${shown.slice(to)}`;
  }
  if (!options.path) return shown;
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\\]*/.exec(shown)?.[0];
  if (authority === undefined) return "***";
  return authority.length < shown.length ? `${authority}/***` : shown;
}

/**
 * Where the secret parts of URL text are, as [from, to) offsets: the user info's
 * password — between the first `:` and the last `@` of the authority, which ends at the
 * first `/ ? #` (or `\` in http URLs), as the WHATWG URL parser reads it — and the value
 * of each query parameter named like a credential ({@link CREDENTIAL}).
 */
function urlSecretSpans(url: string): [number, number][] {
  const spans: [number, number][] = [];
  const userinfo = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#\\]*)@/.exec(url);
  const colon = userinfo ? userinfo[2].indexOf(":") : -1;
  if (userinfo && colon >= 0) {
    spans.push([userinfo[1].length + colon + 1, userinfo[1].length + userinfo[2].length]);
  }
  const question = url.search(/[?#]/);
  if (question >= 0 && url[question] === "?") {
    const hash = url.indexOf("#", question);
    const query = url.slice(0, hash < 0 ? url.length : hash);
    spans.push(...querySecretSpans(query, question + 1));
  }
  return spans;
}

/** The spans of the credential-named parameters' values in `text`'s query from `start`. */
function querySecretSpans(text: string, start: number): [number, number][] {
  const spans: [number, number][] = [];
  let at = start;
  for (const pair of text.slice(start).split("&")) {
    const equals = pair.indexOf("=");
    if (
      equals >= 0 && CREDENTIAL.test(percentDecoded(pair.slice(0, equals).replaceAll("+", " ")))
    ) {
      spans.push([at + equals + 1, at + pair.length]);
    }
    at += pair.length + 1;
  }
  return spans;
}

/** `user:password` and the password of a Basic credential (base64 of UTF-8), if it decodes. */
function basicParts(encoded: string): string[] {
  try {
    const binary = atob(encoded);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    );
    const colon = text.indexOf(":");
    if (colon < 0) return [];
    const password = text.slice(colon + 1);
    return password === "" ? [] : [text, password];
  } catch {
    return []; // not base64 of UTF-8: the credentials are masked as written
  }
}
