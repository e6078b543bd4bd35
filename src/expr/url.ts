/**
 * Building a URL from a template: each `${...}` value is encoded for the part of the URL
 * it lands in, as shell.ts quotes values for their shell context, so a value is data and
 * never URL syntax. The part is worked out by reading the URL left to right — literal
 * text, then each value — with the component rules of RFC 3986 §3 and the WHATWG URL
 * Standard's parser (which also reads `\` as `/` in http(s) URLs):
 *
 * | part (where the `${` stands)                   | the value                                |
 * |-----------------------------------------------|------------------------------------------|
 * | the very start of the URL (the base)          | inserted as written: it sets the scheme, host and maybe a path |
 * | the rest of the scheme                        | letters, digits, `+ - .` only, else refused |
 * | user info (an `@` follows in the authority)   | percent-encoded; the user name (before the first `:`) may not come out holding a `:` |
 * | host                                          | letters, digits, `- . _ ~`, non-ASCII letters; inside `[...]` hex digits, `:` and `.`; else refused |
 * | port                                          | digits only, else refused                |
 * | path                                          | percent-encoded, `/` included, so it stays one segment; a segment that would read `.` or `..` or be empty is refused |
 * | query, fragment                               | percent-encoded (`& = + # ?` included)   |
 *
 * "Percent-encoded" keeps only RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`);
 * every other byte of the UTF-8 text becomes `%XX`. A value wrapped in `raw(...)` is
 * inserted as written wherever it stands, and the text it adds counts as URL syntax
 * for what follows (for values that are already encoded, or that are meant to add a
 * path or a query).
 *
 * The user name of the user info, once percent-decoded, may not hold a `:` (a value's
 * `:` lands there as `%3A`, and so may a literal or raw `%3A`): HTTP sends it as Basic
 * auth, `base64(user:password)`, and the server reads the user-id up to the first `:`
 * (RFC 7617 §2), so `admin:guess` would arrive as user `admin` with a password that
 * starts `guess:`. Such an http(s) URL is refused (url_user.ts), wherever weft
 * builds it (http tasks, notification URLs) and when `weft validate` reads its literal
 * text; other schemes (a postgres:// connection) keep it, percent-encoded.
 * @module
 */
import { quoteCut } from "../model/data_text.ts";
import { ExpressionError } from "./errors.ts";
import { type UrlPart, UrlReader, userinfoAhead } from "./url_reader.ts";

/** One substituted value. `offset` locates its `${` in the template, for errors. */
export interface UrlValue {
  text: string;
  /** Written as `raw(...)`: inserted without encoding. */
  raw: boolean;
  offset: number;
}

/**
 * The URL text: `literals[k]` is the text before value k (the last one the text after
 * all values), each value encoded for its part (table above). Throws ExpressionError,
 * at the value's offset, for a value that would change the URL's structure where it
 * cannot be encoded (host, port, scheme, a `.`/`..` or empty path segment).
 */
export function buildUrl(literals: readonly string[], values: readonly UrlValue[]): string {
  const reader = new UrlReader();
  let follows: boolean[] | undefined;
  let url = "";
  const add = (text: string) => {
    reader.feed(text);
    url += text;
  };
  add(literals[0]);
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    const part = reader.partHere(() => (follows ??= userinfoAhead(literals))[k + 1]);
    if (value.raw || part === "base") add(value.text);
    else {
      const text = placeValue(part, value);
      reader.feedValue(text, part, value.offset);
      url += text;
    }
    add(literals[k + 1]);
  }
  reader.end();
  return url;
}

/** Unreserved characters (RFC 3986 §2.3); everything else is percent-encoded. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const UTF8 = new TextEncoder();

/** Percent-encodes every byte of `text` but the unreserved characters. */
export function percentEncode(text: string): string {
  let out = "";
  for (const ch of text) {
    if (UNRESERVED.test(ch)) out += ch;
    else {for (const byte of UTF8.encode(ch)) {
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }}
  }
  return out;
}

const HOST = /^[\p{L}\p{N}\-._~]*$/u;
const IPV6 = /^[0-9A-Fa-f:.]*$/;
const PORT = /^[0-9]*$/;
const SCHEME = /^[A-Za-z0-9+.\-]*$/;

function placeValue(part: UrlPart, value: UrlValue): string {
  const check = (pattern: RegExp, what: string, allowed: string) => {
    if (pattern.test(value.text)) return value.text;
    throw new ExpressionError(
      // Masked before it is cut (model/data_text.ts): a secret's start is not the secret.
      `value ${quoteCut(value.text, 60, { json: true })} cannot be used as ${what} of the URL`,
      value.offset,
      `${allowed}; if the value is meant to be URL text, write raw(...) around it`,
    );
  };
  switch (part) {
    case "scheme":
      return check(SCHEME, "part of the scheme", "a scheme holds letters, digits, + - . only");
    case "host":
      return check(HOST, "the host", "a host name holds letters, digits, - . _ ~ only");
    case "ipv6":
      return check(IPV6, "an IPv6 address", "an IPv6 address holds hex digits, : and . only");
    case "port":
      return check(PORT, "the port", "a port is digits only");
    default:
      return percentEncode(value.text);
  }
}
