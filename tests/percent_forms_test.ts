/**
 * The percent-encoded forms a secret is masked in (src/engine/percent_forms.ts): as the
 * common encoders write it, each from the characters it leaves alone, in both hex cases;
 * forms equal as text counted once.
 */
import assert from "node:assert/strict";
import { percentForms } from "../src/engine/percent_forms.ts";
import { createMasker } from "../src/engine/secrets.ts";

const SECRET = "p@ss wörd/+=!*'()~$&:;,?#[]";

Deno.test("percentForms: JavaScript's encoders and the WHATWG form encoding, as they run here", () => {
  const mask = createMasker([SECRET]);
  for (
    const encoded of [
      encodeURIComponent(SECRET),
      encodeURI(SECRET),
      new URLSearchParams({ k: SECRET }).toString().slice(2),
    ]
  ) {
    assert.ok(percentForms(SECRET).includes(encoded), encoded);
    assert.equal(mask(`x=${encoded}&y`), "x=***&y");
  }
});

Deno.test("percentForms: Python's quote and quote_plus, Go's PathEscape, PHP's urlencode, lower-case hex", () => {
  const forms = percentForms("a b/c+d~e*f!g:h");
  // urllib.parse.quote (safe="/"), quote_plus, url.PathEscape, urlencode.
  for (
    const expected of [
      "a%20b/c%2Bd~e%2Af%21g%3Ah",
      "a+b%2Fc%2Bd~e%2Af%21g%3Ah",
      "a%20b%2Fc+d~e%2Af%21g:h",
      "a+b%2Fc%2Bd%7Ee%2Af%21g%3Ah",
      "a%20b%2fc%2bd~e%2af%21g%3ah",
    ]
  ) assert.ok(forms.includes(expected), `${expected} not in ${forms}`);
});

Deno.test("percentForms: one form per distinct text; none for a value no encoder changes", () => {
  assert.deepEqual(percentForms("plain-Token_v1.2"), []);
  const forms = percentForms("Tr0ub4dor&3!xyz");
  assert.equal(new Set(forms).size, forms.length);
  assert.ok(!forms.includes("Tr0ub4dor&3!xyz"));
  // `&` and `!`: escaped both, `!` kept (encodeURIComponent), `&` kept (PathEscape); no hex letters.
  assert.deepEqual(forms.sort(), ["Tr0ub4dor%263!xyz", "Tr0ub4dor%263%21xyz", "Tr0ub4dor&3%21xyz"]);
  // The most any value costs: 8 encoders, each in two hex cases.
  assert.ok(percentForms(SECRET).length <= 16);
});
