/** ByteOutputEvent (engine/output_event.ts): short lines are owned, long pieces are views. */
import assert from "node:assert/strict";
import { ByteOutputEvent, OWNED_LINE_BYTES } from "../src/engine/output_event.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("ByteOutputEvent: a short line is copied, so a kept event survives the reader's reuse", () => {
  const buffer = encode("bash sub task defaults");
  const event = new ByteOutputEvent("r", "a", 1, "stdout", buffer.subarray(0, 4), "t");
  buffer.set(encode("sh\nh"), 0); // the reader's next read lands in the same buffer
  assert.equal(event.line, "bash");
  assert.deepEqual([...event.bytes], [...encode("bash")]);
});

Deno.test("ByteOutputEvent: a piece over the limit stays a view (no 64 KiB copies)", () => {
  const buffer = new Uint8Array(OWNED_LINE_BYTES + 1).fill(0x61);
  const event = new ByteOutputEvent("r", "a", 1, "stdout", buffer, "t");
  assert.equal(event.bytes.buffer, buffer.buffer);
  assert.equal(event.line.length, OWNED_LINE_BYTES + 1);
});
