/** readLogTail: the last lines of a log file, read from its end. */
import assert from "node:assert/strict";
import { readLogTail } from "../src/store/log_tail.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("readLogTail: last lines with their streams; cut markers and continuations left out", async () => {
  const path = `${testTempDir()}/t.1.log`;
  const records = [
    ...Array.from({ length: 20 }, (_, i) => `O line ${i}`),
    "O long start",
    "~O",
    "E interleaved",
    "o  long rest",
    "E last words",
  ];
  await Deno.writeTextFile(path, records.join("\n") + "\nO still being writ");
  const tail = await readLogTail(path, 4);
  assert.deepEqual(tail, [
    { stream: "stdout", text: "line 19" },
    { stream: "stdout", text: "long start" },
    { stream: "stderr", text: "interleaved" },
    { stream: "stderr", text: "last words" },
  ]);
  assert.deepEqual(await readLogTail(`${path}.missing`, 4), [], "a missing file has no lines");
});

Deno.test("readLogTail: a huge file is read from its end only", async () => {
  const path = `${testTempDir()}/big.1.log`;
  const filler = `O ${"x".repeat(1000)}\n`.repeat(2000); // 2 MB
  await Deno.writeTextFile(path, filler + "E the end\n");
  const tail = await readLogTail(path, 2);
  assert.equal(tail.length, 2);
  assert.deepEqual(tail[1], { stream: "stderr", text: "the end" });
  assert.equal(tail[0].text.length, 1000, "a whole line, not the window's cut first record");
});

Deno.test("readLogTail: a last line far longer than the window shows by its start, with the lines before it", async () => {
  const path = `${testTempDir()}/long.1.log`;
  const long = "b".repeat(2_000_000);
  await Deno.writeTextFile(path, `O first\nO ${long}\nE ${"c".repeat(300_000)}\nO partial`);
  const tail = await readLogTail(path, 3);
  assert.deepEqual(tail.map((l) => [l.stream, l.text.slice(0, 5), l.text.length]), [
    ["stdout", "first", 5],
    ["stdout", "bbbbb", 64 * 1024 + 2], // its start: enough for the display to cut it
    ["stderr", "ccccc", 64 * 1024 + 2],
  ]);
  assert.deepEqual((await readLogTail(path, 1)).map((l) => l.stream), ["stderr"]);
  // No newline at all: only a record still being written, no lines.
  const open = `${testTempDir()}/open.1.log`;
  await Deno.writeTextFile(open, `O ${long}`);
  assert.deepEqual(await readLogTail(open, 3), []);
});
