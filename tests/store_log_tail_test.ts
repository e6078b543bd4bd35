/** readLogTail: the last lines of a log file, read from its end with bounded work. */
import assert from "node:assert/strict";
import { LogTailReader, readLogTail, TAIL_SCAN_BYTES } from "../src/store/log_tail.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("readLogTail: a line cut by the other stream reads whole, where it began; a line still being written is included", async () => {
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
    { stream: "stdout", text: "long start long rest" },
    { stream: "stderr", text: "interleaved" },
    { stream: "stderr", text: "last words" },
    { stream: "stdout", text: "still being writ" },
  ]);
  assert.deepEqual(await readLogTail(`${path}.missing`, 4), [], "a missing file has no lines");
});

Deno.test("readLogTail: pieces of both streams cut many times, an empty first piece, a line cut by the file's end", async () => {
  const path = `${testTempDir()}/pieces.1.log`;
  // printf A1; echo e1 >&2; printf B2; echo e2 >&2; echo D4 — as the recorder stores it.
  const records = ["O ", "~O", "E e1", "o A1", "~O", "E e2", "o B2D4", "E x", "~E", "O y", "e z"];
  await Deno.writeTextFile(path, records.join("\n") + "\n");
  assert.deepEqual(await readLogTail(path, 10), [
    { stream: "stdout", text: "A1B2D4" },
    { stream: "stderr", text: "e1" },
    { stream: "stderr", text: "e2" },
    { stream: "stderr", text: "xz" },
    { stream: "stdout", text: "y" },
  ]);
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

Deno.test("readLogTail: a line longer than a display's shows by its start, with the lines before it", async () => {
  const path = `${testTempDir()}/long.1.log`;
  const long = "b".repeat(2_000_000);
  await Deno.writeTextFile(path, `O first\nO ${long}\nE ${"c".repeat(300_000)}\nO partial`);
  const tail = await readLogTail(path, 4);
  assert.deepEqual(tail.map((l) => [l.stream, l.text.slice(0, 5), l.text.length]), [
    ["stdout", "first", 5],
    ["stdout", "bbbbb", 64 * 1024 + 4], // its start: enough for the display to cut it
    ["stderr", "ccccc", 64 * 1024 + 4],
    ["stdout", "parti", 7],
  ]);
  assert.deepEqual((await readLogTail(path, 1)).map((l) => l.stream), ["stdout"]);
});

/** Bytes this process has read so far (Linux: /proc/self/io `rchar`). */
function bytesRead(): number {
  return Number(/rchar: (\d+)/.exec(Deno.readTextFileSync("/proc/self/io"))![1]);
}

Deno.test("readLogTail: a 3 GB line costs a bounded read; its end shows, marked, with the lines after it", async () => {
  const path = `${testTempDir()}/huge.1.log`;
  // A sparse file: a record of 3 GB (NUL bytes on no disk) and the error after it.
  const file = await Deno.open(path, { write: true, create: true });
  await file.write(new TextEncoder().encode("O start"));
  await file.truncate(3_000_000_000);
  await file.seek(0, Deno.SeekMode.End);
  await file.write(new TextEncoder().encode("\n~E\nE Error: the real reason\n"));
  file.close();
  const before = bytesRead();
  const tail = await readLogTail(path, 10);
  const read = bytesRead() - before;
  assert.ok(read < 3 * TAIL_SCAN_BYTES, `read ${read} bytes for the tail`);
  assert.equal(tail.length, 2);
  assert.equal(tail[0].stream, "stderr", "the stream a cut marker names");
  assert.equal(tail[0].headless, true);
  assert.ok(tail[0].text.startsWith("… \0\0"), "shown by its end, marked");
  assert.deepEqual(tail[1], { stream: "stderr", text: "Error: the real reason" });
});

Deno.test("LogTailReader: an unchanged log is not read again; a changed one is", async () => {
  const path = `${testTempDir()}/grow.1.log`;
  await Deno.writeTextFile(path, `O ${"z".repeat(3_000_000)}\nO waiting`);
  const reader = new LogTailReader();
  const first = await reader.read(path, 5);
  assert.deepEqual(first.map((l) => l.text.slice(0, 3)), ["zzz", "wai"]);
  // The same bytes' facts (device, inode, size, mtime) with other text behind them: a
  // reader that read the log again would show it. (Not the process's read count: any other
  // read in this process, a module loaded late, would move that.)
  const facts = Deno.statSync(path);
  const file = Deno.openSync(path, { write: true });
  file.seekSync(-"waiting".length, Deno.SeekMode.End);
  file.writeSync(new TextEncoder().encode("WAITING"));
  file.close();
  Deno.utimeSync(path, facts.atime!, facts.mtime!);
  assert.strictEqual(await reader.read(path, 5), first, "not read again");
  await Deno.writeTextFile(path, " for input\n", { append: true });
  assert.equal((await reader.read(path, 5)).at(-1)!.text, "WAITING for input");
  assert.deepEqual(await reader.read(`${path}.missing`, 5), []);
});
