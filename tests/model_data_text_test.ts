/**
 * model/data_text.ts: a reason embedded in another keeps its marks, and an unmarked one
 * is still masked whole (embedding never unmasks).
 */
import assert from "node:assert/strict";
import { embeddedMessage, ownText, quoteData, resolveQuoted } from "../src/model/data_text.ts";

const mask = (text: string) => text.replaceAll("code", "***");

Deno.test("embeddedMessage keeps a marked reason's words and masks its quoted data", () => {
  const inner = `exited with code 3 running ${quoteData("echo code")}`;
  const outer = ownText("2 of 2 iterations failed; first: each[a]: ") + embeddedMessage(inner);
  assert.equal(
    resolveQuoted(outer, mask),
    "2 of 2 iterations failed; first: each[a]: exited with code 3 running echo ***",
  );
  assert.equal(
    resolveQuoted(ownText("x: ") + embeddedMessage(ownText("code 1")), mask),
    "x: code 1",
  );
});

Deno.test("embeddedMessage masks an unmarked reason whole, as it would be alone", () => {
  const outer = ownText("first: ") + embeddedMessage("the code was code");
  assert.equal(resolveQuoted(outer, mask), "first: the *** was ***");
});
