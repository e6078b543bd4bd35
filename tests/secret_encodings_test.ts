/**
 * The encoded forms a secret is masked in (src/engine/secret_encodings.ts): base64 as
 * GitHub Actions' runner masks it (whole, and at each alignment a prefix gives it, the
 * digits a suffix can change left out; URL-safe; wrapped), never a form under 8
 * characters; XML/HTML-escaped. (Percent-encoded forms: percent_forms_test.ts.)
 */
import assert from "node:assert/strict";
import { base64Forms, markupForms, MIN_BASE64_LENGTH } from "../src/engine/secret_encodings.ts";
import { createMasker } from "../src/engine/secrets.ts";

const TOKEN = "Sup3rS3cretTokenValue";

/** base64 of `text`'s UTF-8 bytes. */
function b64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

Deno.test("base64Forms: the whole value, padded and not, and an HTTP Basic credential's part", () => {
  const mask = createMasker([TOKEN]);
  assert.equal(mask(b64(TOKEN)), "***");
  assert.equal(
    mask(`Authorization: Basic ${b64(`admin:${TOKEN}`)}`),
    "Authorization: Basic YWRtaW46***",
  );
  const odd = "an0ther-Secret"; // 14 bytes: padded
  assert.ok(b64(odd).endsWith("="));
  const maskOdd = createMasker([odd]);
  assert.equal(maskOdd(b64(odd)), "***");
  assert.equal(maskOdd(b64(odd).replace(/=+$/, "")), "***");
});

Deno.test("base64Forms: behind any prefix and before any suffix, at most the digits at its edges show", () => {
  const mask = createMasker([TOKEN, "an0ther-Secret"]);
  for (const secret of [TOKEN, "an0ther-Secret"]) {
    for (const prefix of ["", "a", "ab", "abc", "user1:", "x-user:"]) {
      for (const suffix of ["", "\n", "x", "yz", " trailing words"]) {
        const encoded = b64(prefix + secret + suffix);
        const masked = mask(encoded);
        assert.ok(masked.includes("***"), `${JSON.stringify(prefix + secret + suffix)}: ${masked}`);
        // What is left: the prefix's and suffix's digits and at most 3 at each edge.
        const left = masked.replace("***", "").length;
        const own = Math.ceil(prefix.length / 3) * 4 + Math.ceil(suffix.length / 3) * 4;
        assert.ok(left <= own + 8, `${JSON.stringify(prefix + secret + suffix)}: ${masked}`);
      }
    }
  }
});

Deno.test("base64Forms: the URL-safe alphabet, and a long value wrapped at 76 or 64 a line", () => {
  const secret = "a~~~b???c>>>d~~~e"; // its base64 holds + and /
  assert.match(b64(secret), /[+/]/);
  const mask = createMasker([secret]);
  assert.equal(mask(b64(secret).replaceAll("+", "-").replaceAll("/", "_")), "***");
  const long = "k3y-".repeat(30); // 120 bytes: 160 base64 digits
  const maskLong = createMasker([long]);
  for (const width of [76, 64]) {
    const lines = b64(long).match(new RegExp(`.{1,${width}}`, "g"))!;
    assert.deepEqual(lines.map(maskLong), lines.map(() => "***"), `width ${width}`);
  }
});

Deno.test("base64Forms: no form under 8 characters, so ordinary base64 text is left alone", () => {
  for (const secret of ["abcd", "abcde", "abcdef", "p4ss", "hunter22", TOKEN]) {
    for (const form of base64Forms(secret)) {
      assert.ok(form.length >= MIN_BASE64_LENGTH, `${secret}: ${form}`);
    }
  }
  // "abcd": only its whole encoding (8 characters with padding); the base64 of "abcdef"
  // (it begins with the same 4 digits) is another text, kept.
  assert.deepEqual(base64Forms("abcd"), ["YWJjZA=="]);
  const mask = createMasker(["abcd"]);
  assert.equal(mask("YWJjZGVm and c2hvcnQ="), "YWJjZGVm and c2hvcnQ=");
});

Deno.test("markupForms: escaped as weft's XML body, html.escape, Go and PHP, and text-only", () => {
  const secret = `R&D<pass>"2026"'x`;
  const forms = markupForms(secret);
  for (
    const expected of [
      "R&amp;D&lt;pass&gt;&quot;2026&quot;&apos;x",
      "R&amp;D&lt;pass&gt;&quot;2026&quot;&#x27;x",
      "R&amp;D&lt;pass&gt;&#34;2026&#34;&#39;x",
      `R&amp;D&lt;pass&gt;"2026"'x`,
      `R&amp;D&lt;pass>"2026"'x`,
    ]
  ) assert.ok(forms.includes(expected), expected);
  assert.deepEqual(markupForms("plainSecret"), []);
  const mask = createMasker([secret]);
  assert.equal(
    mask("<password>R&amp;D&lt;pass&gt;&quot;2026&quot;&apos;x</password>"),
    "<password>***</password>",
  );
});
