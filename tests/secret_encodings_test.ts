/**
 * The encoded forms a secret is masked in (src/engine/secret_encodings.ts): base64 as
 * GitHub Actions' runner masks it (whole, and at each alignment a prefix gives it, the
 * digits a suffix can change left out; URL-safe; wrapped), never a form under 8
 * characters; XML/HTML-escaped; as a shell's `echo`/`printf %b` writes it once it
 * interprets its backslash escapes. (Percent-encoded forms: percent_forms_test.ts.)
 */
import assert from "node:assert/strict";
import {
  base64Forms,
  echoForms,
  markupForms,
  MIN_BASE64_LENGTH,
} from "../src/engine/secret_encodings.ts";
import { createMasker, secretFragments } from "../src/engine/secrets.ts";

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

/** Secrets with backslash escapes: one-letter, octal with and without the 0, hex, `\c`. */
const ESCAPED = [
  "s3cr\\aet\\v99",
  "tab\\there\\nnext-line",
  "pw\\x41\\0102\\101-xyz\\e9",
  "back\\\\slash\\qz\\",
  "oct\\0303\\0244-umlaut",
  "stop-here\\cgone",
];

/** What `shell -c SCRIPT` writes for each of {@link ESCAPED}, as text (UTF-8, as weft reads it). */
function shellWrites(shell: string, script: string): string[] {
  return ESCAPED.map((value) => {
    const out = new Deno.Command(shell, { args: ["-c", script, "sh", value] }).outputSync();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout);
  });
}

Deno.test("echoForms: a secret as dash's echo, printf %b and bash's echo -e write it", () => {
  const writers: [string, string][] = [
    ["dash", 'echo "$1"'],
    ["dash", 'printf "%b\\n" "$1"'],
    ["bash", 'echo -e "$1"'],
    ["bash", 'printf "%b\\n" "$1"'],
  ];
  for (const [shell, script] of writers) {
    shellWrites(shell, script).forEach((written, i) => {
      const value = ESCAPED[i];
      // \c stops the output, its newline too.
      const form = value.includes("\\c") ? written : written.replace(/\n$/, "");
      assert.notEqual(form, value);
      assert.ok(
        echoForms(value).includes(form),
        `${shell} ${script} of ${JSON.stringify(value)}: ${JSON.stringify(form)}`,
      );
      assert.ok(secretFragments(value).includes(form));
    });
  }
  assert.deepEqual(echoForms("s3cr\\aet\\v99"), ["s3cr\x07et\x0b99"]);
  assert.deepEqual(echoForms("oct\\0303\\0244-umlaut"), ["oct\u00e4-umlaut"]);
});

Deno.test("echoForms: masked line by line when an escape breaks the line, never a short rest", () => {
  const mask = createMasker(["tab\\there\\nnext-line"]);
  assert.equal(mask("tab\there"), "***");
  assert.equal(mask("next-line"), "***");
  assert.equal(mask("s3cr\x07et\x0b99 left"), "s3cr\x07et\x0b99 left");
  assert.equal(createMasker(["s3cr\\aet\\v99"])("with s3cr\x07et\x0b99 ok"), "with *** ok");
  // No form for a value without a backslash, or when interpreting it changes nothing.
  assert.deepEqual(echoForms("Hunter2Secret"), []);
  assert.deepEqual(echoForms("plain\\qtext"), []);
  // What is left before `\c` or between line breaks under 4 characters is not masked.
  assert.ok(!secretFragments("ab\\nlong-enough-line\\ncd").includes("ab"));
  assert.ok(!secretFragments("abc\\cdefghij").includes("abc"));
});
