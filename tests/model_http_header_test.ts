/**
 * One header weft sends (src/model/http_header.ts), the same rule for http tasks and
 * webhook notifications: ends trimmed, CR/LF/NUL inside refused naming the header, a bad
 * name refused with fetch's reason.
 */
import assert from "node:assert/strict";
import {
  cookieValueTrouble,
  credentialSecrets,
  headerValuePlace,
  listValueTrouble,
  setCheckedHeader,
  urlCredentialSecrets,
  urlMasked,
} from "../src/model/http_header.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

const refusal = (name: string, value: string): string => {
  try {
    setCheckedHeader(new Headers(), name, value);
  } catch (e) {
    return resolveQuoted((e as Error).message);
  }
  assert.fail(`expected ${JSON.stringify(value)} refused`);
};

Deno.test("setCheckedHeader: trims the ends, returns and sets the value", () => {
  const headers = new Headers();
  assert.equal(setCheckedHeader(headers, "X-Token", "  abc\r\n"), "abc");
  assert.equal(headers.get("x-token"), "abc");
});

Deno.test("setCheckedHeader: a line break or NUL inside is refused, the value quoted escaped", () => {
  assert.equal(
    refusal("X-Custom", "a\r\nX-Evil: 1"),
    'header "X-Custom": its value "a\\r\\nX-Evil: 1" contains a line break (CR or LF), ' +
      "which could start another header; refused",
  );
  assert.match(refusal("X-A", "a\0b"), /^header "X-A": its value "a\\u0000b" contains a NUL/);
  // A credential's value is not repeated.
  assert.equal(
    refusal("Authorization", "Bearer x\ny"),
    'header "Authorization": its value contains a line break (CR or LF), ' +
      "which could start another header; refused",
  );
  assert.match(refusal("Bad Name", "v"), /^header "Bad Name": .+/);
});

Deno.test("setCheckedHeader: the quoted value is what secret masking sees", () => {
  let message = "";
  try {
    setCheckedHeader(new Headers(), "X-Custom", "hunter2\nx");
  } catch (e) {
    message = (e as Error).message;
  }
  const masked = resolveQuoted(message, (data) => data.replaceAll("hunter2", "***"));
  assert.match(masked, /its value "\*\*\*\\nx" contains/);
});

Deno.test("setCheckedHeader: any character fetch refuses is refused first, naming it", () => {
  assert.match(
    refusal("X-Del", "a\x7fb"),
    /^header "X-Del": its value "a\x7fb" contains a control character \(U\+007F\); refused$/,
  );
  assert.match(refusal("X-A", "a\x01b"), /control character \(U\+0001\)/);
  assert.match(refusal("X-Han", "\u6f22"), /the character U\+6F22, which is not Latin-1/);
  // obs-text (U+0080–U+00FF), spaces and tabs inside are what RFC 9110 allows.
  assert.equal(setCheckedHeader(new Headers(), "X-Latin", "caf\u00e9 \t x"), "caf\u00e9 \t x");
});

Deno.test("setCheckedHeader: a bad name, Host and Content-Length are refused", () => {
  assert.match(refusal("X Bad", "v"), /^header "X Bad": not a valid header name/);
  assert.match(
    refusal("host", "evil.example"),
    /^header "host": cannot be set: .*put the host in the URL/,
  );
  assert.match(refusal("Content-Length", "1"), /^header "Content-Length": cannot be set/);
});

Deno.test("credentialSecrets: a scheme word alone is not a secret", () => {
  assert.deepEqual(credentialSecrets("Authorization", "Bearer "), []);
});

Deno.test("credentialSecrets: names of credential headers, whole words where short", () => {
  for (
    const name of [
      "X-Auth",
      "x-auth-user",
      "Set-Cookie",
      "X-Session-Id",
      "X-Signature",
      "Proxy-Authorization",
      "X-Passwd",
    ]
  ) {
    assert.deepEqual(credentialSecrets(name, "v4lue"), ["v4lue"], name);
  }
  for (const name of ["X-Author", "Content-Type", "X-Sessions-Count", "Accept"]) {
    assert.deepEqual(credentialSecrets(name, "v4lue"), [], name);
  }
});

Deno.test("cookieValueTrouble: only RFC 6265 cookie-octets stay inside one cookie", () => {
  assert.equal(cookieValueTrouble("abc-123_%2B.~!#$&'()*+/:<=>?@[]^`{|}"), undefined);
  assert.match(
    cookieValueTrouble("x; role=admin")!,
    /holds ";" \(at character 2\).*another cookie/,
  );
  assert.match(cookieValueTrouble("a,b")!, /holds ","/);
  assert.match(cookieValueTrouble("a b")!, /holds a space/);
  assert.match(cookieValueTrouble('a"b')!, /holds "\\""/);
  assert.match(cookieValueTrouble("a\\b")!, /holds "\\\\"/);
  assert.match(cookieValueTrouble("a\tb")!, /U\+0009/);
  assert.match(cookieValueTrouble("é")!, /U\+00E9/);
});

Deno.test("urlCredentialSecrets: the user info's password as written, decoded, and as Basic", () => {
  assert.deepEqual(urlCredentialSecrets("http://u:p%40ss%23w@h.example/x"), [
    "p%40ss%23w",
    "p@ss#w",
    `Basic ${btoa("u:p@ss#w")}`,
    btoa("u:p@ss#w"),
    "u:p@ss#w",
  ]);
  // The URL parser's serialization of a character it encodes (a space) too.
  const spaced = urlCredentialSecrets("http://u:a b@h/");
  for (const value of ["a b", "a%20b", btoa("u:a b")]) assert.ok(spaced.includes(value), value);
  // No password, no secret; text that does not parse keeps its password part.
  assert.deepEqual(urlCredentialSecrets("http://u@h/"), []);
  assert.deepEqual(urlCredentialSecrets("https://h/a:b@c"), []);
  assert.deepEqual(urlCredentialSecrets("http://u:pw-1234@[bad/"), ["pw-1234"]);
});

Deno.test("urlCredentialSecrets: query parameters named like a credential header, in every form", () => {
  const found = urlCredentialSecrets(
    "http://h/v1?api_key=QueryKey12345&access_token=a%2Bb+c%20d&page=2&Token=T0k3nValue#frag",
  );
  for (const value of ["QueryKey12345", "a%2Bb+c%20d", "a+b+c d", "a+b c d", "T0k3nValue"]) {
    assert.ok(found.includes(value), value);
  }
  // Other parameters, and a name with no value, are no secret.
  assert.ok(!found.includes("2") && !found.includes("frag"));
  assert.deepEqual(urlCredentialSecrets("http://h/?page=2&q=abc&key"), []);
  // As the parser serializes it (a space percent-encoded), and in text that does not parse.
  assert.ok(urlCredentialSecrets("http://h/?key=a b").includes("a%20b"));
  assert.deepEqual(urlCredentialSecrets("http://[bad/?apiKey=Abc12345"), ["Abc12345"]);
});

Deno.test("urlMasked: the password, credential query values and, for a webhook, the path", () => {
  assert.equal(
    urlMasked("http://user:ValPw12345@127.0.0.1:99999/x?api_key=k1234567&n=2#f"),
    "http://user:***@127.0.0.1:99999/x?api_key=***&n=2#f",
  );
  assert.equal(urlMasked("http://u@h:1/x?n=2"), "http://u@h:1/x?n=2");
  assert.equal(
    urlMasked("http://127.0.0.1:70000/hooks/HookValPathXYZ123456", { path: true }),
    "http://127.0.0.1:70000/***",
  );
  assert.equal(urlMasked("https://u:pw12345@h:70000", { path: true }), "https://u:***@h:70000");
  assert.equal(urlMasked("hooks.example/T0/B0/secret123", { path: true }), "***");
});

Deno.test("setCheckedHeader: C1 controls (U+0080–U+009F) are refused as DEL is; Latin-1 letters pass", () => {
  for (const c of ["\x85", "\x9b", "\x80", "\x9f", "\x7f"]) {
    const hex = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    assert.match(
      refusal("X-Val", `a ${c} b`),
      new RegExp(`contains a control character \\(U\\+${hex}\\); refused$`),
    );
  }
  assert.equal(setCheckedHeader(new Headers(), "X-Val", "caf\xe9 \xa0\xff"), "caf\xe9 \xa0\xff");
});

Deno.test("listValueTrouble: a value may not add a list member (,) or a parameter (;)", () => {
  assert.equal(listValueTrouble("eyJhbGciOi.J9-_~+/="), undefined);
  assert.equal(listValueTrouble("1.2.3.4 x=y:z"), undefined);
  assert.match(
    listValueTrouble("1.2.3.4, 127.0.0.1")!,
    /^a value holds "," \(at character 8\), which would add a list member or a parameter .*RFC 9110/,
  );
  assert.match(listValueTrouble("utf-8; boundary=z")!, /holds ";" \(at character 6\)/);
});

Deno.test("headerValuePlace: each value stays one element; raw(...) and a Cookie's base as written", () => {
  const place = (name: string, written: string, text: string, offset: number, raw = false) => {
    try {
      return headerValuePlace(name, written)(text, offset, raw);
    } catch (e) {
      return `refused: ${resolveQuoted((e as Error).message)}`;
    }
  };
  // Anywhere in an ordinary header, the whole value too.
  assert.match(
    place("X-Forwarded-For", "${params.ip}", "1.2.3.4, 127.0.0.1", 0),
    /^refused: header "X-Forwarded-For": a value holds ",".*; refused \(a value fills one element.*raw\(\.\.\.\)/,
  );
  assert.match(
    place("Content-Type", "text/plain; charset=${p}", "utf-8; boundary=z", 20),
    /^refused: header "Content-Type": a value holds ";"/,
  );
  assert.equal(place("Authorization", "Bearer ${env.T}", "abc.DEF-_~+/=", 7), "abc.DEF-_~+/=");
  assert.equal(
    place("X-Forwarded-For", "${raw(params.ip)}", "1.2.3.4, 10.0.0.1", 0, true),
    "1.2.3.4, 10.0.0.1",
  );
  // Cookie: its own stricter rule after the start; a value starting it is the cookies.
  assert.equal(place("cookie", " ${env.C}", "a=1; b=2", 1), "a=1; b=2");
  assert.match(
    place("Cookie", "s=${p}", "a b", 2),
    /^refused: header "Cookie": a value holds a space.*another cookie/,
  );
});
