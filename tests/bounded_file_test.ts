/**
 * src/bounded_file.ts: reads of a file whose size the user or the machine controls stop
 * at the limit plus one byte (regular files, /proc files); devices and FIFOs are refused
 * unread (src/regular_file.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BoundedRead,
  FileTooLargeError,
  readBytesBounded,
  readTextBounded,
  readTextBoundedSync,
} from "../src/bounded_file.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { NotRegularFileError } from "../src/regular_file.ts";
import { OUTPUT_FILE_MAX_BYTES } from "../src/engine/output_files.ts";
import { testTempDir } from "./_tmp.ts";

const OPTIONS = { what: "the SQL file", hint: "split it", limit: 10 };

Deno.test("readTextBounded: a file within the limit reads whole, async and sync", async () => {
  const path = join(testTempDir("bf-"), "a.sql");
  Deno.writeTextFileSync(path, "0123456789");
  assert.equal(await readTextBounded(path, OPTIONS), "0123456789");
  assert.equal(readTextBoundedSync(path, OPTIONS), "0123456789");
});

Deno.test("readTextBounded: a regular file over the limit is refused, naming file and limit", async () => {
  const path = join(testTempDir("bf-"), "big.sql");
  Deno.writeTextFileSync(path, "01234567890");
  const error = await readTextBounded(path, OPTIONS).catch((e) => e);
  assert.ok(error instanceof FileTooLargeError);
  assert.equal(
    error.message,
    `the SQL file ${JSON.stringify(path)} is too large: weft reads at most 10 bytes of it ` +
      "(stopped reading there); split it",
  );
  assert.equal(resolveQuoted(error.marked()), error.message);
  assert.throws(() => readTextBoundedSync(path, OPTIONS), FileTooLargeError);
});

Deno.test("readTextBounded: /dev/zero is refused unread, naming what it is", async () => {
  const error = await readTextBounded("/dev/zero", { what: "the script", hint: "h" })
    .catch((e) => e);
  assert.ok(error instanceof NotRegularFileError);
  assert.equal(error.path, "/dev/zero");
  assert.equal(error.message, "it is a character device, not a file");
  assert.throws(
    () => readTextBoundedSync("/dev/zero", { ...OPTIONS, limit: 1000 }),
    NotRegularFileError,
  );
});

Deno.test("readTextBounded: a FIFO is refused, never opened (no writer needed)", async () => {
  const fifo = join(testTempDir("bf-"), "pipe");
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.equal(made.code, 0);
  // Opening it would wait for a writer for ever: the test would hang.
  const error = await readTextBounded(fifo, OPTIONS).catch((e) => e);
  assert.ok(error instanceof NotRegularFileError);
  assert.match(error.message, /a named pipe \(FIFO\), not a file/);
  assert.throws(() => readTextBoundedSync(fifo, OPTIONS), NotRegularFileError);
  await assert.rejects(readBytesBounded(fifo, 10), NotRegularFileError);
});

Deno.test("readTextBounded: a missing file throws NotFound as Deno does", async () => {
  await assert.rejects(
    readTextBounded(join(testTempDir("bf-"), "none.sql"), OPTIONS),
    Deno.errors.NotFound,
  );
});

Deno.test("readBytesBounded: a /proc file that stat calls empty (gigabytes) stops past the limit", async () => {
  // /proc/self/pagemap: a regular file of size 0 holding 8 bytes per page of the address
  // space, and refusing reads that are not a multiple of 8 bytes.
  assert.equal(Deno.statSync("/proc/self/pagemap").size, 0);
  assert.equal(await readBytesBounded("/proc/self/pagemap", 1024 * 1024), undefined);
  const small = join(testTempDir("bf-"), "small");
  Deno.writeTextFileSync(small, "abc");
  assert.deepEqual(await readBytesBounded(small, 3), new TextEncoder().encode("abc"));
  assert.equal(await readBytesBounded(small, 2), undefined);
});

Deno.test("BoundedRead: grows past what stat said, up to just past the limit (the $WEFT_OUTPUT limit here)", () => {
  // Reads of at most 64 KiB, as a file would give them, from `total` bytes.
  const readAll = (statSize: number, total: number) => {
    const read = new BoundedRead(OUTPUT_FILE_MAX_BYTES, statSize);
    let left = total;
    for (;;) {
      const space = read.space();
      const n = Math.min(space.length, left, 65536);
      space.fill(7, 0, n);
      left -= n;
      if (!read.took(n)) break;
    }
    return read.bytes;
  };
  assert.equal(readAll(10, 10).length, 10, "as stat said");
  assert.equal(readAll(10, 200_000).length, 200_000, "grew after stat, under the limit: all");
  assert.ok(readAll(10, 200_000).every((b) => b === 7));
  // Past the limit: stopped within one 64 KiB read of it (a larger file is refused whole).
  for (
    const [statSize, total] of [[10, 3 * OUTPUT_FILE_MAX_BYTES], [
      5 * OUTPUT_FILE_MAX_BYTES,
      5 * OUTPUT_FILE_MAX_BYTES,
    ]]
  ) {
    const length = readAll(statSize, total).length;
    assert.ok(
      length > OUTPUT_FILE_MAX_BYTES && length <= OUTPUT_FILE_MAX_BYTES + 65536,
      String(length),
    );
  }
});
