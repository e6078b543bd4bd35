/**
 * One header weft sends (src/model/http_header.ts), the same rule for http tasks and
 * webhook notifications: ends trimmed, CR/LF/NUL inside refused naming the header, a bad
 * name refused with fetch's reason.
 */
import assert from "node:assert/strict";
import { setCheckedHeader } from "../src/model/http_header.ts";
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
