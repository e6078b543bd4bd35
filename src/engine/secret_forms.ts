/**
 * The forms one secret value is masked in (engine/secrets.ts masks them all): how a
 * value still reads once the shell, a URL, a JSON body or a line-by-line reader has
 * passed it on. Rules taken from GitHub Actions' secret masking: a multi-line secret is
 * masked whole and line by line, and values too short to mask safely are not masked.
 * @module
 */
import { hostSpelling, urlSpellings } from "../expr/url_spellings.ts";
import { base64Forms, echoForms, markupForms, UTF8 } from "./secret_encodings.ts";
import { percentForms } from "./percent_forms.ts";
import { MIN_SECRET_LENGTH } from "../model/secret_name.ts";

export { MIN_SECRET_LENGTH };

/**
 * The strings to mask for one secret value: the value itself; without its surrounding
 * blanks (a value read from a file keeps a trailing blank that `echo $V`, `xargs` or a
 * shell `read` strips); when it spans lines (LF, CRLF or CR), each line and each line
 * without its surrounding blanks (a shell `read` loop strips them), and the value without
 * its line breaks (as a URL parser drops them); each of those as it reads in a URL
 * (expr/url.ts urlSpellings: percent-encoded by weft, or as the URL parser spells it in
 * a path, query or fragment; not its host spelling, {@link hostForms}), single-quoted for a shell (a `'` as `'\''` or
 * `'"'"'`) and backslash-quoted as bash's `printf %q` writes it; and the value
 * JSON-escaped as it travels (also as Go escapes `& < >`, and with upper-case `\u00E4` hex)
 * in a JSON body (plain, ASCII-only `\uXXXX`, and with `\/`, as PHP and some servers
 * escape a slash); and as Python's repr() and ascii() write it inside the quotes (`\'`,
 * `\\`, `\xNN`, `\uNNNN`, `\UNNNNNNNN`), Python's repr() of its UTF-8 bytes (`\xc3\xa4`),
 * and as console.log of Deno and Node does (`\x01`, `\x0B`); with its backslash escapes
 * interpreted as dash's `echo`, `printf %b` and `echo -e` write it, whole and line by line
 * (secret_encodings.ts echoForms); escaped for XML or HTML (secret_encodings.ts markupForms); percent-encoded as
 * the common URL and form encoders write it (percent_forms.ts percentForms); and the value (and without its surrounding blanks) in base64 as
 * GitHub Actions masks it, at each of the three alignments a prefix gives it, only forms
 * of at least 8 characters (secret_encodings.ts base64Forms, MIN_BASE64_LENGTH). Only
 * those of at least {@link MIN_SECRET_LENGTH} characters: a short
 * remainder (`"ab "` trimmed) is never masked, as a short value is not.
 * @example secretFragments("-----BEGIN KEY-----\r\nabcd\n--") // whole value, "-----BEGIN KEY-----", "abcd", …
 */
export function secretFragments(value: string): string[] {
  const fragments = new Set<string>();
  if (value.length < MIN_SECRET_LENGTH) return [];
  fragments.add(value);
  // Put into a JSON body (an http task's `data`, a JSON output), it travels escaped:
  // as JSON.stringify writes it, and with every non-ASCII character as \uXXXX, as
  // ASCII-only encoders (Python's json.dumps) echo it back.
  const json = JSON.stringify(value).slice(1, -1);
  fragments.add(json);
  fragments.add(asciiJson(json));
  fragments.add(
    asciiJson(json).replace(
      /\\u[0-9a-f]{4}/g,
      (escape) => escape.toUpperCase().replace("\\U", "\\u"),
    ),
  );
  fragments.add(json.replaceAll("/", "\\/"));
  // Go's encoding/json (docker inspect, kubectl, terraform) writes & < > and U+2028/9
  // as \u0026 \u003c \u003e \u2028 \u2029.
  fragments.add(goJson(json));
  for (const part of secretParts(value)) {
    fragments.add(part);
    // Put into a URL (an http task's, a notification's), it reads as the URL spells it.
    for (const form of urlSpellings(part, { host: false })) fragments.add(form);
    // Single-quoted for a shell (bash `set -x`, Python's shlex.quote), a `'` reads
    // `'\''` or `'"'"'`: `'admin:it'\''s-S3cret'`.
    if (part.includes("'")) {
      fragments.add(part.replaceAll("'", "'\\''"));
      fragments.add(part.replaceAll("'", `'"'"'`));
    }
    // Quoted by bash's `printf %q`: each of these
    // characters after a backslash, and `~`/`#` only at the start (bash's
    // sh_backslash_quote): `it's-S3cret` reads `it\'s-S3cret`.
    const backslashed = part.replace(/[ !"$&'()*,;<>?[\\\]^`{|}]/g, "\\$&")
      .replace(/^[~#]/, "\\$&");
    fragments.add(backslashed);
    // Printed by a program as a quoted string: Python's repr()/ascii() (a dict or list
    // printed, logging's %r) and JavaScript's console.log of an object.
    if (ESCAPED_IN_REPR.test(part)) {
      for (const form of reprSpellings(part)) fragments.add(form);
    }
    // Printed by a shell that interprets its backslash escapes (dash's `echo`, `printf %b`,
    // `echo -e`): `s3cr\aet` writes a BEL, which weft shows as `\a` — the secret's text.
    // An escaped line break splits it into lines, each masked as a multi-line value's.
    for (const form of echoForms(part)) {
      fragments.add(form).add(form.trim());
      for (const line of form.split(/\r\n|\r|\n/)) fragments.add(line).add(line.trim());
    }
    // In an XML or HTML body (weft's own XML `data`, a SOAP fault echoing it).
    for (const form of markupForms(part)) fragments.add(form);
    // Put into a URL, a form post or a query string by the task itself
    // (encodeURIComponent, urllib.parse.quote, URLSearchParams, Go's QueryEscape…).
    for (const form of percentForms(part)) fragments.add(form);
  }
  // base64, of the value as a whole (a value is encoded whole: a Basic credential, a
  // Kubernetes secret, `| base64`), each form long enough not to turn up by chance.
  for (const part of new Set([value, value.trim()])) {
    if (part.length >= MIN_SECRET_LENGTH) {
      for (const form of base64Forms(part)) fragments.add(form);
    }
  }
  return [...fragments].filter((fragment) => fragment.length >= MIN_SECRET_LENGTH);
}

/**
 * The parts of a secret value masked each on its own: the value, without its surrounding
 * blanks, and when it spans lines (LF, CRLF or CR) the value without its line breaks and
 * each line with and without its blanks; only those of at least {@link MIN_SECRET_LENGTH}.
 */
function secretParts(value: string): string[] {
  const parts = [value, value.trim()];
  if (/[\r\n]/.test(value)) {
    parts.push(value.replace(/[\t\r\n]/g, ""));
    for (const line of value.split(/\r\n|\r|\n/)) parts.push(line, line.trim());
  }
  return [...new Set(parts)].filter((part) => part.length >= MIN_SECRET_LENGTH);
}

/**
 * The host spellings of a secret value's parts (expr/url_spellings.ts hostSpelling:
 * `Production` → `production`, `2130706433` → `127.0.0.1`), each with the part it spells.
 * Unlike {@link secretFragments} these are ordinary words and addresses as often as not,
 * so engine/secrets.ts masks one only once a URL showed the part in its host.
 * @example hostForms("Hunter2Secret") // [{ part: "Hunter2Secret", form: "hunter2secret" }]
 */
export function hostForms(value: string): { part: string; form: string }[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const found: { part: string; form: string }[] = [];
  for (const part of secretParts(value)) {
    const form = hostSpelling(part);
    if (form !== undefined && form.length >= MIN_SECRET_LENGTH) found.push({ part, form });
  }
  return found;
}

/** JSON string text with `&`, `<`, `>`, U+2028 and U+2029 escaped as Go's encoding/json does. */
function goJson(json: string): string {
  return json.replace(
    /[&<>\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** JSON string text with every non-ASCII UTF-16 unit written as a lowercase `\uXXXX` escape. */
function asciiJson(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Characters some repr spelling writes otherwise: backslash, quotes, controls, and
 * anything not ASCII. A value without any reads the same in every one of them, so the
 * usual secret costs nothing more to mask.
 */
// deno-lint-ignore no-control-regex
const ESCAPED_IN_REPR = /[\\'\x00-\x1f\x7f-\uffff]/;

/** Python's str.isprintable() false beyond ASCII: Unicode categories C* and Z* (not space). */
const PY_UNPRINTABLE = /[\p{C}\p{Z}]/u;

/**
 * The text inside the quotes of a string as printed by: Python's repr() (CPython
 * unicode_repr: `\\`, `\t \n \r`, other controls `\xNN`, unprintable characters
 * `\xNN`/`\uNNNN`/`\UNNNNNNNN`, lowercase hex; `'` escaped as `\'` only when the text
 * also holds `"`, else the quotes are `"` and it stays) and ascii() (every non-ASCII
 * character escaped so), and of a non-ASCII value's UTF-8 bytes (`t.encode()`: each byte
 * beyond ASCII `\xNN`); Deno's console.log (`\b \t \n \v \f \r`, `\xNN` lowercase for
 * U+0000-U+001F and U+007F-U+009F) and Node's util.inspect (the same but `\x0B` and
 * uppercase hex).
 * @example reprSpellings("it's \"x\"\x01") // includes `it\'s "x"\x01`
 */
export function reprSpellings(value: string): string[] {
  const forms = new Set<string>();
  for (const asciiOnly of [false, true]) {
    const body = pyRepr(value, asciiOnly);
    forms.add(body);
    forms.add(body.replaceAll("'", "\\'"));
  }
  // Python's repr() of its UTF-8 bytes (`t.encode()` printed): `b'p\xc3\xa4ss'`.
  if (/[\u0080-\uffff]/.test(value)) {
    const body = pyBytesRepr(value);
    forms.add(body);
    forms.add(body.replaceAll("'", "\\'"));
  }
  forms.add(jsInspect(value, false));
  forms.add(jsInspect(value, true));
  return [...forms];
}

const PY_NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\" };

function pyRepr(value: string, asciiOnly: boolean): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (PY_NAMED[ch] !== undefined) out += PY_NAMED[ch];
    else if (code < 0x20 || code === 0x7f) out += hexEscape(code, false);
    else if (code >= 0x80 && (asciiOnly || PY_UNPRINTABLE.test(ch))) out += hexEscape(code, false);
    else out += ch;
  }
  return out;
}

/**
 * The text inside the quotes of Python's repr() of `value`'s UTF-8 bytes (CPython
 * bytes_repr): `\\`, `\t \n \r`, printable ASCII as it is, every other byte `\xNN`
 * lowercase; `'` left as it is (the caller adds the `\'` spelling).
 */
function pyBytesRepr(value: string): string {
  let out = "";
  for (const byte of UTF8.encode(value)) {
    const ch = String.fromCharCode(byte);
    if (PY_NAMED[ch] !== undefined) out += PY_NAMED[ch];
    else if (byte < 0x20 || byte >= 0x7f) out += hexEscape(byte, false);
    else out += ch;
  }
  return out;
}

const JS_NAMED: Record<string, string> = {
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
  "\\": "\\\\",
};

function jsInspect(value: string, node: boolean): string {
  // deno-lint-ignore no-control-regex
  return value.replace(/[\\\x00-\x1f\x7f-\x9f]/g, (ch) => {
    if (JS_NAMED[ch] !== undefined) return JS_NAMED[ch];
    if (ch === "\v" && !node) return "\\v";
    return hexEscape(ch.charCodeAt(0), node);
  });
}

/** `\xNN` below U+0100, `\uNNNN` below U+10000, else `\UNNNNNNNN` (Python's escapes). */
function hexEscape(code: number, upper: boolean): string {
  const hex = code.toString(16);
  const text = code < 0x100
    ? `\\x${hex.padStart(2, "0")}`
    : code < 0x10000
    ? `\\u${hex.padStart(4, "0")}`
    : `\\U${hex.padStart(8, "0")}`;
  return upper ? text.slice(0, 2) + text.slice(2).toUpperCase() : text;
}
