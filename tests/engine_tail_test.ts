/** The stdout kept for `${tasks.ID.stdout}`: bounded, refused once over (engine/tail.ts). */
import assert from "node:assert/strict";
import { LineTail, STDOUT_TAIL_CHARS } from "../src/engine/tail.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("LineTail: lines joined by newlines, text and bytes alike", () => {
  const tail = new LineTail(100);
  assert.equal(tail.text(), "");
  tail.push("one");
  tail.push(encode("two"));
  tail.push("");
  tail.push(encode("four"));
  assert.equal(tail.text(), "one\ntwo\n\nfour");
});

Deno.test("LineTail: pieces of a long line join without a newline", () => {
  const tail = new LineTail(100);
  tail.push("a");
  tail.push(encode("bc"));
  tail.push(encode("de"), true);
  tail.push("f", true);
  tail.push("g");
  assert.equal(tail.text(), "a\nbcdef\ng");
});

Deno.test("LineTail: past its limit it keeps nothing more, only counts the bytes", () => {
  const tail = new LineTail(8);
  tail.push("start");
  tail.push(encode("0123456789".repeat(1000) + "END"));
  assert.equal(tail.cut, true);
  assert.equal(tail.bytes, 5 + 1 + 10_003);
  tail.push("more");
  assert.equal(tail.cut, true, "once cut, always cut");
  assert.equal(tail.bytes, 10_009 + 1 + 4);
  const big = new LineTail();
  big.push("y".repeat(STDOUT_TAIL_CHARS - 1));
  big.push("z", true);
  assert.equal(big.cut, false, "exactly the limit");
  assert.equal(big.text(), "y".repeat(STDOUT_TAIL_CHARS - 1) + "z");
  big.push("!", true);
  assert.equal(big.cut, true);
});

Deno.test("LineTail: cut tells whether output fell off the front; bytes counts all of it", () => {
  const tail = new LineTail(10);
  tail.push("12345");
  tail.push("6789");
  assert.equal(tail.cut, false, "exactly the limit: whole");
  assert.equal(tail.bytes, 10);
  tail.push("x");
  assert.equal(tail.cut, true);
  assert.equal(tail.bytes, 12);
  // Characters, not bytes: 10 three-byte characters are whole, 11 are not.
  const wide = new LineTail(10);
  wide.push("日".repeat(10));
  assert.equal(wide.cut, false);
  wide.push("日", true);
  assert.equal(wide.cut, true);
  const many = new LineTail(10);
  for (let i = 0; i < 1000; i++) many.push(String(i));
  assert.equal(many.cut, true);
});
