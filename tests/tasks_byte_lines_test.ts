/** Lines of any length are published as raw bytes, whole or as flagged pieces (tasks/byte_lines.ts). */
import assert from "node:assert/strict";
import {
  ByteLineSplitter,
  emitUntilExit,
  forEachByteLine,
  lineText,
  MAX_PIECE_BYTES,
  PARTIAL_FLUSH_MS,
} from "../src/tasks/byte_lines.ts";
import { ArrivalOrder } from "../src/tasks/arrival_order.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { testTempDir } from "./_tmp.ts";
import { lineCollector } from "./_task_context.ts";

type Piece = [string, boolean, boolean];
const encode = (text: string) => new TextEncoder().encode(text);

/** A splitter whose handler decodes each piece at once (the bytes are only lent). */
function splitter(maxPiece: number): { pieces: Piece[]; s: ByteLineSplitter } {
  const pieces: Piece[] = [];
  const s = new ByteLineSplitter(
    (l, more, cont) => pieces.push([lineText(l), more, cont]),
    maxPiece,
  );
  return { pieces, s };
}

Deno.test("ByteLineSplitter: a long line comes in flagged pieces that join back exactly", () => {
  const { pieces, s } = splitter(4);
  s.push(encode("ab\nabcdefghij"));
  s.push(encode("k\nxy"));
  s.flush();
  assert.deepEqual(pieces, [
    ["ab", false, false],
    ["abcd", true, false],
    ["efgh", true, true],
    ["ijk", false, true],
    ["xy", false, false],
  ]);
});

Deno.test("ByteLineSplitter: pieces never split a UTF-8 sequence or a CRLF", () => {
  const { pieces, s } = splitter(4);
  s.push(encode("abc😀de\r"));
  s.push(encode("\n"));
  s.push(encode("x\r"));
  s.push(encode("\ryz\r\n"));
  s.flush();
  const lines = pieces.reduce<string[]>((acc, [text, , cont]) => {
    if (cont) acc[acc.length - 1] += text;
    else acc.push(text);
    return acc;
  }, []);
  assert.deepEqual(lines, ["abc😀de", "x\r\ryz"]);
  for (const [piece] of pieces) {
    assert.ok(!piece.includes("\uFFFD"), `a piece decodes alone: ${piece}`);
  }
});

Deno.test("ByteLineSplitter: a line within one chunk is a view of it; pieces reuse one buffer", () => {
  const chunk = encode("hello\nworld\n");
  const seen: Uint8Array[] = [];
  new ByteLineSplitter((l) => seen.push(l)).push(chunk);
  assert.equal(seen[0].buffer, chunk.buffer, "no copy for a whole line");
  const buffers = new Set<ArrayBufferLike>();
  const long = new ByteLineSplitter((l) => buffers.add(l.buffer), 8);
  long.push(encode("x".repeat(100) + "\n"));
  assert.equal(buffers.size, 1, "every piece of a long line lent from one buffer");
});

Deno.test("ByteLineSplitter: bytes are passed on as printed, invalid UTF-8 included", () => {
  const raw = new Uint8Array([0xff, 0x41, 0xc3, 0x0a, 0x80, 0x0a]);
  const lines: number[][] = [];
  const s = new ByteLineSplitter((l) => lines.push([...l]));
  s.push(raw);
  s.flush();
  assert.deepEqual(lines, [[0xff, 0x41, 0xc3], [0x80]]);
});

Deno.test("forEachByteLine: waits for a handler's promise before reading on", async () => {
  const chunks = ["one\ntwo\n", "three\n"];
  let read = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (read === chunks.length) return c.close();
      c.enqueue(encode(chunks[read++]));
    },
  }, { highWaterMark: 0 });
  const seen: string[] = [];
  await forEachByteLine(stream, (line) => {
    seen.push(`${lineText(line)}@${read}`);
    if (lineText(line) === "two") return new Promise((r) => setTimeout(r, 10));
  });
  assert.deepEqual(seen, ["one@1", "two@1", "three@2"]);
});

Deno.test("forEachByteLine: ownChunks frees each chunk once handled; otherwise chunks are left alone", async () => {
  const make = () => [encode("a".repeat(5000) + "\n"), encode("b".repeat(5000) + "\n")];
  for (const ownChunks of [false, true]) {
    const chunks = make();
    const lengths: number[] = [];
    await forEachByteLine(ReadableStream.from(chunks), (l) => lengths.push(l.length), {
      ownChunks,
    });
    assert.deepEqual(lengths, [5000, 5000]);
    for (const chunk of chunks) assert.equal(chunk.length, ownChunks ? 0 : 5001);
  }
});

Deno.test("forEachByteLine: a line far longer than a piece comes back whole from its pieces", async () => {
  const line = "é".repeat(MAX_PIECE_BYTES) + "end"; // two bytes a character: pieces cut inside none
  let joined = "";
  let calls = 0;
  await forEachByteLine(ReadableStream.from([encode(line + "\n")]), (l, more, cont) => {
    calls++;
    assert.equal(cont, calls > 1);
    assert.equal(more, joined.length + lineText(l).length < line.length);
    joined += lineText(l);
  });
  assert.equal(joined, line);
  assert.ok(calls >= 2);
});

Deno.test("forEachByteLine: a reader told to stop ends even while a handler holds it back", async () => {
  const stop = new AbortController();
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(encode("line\nmore")); // endless, each chunk ending inside a line
    },
  }, { highWaterMark: 0 });
  const seen: string[] = [];
  const ended = forEachByteLine(stream, (line) => {
    seen.push(lineText(line));
    if (seen.length === 1) stop.abort(); // told to stop while this line is not taken yet
    return new Promise(() => {}); // a receiver that never lets go (a stopped terminal)
  }, { signal: stop.signal });
  await ended;
  // The unfinished line read before the stop is still handed on, and nothing after it.
  assert.deepEqual(seen, ["line", "more"]);
});

Deno.test("emitUntilExit: a killed process whose output nobody takes ends its task all the same", async () => {
  // A stuck receiver (the display of a terminal nobody reads) holds the reading back; the
  // process is killed (its timeout, Ctrl-C): its status still comes once its pipes had
  // their grace, with the unfinished last line handed on, not waited for.
  const kill = new AbortController();
  const child = await new DenoSpawner().spawn({
    cmd: "sh",
    args: ["-c", "yes 'a line' | head -c 10000000"],
    cwd: "/",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    killSignal: kill.signal,
    killGraceMs: 100,
  });
  let lines = 0;
  const status = await emitUntilExit(child, {
    emit: () => {
      if (++lines === 1000) kill.abort();
      return lines < 1000 ? undefined : new Promise(() => {});
    },
  });
  assert.ok(status.signal !== null, "ended by its kill");
  assert.ok(lines >= 1000 && lines < 10000000 / 7, `${lines} lines handed on`);
});

/** Runs `sh -c script` as the shell runner does: every line emitted, then the status. */
async function emitted(script: string) {
  const child = await new DenoSpawner().spawn({
    cmd: "sh",
    args: ["-c", script],
    cwd: "/",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
  });
  // Pieces joined back: a last line that waited PARTIAL_FLUSH_MS for the exit (a loaded
  // machine) comes as its start, then its empty end.
  const { lines, emit } = lineCollector();
  const status = await emitUntilExit(child, { emit });
  return { lines: lines.map((l) => `${l.stream}:${l.line}`), status };
}

Deno.test("emitUntilExit: the last lines, printed as the process ends, all come before its status", async () => {
  for (let i = 0; i < 50; i++) {
    const { lines, status } = await emitted(`echo a${i}; printf b${i} >&2; printf c${i}; exit 3`);
    assert.deepEqual(lines.sort(), [`stderr:b${i}`, `stdout:a${i}`, `stdout:c${i}`]);
    assert.equal(status.code, 3);
  }
});

Deno.test("emitUntilExit: a last line that paused past PARTIAL_FLUSH_MS (sent in pieces) is whole once joined, before the status", async () => {
  const pause = (PARTIAL_FLUSH_MS * 5) / 1000;
  const { lines, status } = await emitted(`printf b >&2; printf c; sleep ${pause}; exit 3`);
  assert.deepEqual(lines.sort(), ["stderr:b", "stdout:c"]);
  assert.equal(status.code, 3);
});

Deno.test("emitUntilExit: a process that left the group and holds the pipe does not hold the task", async () => {
  // The background process leaves the group (setsid) before the leader ends, so the sweep
  // of the group misses it and it keeps the pipe open: reading stops after the grace, with
  // what was printed before.
  const flag = `${testTempDir("drain-")}/left`;
  const { lines, status } = await emitted(
    `echo before; setsid sh -c 'touch "$0"; exec sleep 3' '${flag}' & ` +
      `while [ ! -e '${flag}' ]; do sleep 0.01; done; echo after`,
  );
  assert.deepEqual(lines, ["stdout:before", "stdout:after"]);
  assert.equal(status.code, 0);
});

type EarlyPiece = [string, boolean, boolean, boolean];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A splitter that publishes a line's start after `flushMs` of pause (PARTIAL_FLUSH_MS). */
function earlySplitter(flushMs = 10, maxPiece = MAX_PIECE_BYTES) {
  const pieces: EarlyPiece[] = [];
  const s = new ByteLineSplitter(
    (l, more, cont, early) => pieces.push([lineText(l), more, cont, early]),
    maxPiece,
    flushMs,
  );
  return { pieces, s };
}

Deno.test("ByteLineSplitter: a line's start is published after a pause, flagged early, and joins back", async () => {
  const { pieces, s } = earlySplitter();
  s.push(encode("line1\npartial"));
  await pause(60);
  assert.deepEqual(pieces, [["line1", false, false, false], ["partial", true, false, true]]);
  s.push(encode("-rest\nnext"));
  s.flush();
  assert.deepEqual(pieces.slice(2), [["-rest", false, true, true], ["next", false, false, false]]);
  // Joined as the log joins pieces: one line each.
  assert.equal(
    pieces.map(([t, more]) => t + (more ? "" : "\n")).join(""),
    "line1\npartial-rest\nnext\n",
  );
});

Deno.test("ByteLineSplitter: a trailing CR and an unfinished UTF-8 sequence wait for what follows", async () => {
  const { pieces, s } = earlySplitter();
  const euro = encode("€"); // 3 bytes
  s.push(new Uint8Array([...encode("10%\r20%\r"), ...euro.subarray(0, 2)]));
  await pause(60);
  assert.deepEqual(pieces, [["10%\r20%", true, false, true]]);
  s.push(new Uint8Array([...euro.subarray(2), ...encode("\r\n")]));
  s.flush();
  assert.deepEqual(pieces.slice(1), [["\r€", false, true, true]]);
});

Deno.test("ByteLineSplitter: no early piece while output keeps flowing, and none without a flush time", async () => {
  const { pieces, s } = earlySplitter(30);
  for (let i = 0; i < 8; i++) {
    s.push(encode(`${i}a\n${i}b-start `)); // each chunk ends mid-line, its rest comes next
    await pause(5);
    s.push(encode(`${i}b-end\n`));
  }
  await pause(80);
  s.flush();
  assert.ok(pieces.every(([, more, , early]) => !more && !early), JSON.stringify(pieces));
  const plain = splitter(MAX_PIECE_BYTES);
  plain.s.push(encode("prompt: "));
  await pause(40);
  assert.deepEqual(plain.pieces, []);
});

Deno.test("ByteLineSplitter: a last line the stream ends without a line feed is flagged unended", async () => {
  const seen: [string, boolean, boolean, boolean][] = [];
  const s = new ByteLineSplitter(
    (l, more, cont, _early, unended) => seen.push([lineText(l), more, cont, unended]),
    4,
    10,
  );
  s.push(encode("ended\n"));
  s.flush();
  assert.deepEqual(seen, [["ende", true, false, false], ["d", false, true, false]]);
  seen.length = 0;
  // Whole, in pieces, and after an early piece (its end then comes empty).
  for (const text of ["ab", "abcdef"]) {
    s.push(encode(text));
    s.flush();
  }
  s.push(encode("p"));
  while (seen.length < 4) await pause(10); // the early piece, once the output paused
  s.flush();
  assert.deepEqual(seen, [
    ["ab", false, false, true],
    ["abcd", true, false, false],
    ["ef", false, true, true],
    ["p", true, false, false],
    ["", false, true, true],
  ]);
});

/** What a handler of `stream` was given: `stream:text`, and `+` for a piece, `$` unended. */
function recorder(seen: string[], stream: string) {
  return (l: Uint8Array, more: boolean, _cont: boolean, _early: boolean, unended: boolean) =>
    void seen.push(`${stream}:${lineText(l)}${more ? "+" : ""}${unended ? "$" : ""}`);
}

Deno.test("forEachByteLine with an order: unended tails come in the order their bytes came, not their EOFs'", async () => {
  // `printf out; printf err >&2`: stdout's bytes are read first, but stderr's pipe is
  // seen to end first. Each stream's pulls are scripted, so the order is fixed.
  const outRead = Promise.withResolvers<void>();
  const errEnded = Promise.withResolvers<void>();
  let outPulls = 0;
  const stdout = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (outPulls++ === 0) return c.enqueue(encode("line\nout"));
      outRead.resolve(); // asked for more: "out" was pushed to its splitter
      await errEnded.promise;
      c.close();
    },
  }, { highWaterMark: 0 });
  const stderr = new ReadableStream<Uint8Array>({
    async pull(c) {
      await outRead.promise;
      c.enqueue(encode("err"));
      c.close();
    },
  }, { highWaterMark: 0 });
  const seen: string[] = [];
  const order = new ArrivalOrder(2);
  await Promise.all([
    forEachByteLine(stdout, recorder(seen, "stdout"), { order }),
    forEachByteLine(stderr, recorder(seen, "stderr"), { order }).then(() => errEnded.resolve()),
  ]);
  assert.deepEqual(seen, ["stdout:line", "stdout:out$", "stderr:err$"]);
});

Deno.test("ArrivalOrder: a tail's place is where its held bytes began, whichever stream ends first", () => {
  for (const stdoutEndsFirst of [true, false]) {
    const seen: string[] = [];
    const order = new ArrivalOrder(2);
    const out = new ByteLineSplitter(recorder(seen, "stdout"), 4, null, order);
    const err = new ByteLineSplitter(recorder(seen, "stderr"), 4, null, order);
    // stdout's line began first and ended later: its start came first, so it does.
    out.push(encode("o"));
    err.push(encode("e1\ne"));
    out.push(encode("ut"));
    // Not yet: the other stream has not ended.
    assert.equal(order.ended(stdoutEndsFirst ? out : err), undefined);
    assert.deepEqual(seen, ["stderr:e1"]);
    order.ended(stdoutEndsFirst ? err : out);
    assert.deepEqual(seen, ["stderr:e1", "stdout:out$", "stderr:e$"], `${stdoutEndsFirst}`);
  }
  // A long line cut in pieces: its bytes published so far are in the log already; what
  // it still holds came after stderr's tail, so that comes first.
  const seen: string[] = [];
  const order = new ArrivalOrder(2);
  const out = new ByteLineSplitter(recorder(seen, "stdout"), 4, null, order);
  const err = new ByteLineSplitter(recorder(seen, "stderr"), 4, null, order);
  out.push(encode("abc"));
  err.push(encode("e"));
  out.push(encode("def"));
  order.ended(out);
  order.ended(err);
  assert.deepEqual(seen, ["stdout:abcd+", "stderr:e$", "stdout:ef$"]);
});
