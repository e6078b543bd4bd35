/**
 * The encoded forms of a secret that a task (or a server answering weft) writes without
 * weft's help: escaped for XML/HTML, and base64 — the last as GitHub
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

const UTF8 = new TextEncoder();

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
