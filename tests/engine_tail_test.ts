/** The stdout tail kept for `${tasks.ID.stdout}`: a bounded byte ring (engine/tail.ts). */
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

Deno.test("LineTail: after wrapping many times it keeps exactly the last characters", () => {
  const tail = new LineTail(50);
  let all = "";
  for (let i = 0; i < 10_000; i++) {
    const line = `line ${i} ${"x".repeat(i % 37)}`;
    tail.push(i % 2 ? line : encode(line));
    all += (i ? "\n" : "") + line;
  }
  assert.equal(tail.text(), all.slice(-50));
});

Deno.test("LineTail: a wrapped ring never starts inside a UTF-8 sequence", () => {
  const tail = new LineTail(10);
  for (let i = 0; i < 1000; i++) tail.push(encode("é日😀".repeat(i % 5 + 1)));
  const text = tail.text();
  assert.ok(!text.includes("\uFFFD"), text);
  assert.ok(text.length <= 10);
  assert.ok("\né日😀".repeat(6).endsWith(text.slice(-3)));
});

Deno.test("LineTail: a line longer than the whole ring keeps its end", () => {
  const tail = new LineTail(8);
  tail.push("start");
  tail.push(encode("0123456789".repeat(1000) + "END"));
  assert.equal(tail.text(), "56789END");
  const big = new LineTail();
  big.push("y".repeat(3 * STDOUT_TAIL_CHARS));
  big.push("z", true);
  assert.equal(big.text(), "y".repeat(STDOUT_TAIL_CHARS - 1) + "z");
});

Deno.test("LineTail: startAt moves where a cut tail begins (after a secret, not inside it)", () => {
  const tail = new LineTail(8);
  tail.push("abcSECRETxyz");
  assert.equal(tail.text(), "ECRETxyz");
  // The cut at 4 falls inside SECRET (3..9): the tail begins after it.
  const after = (text: string, start: number) => {
    const at = text.indexOf("SECRET");
    return at < start && start < at + 6 ? at + 6 : start;
  };
  assert.equal(tail.text(after), "xyz");
  const short = new LineTail(100);
  short.push("abcSECRETxyz");
  assert.equal(short.text(() => 99), "abcSECRETxyz", "nothing cut: startAt is not asked");
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
