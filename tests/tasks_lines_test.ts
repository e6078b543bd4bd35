/** Lines of any length are published whole or as flagged pieces (tasks/lines.ts). */
import assert from "node:assert/strict";
import { forEachLine, LineSplitter } from "../src/tasks/lines.ts";

type Piece = [string, boolean, boolean];

Deno.test("LineSplitter: a long line comes in flagged pieces that join back exactly", () => {
  const pieces: Piece[] = [];
  const s = new LineSplitter((l, more, cont) => pieces.push([l, more, cont]), 4);
  s.push("ab\nabcdefghij");
  s.push("k\nxy");
  s.flush();
  assert.deepEqual(pieces, [
    ["ab", false, false],
    ["abcd", true, false],
    ["efgh", true, true],
    ["ijk", false, true],
    ["xy", false, false],
  ]);
});

Deno.test("LineSplitter: pieces never split a surrogate pair or a CRLF", () => {
  const pieces: Piece[] = [];
  const s = new LineSplitter((l, more, cont) => pieces.push([l, more, cont]), 4);
  s.push("abc😀de\r");
  s.push("\n");
  s.flush();
  assert.equal(pieces.map((p) => p[0]).join(""), "abc😀de");
  for (const [piece] of pieces) assert.doesNotMatch(piece, /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
});

Deno.test("forEachLine: waits for a handler's promise before reading on", async () => {
  const chunks = ["one\ntwo\n", "three\n"];
  let read = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (read === chunks.length) return c.close();
      c.enqueue(new TextEncoder().encode(chunks[read++]));
    },
  }, { highWaterMark: 0 });
  const seen: string[] = [];
  await forEachLine(stream, (line) => {
    seen.push(`${line}@${read}`);
    if (line === "two") return new Promise((r) => setTimeout(r, 10));
  });
  assert.deepEqual(seen, ["one@1", "two@1", "three@2"]);
});
