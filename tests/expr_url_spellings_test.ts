/** urlSpellings: the forms a value takes in a URL as weft shows it (for secret masking). */
import assert from "node:assert/strict";
import { hostSpelling, urlSpellings } from "../src/expr/url_spellings.ts";

Deno.test("urlSpellings: a value as weft encodes it and as the URL parser spells it in each part", () => {
  const forms = urlSpellings("my pass!word'x");
  assert.ok(forms.includes("my%20pass%21word%27x"), "weft's encoding");
  assert.ok(forms.includes("my%20pass!word'x"), "raw in a path, fragment or user name");
  assert.ok(forms.includes("my%20pass!word%27x"), "raw in a query of a special URL");
  // Each form is what a real URL shows.
  const href = new URL("http://h/p/my pass!word'x?q=my pass!word'x").href;
  assert.ok(forms.every((f) => f !== "") && href.includes(forms[1]));
  assert.deepEqual(urlSpellings("Hunter2SecretXY"), ["hunter2secretxy"], "a host is lowercased");
  const idna = new URL("http://Straßenbahn/").hostname;
  assert.ok(idna.startsWith("xn--") && urlSpellings("Straßenbahn").includes(idna), "IDNA");
  // A `/` would end a host: no host form is made from a part of one.
  assert.ok(!urlSpellings("s3cr3t/+=x").includes("s3cr3t"));
  assert.deepEqual(urlSpellings("plain-value"), [], "nothing else when the URL keeps it");
});

Deno.test("urlSpellings: no host form for a short word, whose lowercase is an ordinary word", () => {
  assert.deepEqual(urlSpellings("HTTP"), []);
  assert.deepEqual(urlSpellings("Tok3n"), ["tok3n"]);
  assert.deepEqual(urlSpellings("PASSWORDS"), ["passwords"]);
});

Deno.test("hostSpelling: lowercased, IDNA, a number read as IPv4; none without a change or host", () => {
  assert.equal(hostSpelling("Hunter2SecretXY"), "hunter2secretxy");
  assert.equal(hostSpelling("2130706433"), "127.0.0.1");
  assert.equal(hostSpelling("0x7f000001"), "127.0.0.1");
  assert.equal(hostSpelling("plain-value"), undefined);
  assert.equal(hostSpelling("a/B"), undefined);
  assert.deepEqual(urlSpellings("Hunter2SecretXY", { host: false }), []);
});
