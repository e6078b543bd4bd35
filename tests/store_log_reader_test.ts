/** Reading log files back as pieces of lines, byte-exact and resumable (store/log_reader.ts). */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { type LogCursor, type LogPiece, readLog } from "../src/store/log_reader.ts";
import { LogWriter } from "../src/store/log_files.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Finished lines as `stream:text`, and what the pieces looked like. */
async function lines(path: string, from?: LogCursor) {
  const done: string[] = [];
  const pieces: LogPiece[] = [];
  const open: Record<string, number[]> = {};
  const cursor = await readLog(path, from, (piece) => {
    pieces.push({ ...piece, bytes: piece.bytes.slice() }); // lent: copied to keep
    if (piece.starts) open[piece.stream] = [];
    (open[piece.stream] ??= []).push(...piece.bytes);
    if (piece.ends) {
      done.push(`${piece.stream}:${decode(new Uint8Array(open[piece.stream]))}`);
      delete open[piece.stream];
    }
  });
  return { done, pieces, cursor, open };
}

Deno.test("readLog: lines of both streams in order, a cut long line joined back", async () => {
  const dir = testTempDir();
  const writer = new LogWriter(dir);
  writer.append("r/t.1.log", "stdout", "first");
  writer.append("r/t.1.log", "stdout", encode("long-"), true);
  writer.append("r/t.1.log", "stderr", "err in between");
  writer.append("r/t.1.log", "stdout", encode("line"), false, true);
  writer.append("r/t.1.log", "stderr", "");
  await writer.closeAll();
  const { done } = await lines(`${dir}/r/t.1.log`);
  assert.deepEqual(done, ["stdout:first", "stderr:err in between", "stdout:long-line", "stderr:"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLog: bytes come back exactly, invalid UTF-8 and a line over many reads", async () => {
  const dir = testTempDir();
  const path = `${dir}/t.log`;
  const big = new Uint8Array(300_000).fill(0x61);
  big[70_000] = 0xff; // invalid UTF-8 inside, and a read boundary (64 KiB) crossed
  const file = new Uint8Array([...encode("O "), ...big, 0x0a, ...encode("E \xff"), 0x0a]);
  await Deno.writeFile(path, file);
  const got: number[] = [];
  let starts = 0, ends = 0;
  await readLog(path, undefined, (piece) => {
    if (piece.stream === "stdout") got.push(...piece.bytes);
    if (piece.starts) starts++;
    if (piece.ends) ends++;
  });
  assert.deepEqual(new Uint8Array(got), big);
  assert.equal(starts, 2);
  assert.equal(ends, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLog: resumes from its cursor inside a line still being written", async () => {
  const dir = testTempDir();
  const path = `${dir}/t.log`;
  await Deno.writeFile(path, encode("O done\nO part"));
  const first = await lines(path);
  assert.deepEqual(first.done, ["stdout:done"]);
  assert.deepEqual(first.cursor, { offset: 13, open: "stdout", started: true });
  // No newline yet: the piece so far was given, without an end.
  assert.equal(decode(first.pieces.at(-1)!.bytes), "part");
  await Deno.writeFile(path, encode("ial\nE x\n"), { append: true });
  const second = await lines(path, first.cursor);
  assert.equal(second.pieces[0].starts, false, "the line goes on; it does not start again");
  assert.equal(decode(second.pieces[0].bytes), "ial");
  assert.deepEqual(second.done.slice(1), ["stderr:x"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLog: a tag or marker cut by the end of the file is left for the next read", async () => {
  const dir = testTempDir();
  const path = `${dir}/t.log`;
  await Deno.writeFile(path, encode("O a\nO"));
  const first = await lines(path);
  assert.deepEqual(first.cursor.offset, 4);
  await Deno.writeFile(path, encode(" b\n"), { append: true });
  assert.deepEqual((await lines(path, first.cursor)).done, ["stdout:b"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLog: a missing file reads as empty unless it must exist; untagged lines are stdout", async () => {
  const dir = testTempDir();
  const none = await lines(`${dir}/none.log`);
  assert.deepEqual(none.cursor, { offset: 0, open: null });
  await assert.rejects(readLog(`${dir}/none.log`, undefined, () => {}, true), Deno.errors.NotFound);
  await Deno.writeFile(`${dir}/hand.log`, encode("written by hand\nO tagged\n"));
  assert.deepEqual((await lines(`${dir}/hand.log`)).done, [
    "stdout:written by hand",
    "stdout:tagged",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLog: a line stored unended has no end; one from an older file keeps its end", async () => {
  const dir = testTempDir();
  const writer = new LogWriter(dir);
  writer.append("r/new.1.log", "stdout", encode("a"));
  writer.append("r/new.1.log", "stdout", encode("abc"), false, false, true);
  await writer.closeAll();
  const now = await lines(`${dir}/r/new.1.log`);
  assert.deepEqual(now.done, ["stdout:a"]);
  assert.deepEqual(now.open, { stdout: [...encode("abc")] }, "its bytes, no end");
  assert.equal(now.cursor.open, null, "the file is complete");
  // Written before lines could be left unended: its last line read as ended, as ever.
  Deno.writeTextFileSync(`${dir}/r/old.1.log`, "O a\nO abc\n");
  assert.deepEqual((await lines(`${dir}/r/old.1.log`)).done, ["stdout:a", "stdout:abc"]);
  await Deno.remove(dir, { recursive: true });
});
