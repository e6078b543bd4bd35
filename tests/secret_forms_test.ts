/** The repr spellings of a secret (engine/secret_forms.ts reprSpellings), against real Python and Deno. */
import assert from "node:assert/strict";
import { hostForms, reprSpellings, secretFragments } from "../src/engine/secret_forms.ts";
import { base64Forms } from "../src/engine/secret_encodings.ts";

const VALUES = [
  `it's "S3cret"x`,
  `pa\\ss99word"q'`,
  "pässwörd99",
  "pass😀word1",
  "ctl\x01Secret99\x0b\x7f\x9b",
  "nbsp\u00a0zw\u200bls\u2028tab\tnl\n",
];

/** What `python3 -c CODE` prints for each value, one line each (values given as JSON). */
function python(code: string): string[] {
  const out = new Deno.Command("python3", {
    args: [
      "-c",
      `import json,sys\nfor s in json.loads(sys.argv[1]): print(${code})`,
      JSON.stringify(VALUES),
    ],
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trimEnd().split("\n");
}

Deno.test("reprSpellings: Python's repr() and ascii() of a secret, inside their quotes, are among its spellings", () => {
  for (
    const [code, shown] of [["repr(s)", python("repr(s)")], [
      "ascii(s)",
      python("ascii(s)"),
    ]] as const
  ) {
    shown.forEach((line, i) => {
      const body = line.slice(1, -1);
      assert.ok(
        reprSpellings(VALUES[i]).includes(body),
        `${code} of ${JSON.stringify(VALUES[i])}: ${body}`,
      );
      assert.ok(secretFragments(VALUES[i]).includes(body));
    });
  }
});

Deno.test("reprSpellings: Python's repr() of a secret's UTF-8 bytes (t.encode() printed), inside its quotes", () => {
  python("repr(s.encode())").forEach((line, i) => {
    assert.match(line, /^b['"].*['"]$/);
    const body = line.slice(2, -1);
    if (!/[\u0080-\uffff]/.test(VALUES[i])) return; // the same bytes as the text's repr
    assert.ok(reprSpellings(VALUES[i]).includes(body), `${JSON.stringify(VALUES[i])}: ${body}`);
    assert.ok(secretFragments(VALUES[i]).includes(body));
  });
  const token = "pässwort-Zürich7";
  assert.ok(secretFragments(token).includes("p\\xc3\\xa4sswort-Z\\xc3\\xbcrich7"));
  assert.ok(reprSpellings("it's-pässwort").includes("it\\'s-p\\xc3\\xa4sswort"));
});

Deno.test("reprSpellings: Deno's console.log and Node's util.inspect escapes of controls are among its spellings", () => {
  assert.ok(reprSpellings("ctl\x01Secret99\x0b\x7f").includes("ctl\\x01Secret99\\v\\x7f")); // Deno
  assert.ok(reprSpellings("ctl\x01Secret99\x0b\x7f").includes("ctl\\x01Secret99\\x0B\\x7F")); // Node
  assert.ok(reprSpellings("a\\b\bc\fd").includes("a\\\\b\\bc\\fd"));
});

Deno.test("secretFragments: a value without backslash, quote, control or non-ASCII character gets no repr spelling", () => {
  // The value only: masking such a secret costs no more. (Its base64 forms aside:
  // secret_encodings_test.ts; its host spelling is masked only once a URL shows it.)
  assert.deepEqual(withoutBase64("Hunter2Secret"), ["Hunter2Secret"]);
});

Deno.test("hostForms: the URL host spellings of a secret's parts, kept apart from its fragments", () => {
  assert.deepEqual(hostForms("Hunter2Secret"), [{ part: "Hunter2Secret", form: "hunter2secret" }]);
  assert.deepEqual(hostForms(" 2130706433 "), [{ part: "2130706433", form: "127.0.0.1" }]);
  assert.deepEqual(hostForms("already-lower"), []);
  assert.ok(!secretFragments("Production").includes("production"));
  assert.ok(!secretFragments("0x7f000001").includes("127.0.0.1"));
});

/** The fragments of `value` other than its base64 forms. */
function withoutBase64(value: string): string[] {
  const base64 = new Set(base64Forms(value));
  return secretFragments(value).filter((fragment) => !base64.has(fragment));
}
