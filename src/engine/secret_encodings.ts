/**
 * The encoded forms of a secret that a task (or a server answering weft) writes without
 * weft's help: escaped for XML/HTML, with its backslash escapes interpreted by a shell's
 * `echo` or `printf %b`, and base64 — the last as GitHub
 * Actions' runner masks it (actions/runner ValueEncoders: `Base64StringEscape`,
 * `…Shift1`, `…Shift2`, their URL-safe forms, and ADR 0297, which trims what a
 * following byte can change). Used by secret_forms.ts secretFragments.
 * @module
 */
import { base64Of } from "../model/http_header.ts";

/**
 * A base64 form shorter than this, in characters, is never masked: it encodes fewer than
 * 6 bytes of the secret, and 4 base64 digits (3 bytes) turn up by chance in any long
 * base64 text (a hash, a key, an image) — one in 64⁴ positions — where 8 do one in
 * 64⁸ (2.8·10¹⁴). A secret's base64 forms are all at least this long from 8 bytes on
 * (6 aligned bytes at each shift); a shorter secret keeps only its whole encoding.
 */
export const MIN_BASE64_LENGTH = 8;

/**
 * Line lengths a base64 encoder wraps at: GNU `base64` and MIME (76), `openssl base64`
 * and PEM (64).
 */
const WRAP_WIDTHS = [76, 64];

/**
 * The longest whole encoding whose wrapped lines are masked one by one (6 KiB of value):
 * a key or certificate. Beyond it, a value's lines would make thousands of strings to
 * search every line of output for.
 */
const MAX_WRAPPED = 8192;

/** UTF-8 bytes of a text; also secret_forms.ts's. */
export const UTF8 = new TextEncoder();
/** A text of UTF-8 bytes (each decode() call on its own: it keeps no state between them). */
const FROM_UTF8 = new TextDecoder();

/**
 * The base64 forms of `value` (its UTF-8 bytes), each at least {@link MIN_BASE64_LENGTH}
 * characters, in the standard and the URL-safe (`-_`) alphabet:
 * - the whole value encoded, with and without its `=` padding (`printf %s "$T" | base64`),
 *   and, up to {@link MAX_WRAPPED} characters, that text wrapped at 76 or 64 characters a
 *   line, each line on its own;
 * - what encodes the value's bytes alone wherever it starts in the encoded text: the
 *   encoder takes bytes three at a time, so a prefix (`admin:` in `base64(admin:PASSWORD)`,
 *   an HTTP Basic credential) puts the value at one of three alignments. For each, the
 *   value without its first 0, 1 or 2 bytes, cut to whole groups of 3 bytes: those digits
 *   depend on the value's bytes alone, whatever comes before it or after it (a newline
 *   `echo` adds). Masked, they leave at most the digits that mix the value with its
 *   neighbours (a few bits of its first and last 2 bytes), as GitHub's runner does.
 * @example base64Forms("Sup3rS3cretTokenValue") // includes "U3VwM3JTM2NyZXRUb2tlblZhbHVl"
 */
export function base64Forms(value: string): string[] {
  const bytes = UTF8.encode(value);
  const forms = new Set<string>();
  const whole = base64Of(bytes);
  forms.add(whole);
  forms.add(whole.replace(/=+$/, ""));
  for (let shift = 0; shift <= 2; shift++) {
    const rest = bytes.length - shift;
    const aligned = rest - (rest % 3);
    if (aligned > 0) forms.add(base64Of(bytes.subarray(shift, shift + aligned)));
  }
  const found: string[] = [];
  for (const form of forms) {
    if (form.length < MIN_BASE64_LENGTH) continue;
    found.push(form);
    if (/[+/]/.test(form)) found.push(form.replaceAll("+", "-").replaceAll("/", "_"));
  }
  // Wrapped (standard alphabet only: nothing wraps base64url), every line, the last too.
  const lines = new Set<string>();
  for (const width of WRAP_WIDTHS) {
    if (whole.length <= width || whole.length > MAX_WRAPPED) continue;
    for (let at = 0; at < whole.length; at += width) {
      const line = whole.slice(at, at + width);
      lines.add(line).add(line.replace(/=+$/, ""));
    }
  }
  for (const line of lines) if (line.length >= MIN_BASE64_LENGTH) found.push(line);
  return [...new Set(found)];
}

/** XML/HTML character references for `& < > " '`, as each escaper writes them. */
const MARKUP_ESCAPES: Record<string, string[]> = {
  "&": ["&amp;"],
  "<": ["&lt;"],
  ">": ["&gt;"],
  '"': ["&quot;", "&#34;"],
  "'": ["&apos;", "&#x27;", "&#39;"],
};

/**
 * `value` as XML and HTML escapers write it, when it holds one of `& < > " '`: every one
 * escaped as weft writes an XML body (`&amp; &lt; &gt; &quot; &apos;`, also .NET's
 * SecurityElement.Escape, which GitHub's runner masks), as Python's html.escape
 * (`&#x27;`), as Go's html.EscapeString and PHP's htmlspecialchars (`&#34;`/`&#39;`),
 * only `& < >` escaped (XML text content: Python's xml.sax.saxutils.escape, most
 * serializers' element text), and only `& <`, all XML text requires.
 * @example markupForms("R&D<x>") // ["R&amp;D&lt;x&gt;"]
 */
export function markupForms(value: string): string[] {
  if (!/[&<>"']/.test(value)) return [];
  const forms = new Set<string>();
  const escaped = (quote: number, apostrophe: number, quotes: boolean) =>
    value.replace(/[&<>"']/g, (c) => {
      if (c === '"') return quotes ? MARKUP_ESCAPES[c][quote] : c;
      if (c === "'") return quotes ? MARKUP_ESCAPES[c][apostrophe] : c;
      return MARKUP_ESCAPES[c][0];
    });
  forms.add(escaped(0, 0, true));
  forms.add(escaped(0, 1, true));
  forms.add(escaped(1, 2, true));
  forms.add(escaped(0, 2, true));
  forms.add(escaped(0, 0, false));
  // Only what XML text requires (`&` and `<`): a `>` or quote left as it is.
  forms.add(value.replaceAll("&", "&amp;").replaceAll("<", "&lt;"));
  forms.delete(value);
  return [...forms];
}

/** The byte each one-letter escape of `echo`/`printf %b` writes (dash, bash, zsh alike). */
const ECHO_ESCAPES: Record<string, number> = {
  "\\": 0x5c,
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  E: 0x1b,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

const OCTAL = /[0-7]/;
const HEX = /[0-9a-fA-F]/;

/**
 * `value` as a shell writes it once it interprets its backslash escapes: `echo` in dash
 * (`/bin/sh` on Debian and Ubuntu) and zsh, `printf %b` and bash's `echo -e` — a secret
 * `s3cr\aet\v99` printed so reads `s3cr`, BEL, `et`, VT, `99`, which weft shows as
 * `s3cr\aet\v99` again. Each of them turns `\\ \a \b \e \f \n \r \t \v` into its byte,
 * `\0NNN` (up to 3 octal digits) into a byte, and stops at `\c` (nothing after it is
 * written); they differ in `\NNN` without the leading 0 (dash's echo and `printf %b`
 * only) and `\xHH` (bash's only), so each combination of those two is a form. The bytes
 * are read as UTF-8 as weft reads a task's output. Only forms that differ from `value`:
 * none for a value without a backslash.
 * @example echoForms("s3cr\\aet\\v99") // ["s3cr\x07et\x0b99"]
 */
export function echoForms(value: string): string[] {
  if (!value.includes("\\")) return [];
  const forms = new Set<string>();
  for (const octal of [false, true]) {
    for (const hex of [false, true]) forms.add(echoed(value, octal, hex));
  }
  forms.delete(value);
  return [...forms];
}

/** The bytes `echo`/`printf %b` write for `value` (see {@link echoForms}), read as UTF-8. */
function echoed(value: string, octal: boolean, hex: boolean): string {
  const bytes = UTF8.encode(value);
  const out: number[] = [];
  const at = (i: number) => i < bytes.length ? String.fromCharCode(bytes[i]) : "";
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x5c || i + 1 >= bytes.length) {
      out.push(bytes[i]);
      continue;
    }
    const next = at(i + 1);
    if (next === "c") break;
    if (ECHO_ESCAPES[next] !== undefined) {
      out.push(ECHO_ESCAPES[next]);
      i++;
    } else if (next === "0" || (octal && OCTAL.test(next))) {
      // `\0` and up to 3 more octal digits; `\1`…`\7` and up to 2 more.
      let digits = next === "0" ? 3 : 2;
      let code = Number(next);
      i++;
      while (digits-- > 0 && OCTAL.test(at(i + 1))) code = code * 8 + Number(at(++i));
      out.push(code & 0xff);
    } else if (hex && next === "x" && HEX.test(at(i + 2))) {
      // `\x` and 1 or 2 hex digits; `\x` without one is written as it is.
      let text = at(i + 2);
      i += 2;
      if (HEX.test(at(i + 1))) text += at(++i);
      out.push(parseInt(text, 16));
    } else {
      out.push(bytes[i]);
    }
  }
  return FROM_UTF8.decode(new Uint8Array(out));
}
