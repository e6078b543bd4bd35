/**
 * The percent-encoded forms of a secret: how the common URL encoders write it, each
 * derived from the set of characters the encoder leaves alone and how it writes a space,
 * in upper- and lower-case hex. Used by secret_forms.ts secretFragments: a task that
 * puts a token into a URL itself (`encodeURIComponent(t)`, `urllib.parse.quote(t)`)
 * prints it in one of these forms, which weft's own encoding (expr/url.ts) need not match.
 * @module
 */

/** One encoder: the ASCII characters besides letters and digits it leaves alone, and its space. */
interface Encoder {
  keeps: string;
  space: "+" | "%20";
}

/**
 * The encoders' sets, each from its source. Every one encodes any other character as
 * the `%XX` of its UTF-8 bytes (non-ASCII included).
 */
const ENCODERS: readonly Encoder[] = [
  // RFC 3986 §2.3 unreserved: Python's quote(s, safe=""), PHP's rawurlencode, curl's
  // --data-urlencode / curl_easy_escape, Rust's urlencoding, jq's @uri.
  { keeps: "-._~", space: "%20" },
  // ECMAScript encodeURIComponent (ECMA-262 §19.2.6: uriUnreserved = mark + alnum).
  { keeps: "-_.!~*'()", space: "%20" },
  // ECMAScript encodeURI: uriUnreserved, uriReserved and `#`.
  { keeps: "-_.!~*'();/?:@&=+$,#", space: "%20" },
  // Python's urllib.parse.quote(s): its default safe="/" over `_.-~`.
  { keeps: "-_.~/", space: "%20" },
  // Python's quote_plus and urlencode, Go's url.QueryEscape, Ruby's CGI.escape.
  { keeps: "-_.~", space: "+" },
  // WHATWG URL Standard application/x-www-form-urlencoded (URLSearchParams), Java's
  // URLEncoder, Ruby's URI.encode_www_form_component.
  { keeps: "*-._", space: "+" },
  // PHP's urlencode.
  { keeps: "-_.", space: "+" },
  // Go's url.PathEscape (shouldEscape, encodePathSegment): also `$ & + : = @`.
  { keeps: "-_.~$&+:=@", space: "%20" },
];

const UTF8 = new TextEncoder();
const ALNUM = /^[A-Za-z0-9]$/;
const KEPT_BY_ALL = /^[A-Za-z0-9_.-]*$/;

/**
 * `value` as each encoder of {@link ENCODERS} writes it, upper-case hex (as all of them
 * write it) and lower-case hex (as hand-written encoders and some libraries do). Forms
 * equal as text are one form, and `value` itself is none: a value with no character any
 * encoder changes (letters, digits, `-_.`) gives no form at all; one with a few costs
 * as many forms as the encoders write differently (at most 16, usually 2 to 6).
 * @example percentForms("a b/c") // ["a%20b%2Fc", "a%20b%2fc", "a%20b/c", "a+b%2Fc", ...]
 */
export function percentForms(value: string): string[] {
  // Letters, digits and `-_.` every encoder leaves alone: the usual token costs nothing.
  if (KEPT_BY_ALL.test(value)) return [];
  const chars = [...value];
  // Each character's escape worked out once, not once per encoder.
  const escaped = chars.map((ch) =>
    ALNUM.test(ch) ? ch : [...UTF8.encode(ch)].map((byte) => `%${hex2(byte)}`).join("")
  );
  const forms = new Set<string>();
  for (const { keeps, space } of ENCODERS) {
    let out = "";
    chars.forEach((ch, i) => {
      out += ch === " " ? space : keeps.includes(ch) ? ch : escaped[i];
    });
    forms.add(out);
    // Lower-case hex only changes a form whose escapes hold a letter (`%2F`, not `%20`).
    if (/%([A-F].|.[A-F])/.test(out)) {
      forms.add(out.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
    }
  }
  forms.delete(value);
  return [...forms];
}

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
