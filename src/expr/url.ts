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
 * | path                                          | percent-encoded, `/` included, so it stays one segment; a segment that would read `.` or `..` is refused |
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
 * starts `guess:`. Such an http(s) URL is refused ({@link userNameTrouble}), wherever weft
 * builds it (http tasks, notification URLs) and when `weft validate` reads its literal
 * text; other schemes (a postgres:// connection) keep it, percent-encoded.
 * @module
 */
import { type CutForm, cutText, quoteCut } from "../model/data_text.ts";
import { ExpressionError } from "./errors.ts";

/** One substituted value. `offset` locates its `${` in the template, for errors. */
export interface UrlValue {
  text: string;
  /** Written as `raw(...)`: inserted without encoding. */
  raw: boolean;
  offset: number;
}

/** The part of a URL a substitution lands in. */
export type UrlPart =
  | "base"
  | "scheme"
  | "userinfo"
  | "host"
  | "ipv6"
  | "port"
  | "path"
  | "query"
  | "fragment";

type State = "scheme" | "slashes" | "authority" | "path" | "query" | "fragment";

/**
 * The URL text: `literals[k]` is the text before value k (the last one the text after
 * all values), each value encoded for its part (table above). Throws ExpressionError,
 * at the value's offset, for a value that would change the URL's structure where it
 * cannot be encoded (host, port, scheme, a `.`/`..` path segment).
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

/**
 * Why a URL's user name (`userName`, as written in the URL: percent-encoded) cannot be
 * sent, or undefined: decoded, it holds a `:`, which a Basic auth user-id cannot (RFC
 * 7617 §2; see the module text). Only `%3A` decodes to `:` (a bare `:` ends the name).
 * `cut` quotes the name's first 60 characters: the run marks it (model/data_text.ts
 * quoteCut, masked before the cut); `weft validate` quotes what the file says as it is.
 */
export function userNameTrouble(
  userName: string,
  cut: (text: string, max: number, form: CutForm) => string = cutText,
): { message: string; hint: string } | undefined {
  if (!/%3a/i.test(userName)) return undefined;
  let decoded = userName;
  try {
    decoded = decodeURIComponent(userName);
  } catch {
    // A malformed %-sequence elsewhere in the name: show it as written.
  }
  return {
    message: `the URL's user name ${
      cut(decoded, 60, { json: true })
    } contains ':', which a Basic auth user name cannot hold`,
    hint: "RFC 7617: the user-id ends at the first ':', so the server would read a shorter " +
      "user name; use the name the server expects",
  };
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

/**
 * For each `from`, whether an `@` follows in the authority, in the literal text from
 * `literals[from]` on (before any `/ \\ ? #`). Worked out once, from the end, since a
 * search from each value on would be quadratic in an authority of many values.
 */
function userinfoAhead(literals: readonly string[]): boolean[] {
  const ahead: boolean[] = new Array(literals.length + 1).fill(false);
  for (let k = literals.length - 1; k >= 0; k--) {
    ahead[k] = ahead[k + 1];
    for (const ch of literals[k]) {
      if (ch === "@" || ch === "/" || ch === "\\" || ch === "?" || ch === "#") {
        ahead[k] = ch === "@";
        break;
      }
    }
  }
  return ahead;
}

/** Reads URL text left to right, knowing at each point which part comes next. */
class UrlReader {
  #state: State = "scheme";
  #scheme = "";
  #slashes = 0;
  /**
   * Of the authority after its last `@` (host and port), what `partHere` asks, kept as
   * it grows (searching the text at each value would be quadratic in a long authority):
   * an `[` is open (no `]` after the last one) and a `:` follows the last `]`.
   */
  #hostPort = { open: false, colon: false };
  #sawAt = false;
  /**
   * The user name as it stands in the URL (before the authority's first `:` and its
   * `@`), checked when the `@` comes.
   */
  #user = "";
  /** A `:` ended the user name: a password follows. */
  #userEnded = false;
  /** Offset of the first value in the user name that holds `%3A`, for the error. */
  #userColonAt = -1;
  #segment = "";
  /** The current path segment holds an encoded value. */
  #touched = false;
  #segmentOffset = 0;

  /** The part a value placed here lands in; `userinfo()` looks ahead for an `@`. */
  partHere(userinfo: () => boolean): UrlPart {
    switch (this.#state) {
      case "scheme":
        return this.#scheme === "" ? "base" : "scheme";
      case "slashes":
      case "authority": {
        if (!this.#sawAt && userinfo()) return "userinfo";
        if (this.#hostPort.open) return "ipv6";
        return this.#hostPort.colon ? "port" : "host";
      }
      default:
        return this.#state;
    }
  }

  /** Literal (or raw) text: every character may be syntax. */
  feed(text: string): void {
    for (const ch of text) this.#step(ch);
  }

  /** An encoded or checked value: it adds no syntax, it only extends its part. */
  feedValue(text: string, part: UrlPart, offset: number): void {
    if (this.#state === "slashes") this.#state = "authority";
    if (part === "path") {
      if (!this.#touched) this.#segmentOffset = offset;
      this.#segment += text;
      this.#touched = true;
    } else if (part === "userinfo") {
      if (this.#userEnded) return;
      this.#user += text;
      if (this.#userColonAt < 0 && /%3a/i.test(text)) this.#userColonAt = offset;
    } else if (this.#state === "authority") {
      for (const ch of text) this.#addHostPort(ch);
    }
  }

  /** The end of the URL: the last path segment is checked. */
  end(): void {
    if (this.#state === "path") this.#endSegment();
  }

  #step(ch: string): void {
    switch (this.#state) {
      case "scheme":
        if (ch === ":") this.#state = "slashes";
        else if (ch === "/" || ch === "?" || ch === "#") this.#enter(ch);
        else this.#scheme += ch;
        return;
      case "slashes":
        if ((ch === "/" || ch === "\\") && ++this.#slashes <= 2) {
          if (this.#slashes === 2) this.#state = "authority";
          return;
        }
        this.#state = "authority";
        return this.#step(ch);
      case "authority":
        if (ch === "/" || ch === "\\" || ch === "?" || ch === "#") this.#enter(ch);
        else if (ch === "@") {
          if (!this.#sawAt) this.#checkUser();
          this.#sawAt = true;
          this.#hostPort = { open: false, colon: false };
        } else {
          if (ch === ":") this.#userEnded = true;
          else if (!this.#sawAt && !this.#userEnded) this.#user += ch;
          this.#addHostPort(ch);
        }
        return;
      case "path":
        if (ch === "/" || ch === "\\" || ch === "?" || ch === "#") {
          this.#endSegment();
          this.#enter(ch);
        } else this.#segment += ch;
        return;
      case "query":
        if (ch === "#") this.#state = "fragment";
        return;
      case "fragment":
        return;
    }
  }

  /**
   * At the authority's `@`: the user name it ends may not decode to hold a `:`, in a URL
   * sent over HTTP (Basic auth). A database URL's user name is decoded on its own by
   * the driver (postgres://), where a `:` in it is a name like any other.
   */
  #checkUser(): void {
    if (!/^https?$/i.test(this.#scheme)) return;
    const trouble = userNameTrouble(this.#user, quoteCut);
    if (trouble) {
      throw new ExpressionError(trouble.message, Math.max(this.#userColonAt, 0), trouble.hint);
    }
  }

  #addHostPort(ch: string): void {
    if (ch === "[") this.#hostPort.open = true;
    else if (ch === "]") this.#hostPort = { open: false, colon: false };
    else if (ch === ":") this.#hostPort.colon = true;
  }

  #enter(ch: string): void {
    this.#state = ch === "?" ? "query" : ch === "#" ? "fragment" : "path";
    this.#segment = "";
    this.#touched = false;
  }

  #endSegment(): void {
    // The URL parser drops `.` and `..` segments (also written %2e), so a value that
    // makes one would climb out of its place in the path.
    if (this.#touched && /^(?:\.|%2e){1,2}$/i.test(this.#segment)) {
      throw new ExpressionError(
        `a substituted value makes the path segment "${this.#segment}", which would move the URL's path`,
        this.#segmentOffset,
        "a value in a path segment cannot be . or ..",
      );
    }
  }
}
