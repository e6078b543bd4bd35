/**
 * Reading URL text left to right for url.ts's buildUrl, knowing at each point which part
 * of the URL (RFC 3986 §3, as the WHATWG URL Standard's parser reads it) a value placed
 * there lands in, and refusing what a value would do to the URL's structure there: a
 * `.`/`..` or empty path segment, a user name holding `:` in an http(s) URL (url_user.ts).
 * @module
 */
import { quoteCut } from "../model/data_text.ts";
import { ExpressionError } from "./errors.ts";
import { userNameTrouble } from "./url_user.ts";

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
 * For each `from`, whether an `@` follows in the authority, in the literal text from
 * `literals[from]` on (before any `/ \\ ? #`). Worked out once, from the end, since a
 * search from each value on would be quadratic in an authority of many values.
 */
export function userinfoAhead(literals: readonly string[]): boolean[] {
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
export class UrlReader {
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
    // makes one would climb out of its place in the path; an empty one (`/users//x`,
    // a trailing `/users/`) names the collection, or another path where slashes merge.
    if (this.#touched && /^(?:(?:\.|%2e){1,2})?$/i.test(this.#segment)) {
      const what = this.#segment === ""
        ? "an empty path segment"
        : `the path segment "${this.#segment}"`;
      throw new ExpressionError(
        `a substituted value makes ${what}, which would move the URL's path`,
        this.#segmentOffset,
        "a value in a path segment cannot be empty, . or ..",
      );
    }
  }
}
