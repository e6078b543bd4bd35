/**
 * src/tasks/http_text.ts markedStatus: the status and a registered phrase are weft's
 * words (kept whole by masking), a phrase of the server's own is quoted data.
 */
import assert from "node:assert/strict";
import { markedStatus } from "../src/tasks/http_text.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

const masked = (text: string, secret: string) =>
  resolveQuoted(text, (data) => data.replaceAll(secret, "***"));

Deno.test("markedStatus: a registered phrase, sent or filled in, is never masked", () => {
  assert.equal(masked(markedStatus(404, "Not Found"), "Found"), "404 Not Found");
  assert.equal(masked(markedStatus(404, ""), "Found"), "404 Not Found");
  assert.equal(masked(markedStatus(799, ""), "799"), "799");
});

Deno.test("markedStatus: a phrase of the server's own is data, masked", () => {
  assert.equal(masked(markedStatus(404, "Gone hunter2"), "hunter2"), "404 Gone ***");
  assert.equal(masked(markedStatus(200, "OK token"), "token"), "200 OK ***");
});
