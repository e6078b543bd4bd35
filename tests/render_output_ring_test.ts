/** Renderers' per-task tails: bytes kept, decoded only when shown (cli/render/output_ring.ts). */
import assert from "node:assert/strict";
import { OutputRing } from "../src/cli/render/output_ring.ts";
import { LINE_CUT_MARK } from "../src/cli/render/cut.ts";
import { OutputTails } from "../src/cli/render/tails.ts";

const encoder = new TextEncoder();

Deno.test("OutputRing keeps copies of the last lines: a reused buffer cannot change them", () => {
  const ring = new OutputRing(3);
  const shared = new Uint8Array(16);
  for (let i = 0; i < 7; i++) {
    const { written } = encoder.encodeInto(`line ${i} é`, shared);
    ring.push({
      stream: i % 2 ? "stderr" : "stdout",
      line: "",
      bytes: shared.subarray(0, written),
    });
    shared.fill(0x21); // the sender reuses its buffer at once
  }
  assert.equal(ring.total, 7);
  assert.deepEqual(ring.lines(), [
    { stream: "stdout", text: "line 4 é" },
    { stream: "stderr", text: "line 5 é" },
    { stream: "stdout", text: "line 6 é" },
  ]);
});

Deno.test("OutputRing: text lines, a long line's first piece marked, later pieces left out", () => {
  const ring = new OutputRing(10);
  ring.push({ stream: "stdout", line: "masked ***" });
  ring.push({ stream: "stdout", line: "", bytes: encoder.encode("start"), continues: true });
  ring.push({ stream: "stdout", line: "more", continuation: true, continues: true });
  ring.push({ stream: "stdout", line: "end", continuation: true });
  ring.push({ stream: "stderr", line: "" });
  assert.equal(ring.total, 3);
  assert.deepEqual(ring.lines().map((l) => l.text), ["masked ***", "start" + LINE_CUT_MARK, ""]);
  assert.deepEqual(new OutputRing(0).lines(), []);
});

Deno.test("OutputTails.take gives terminal-safe lines and the number dropped, once", () => {
  const tails = new OutputTails(false, 2);
  for (const line of ["a", "b\x1b[2Jc", "d"]) tails.push("t", { stream: "stdout", line });
  const taken = tails.take("t");
  assert.equal(taken.dropped, 1);
  assert.equal(taken.lines.length, 2);
  assert.ok(!taken.lines[0].includes("\x1b"), taken.lines[0]);
  assert.equal(taken.lines[1], "d");
  assert.deepEqual(tails.take("t"), { lines: [], dropped: 0 });
});

Deno.test("OutputRing: a line paused in goes on with its own stream's line, not the line kept last", () => {
  const ring = new OutputRing(3);
  const early = { early: true, continues: true } as const;
  ring.push({ stream: "stdout", line: "A1", ...early });
  ring.push({ stream: "stderr", line: "e1" });
  ring.push({ stream: "stdout", line: "B2", continuation: true, ...early });
  ring.push({ stream: "stderr", line: "e2" });
  ring.push({ stream: "stdout", line: "D4", continuation: true, early: true });
  assert.deepEqual(ring.lines(), [
    { stream: "stdout", text: "A1B2D4" },
    { stream: "stderr", text: "e1" },
    { stream: "stderr", text: "e2" },
  ]);
  // Once its slot is reused, a line's later pieces have nowhere to go.
  ring.push({ stream: "stdout", line: "x", ...early });
  for (const line of ["1", "2", "3"]) ring.push({ stream: "stderr", line });
  ring.push({ stream: "stdout", line: "y", continuation: true, early: true });
  assert.deepEqual(ring.lines().map((l) => l.text), ["1", "2", "3"]);
});
