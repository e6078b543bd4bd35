/**
 * The FFI spawner's `readOutput` fast path (the reactor calls back with each read, no
 * ReadableStream) as the shell runner uses it through readByteLines: the same lines as
 * the stream path, backpressure that pauses reading, an abort that stops it, and a pipe
 * that can be read only one way.
 */
import assert from "node:assert/strict";
import { ffiTest, sh } from "./_ffi_spawn.ts";
import { forEachByteLine, lineText, readByteLines } from "../src/tasks/byte_lines.ts";
import type { SpawnedProcess } from "../src/tasks/types.ts";

const test = ffiTest("readOutput");

async function lines(child: SpawnedProcess, fast: boolean): Promise<string[][]> {
  const got: string[][] = [[], []];
  const streams = ["stdout", "stderr"] as const;
  await Promise.all(streams.map((name, i) => {
    const onLine = (line: Uint8Array) => void got[i].push(lineText(line));
    return fast ? readByteLines(child, name, onLine) : forEachByteLine(child[name], onLine);
  }));
  await child.status;
  return got;
}

// 3,000 numbered lines on stdout (several 64 KiB reads), a few on stderr, a last line
// without a newline, a CRLF and invalid UTF-8.
const SCRIPT = "seq 1 3000 | sed 's/$/ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/'; " +
  "echo err1 >&2; printf 'crlf\\r\\n\\377bad\\nlast'; echo err2 >&2";

test("gives the same lines as the stream path", async () => {
  const fast = await lines(await sh(SCRIPT), true);
  const slow = await lines(await sh(SCRIPT), false);
  assert.equal(fast[0].length, 3003);
  assert.deepEqual(fast, slow);
  assert.deepEqual(fast[1], ["err1", "err2"]);
  assert.deepEqual(fast[0].slice(-3), ["crlf", "\uFFFDbad", "last"]);
});

test("a handler's promise pauses reading: nothing is lost or reordered", async () => {
  const child = await sh("seq 1 20000");
  const got: number[] = [];
  let pending = false; // a handler's promise is pending
  let samePush = false; // still in the push that returned it (its lines come synchronously)
  let readWhilePaused = false;
  await Promise.all([
    readByteLines(child, "stdout", (line) => {
      readWhilePaused ||= pending && !samePush;
      got.push(Number(lineText(line)));
      if (got.length % 5000 !== 0) return;
      pending = samePush = true;
      queueMicrotask(() => samePush = false);
      return new Promise((r) => setTimeout(r, 30)).then(() => pending = false);
    }),
    readByteLines(child, "stderr", () => {}),
  ]);
  assert.equal((await child.status).code, 0);
  assert.equal(got.length, 20000);
  assert.ok(got.every((n, i) => n === i + 1), "in order");
  assert.equal(readWhilePaused, false, "no read while a handler's promise was pending");
});

test("an abort stops reading a pipe a left-behind process still holds", async () => {
  // The background sleep keeps stdout open after the leader exits.
  const child = await sh("echo one; setsid sleep 2 & exit 0");
  const got: string[] = [];
  const stop = new AbortController();
  const reading = readByteLines(child, "stdout", (l) => void got.push(lineText(l)), {
    signal: stop.signal,
  });
  const errors = readByteLines(child, "stderr", () => {}, { signal: stop.signal });
  await child.status;
  stop.abort();
  await Promise.all([reading, errors]);
  assert.deepEqual(got, ["one"]);
});

test("a pipe read one way cannot be read the other way too", async () => {
  const child = await sh("echo hi");
  const reading = readByteLines(child, "stdout", () => {});
  assert.throws(() => child.stdout, /already being read/);
  await Promise.all([reading, forEachByteLine(child.stderr, () => {})]);
  await child.status;
});
