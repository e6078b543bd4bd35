/**
 * The per-attempt $WEFT_OUTPUT files: each attempt a path of its own in the run's private
 * folder, where nothing is until the task writes (a caller-chosen folder: a fresh empty 0600
 * file), its outputs read at the end, a file read removed in a later turn (or kept in a
 * caller-chosen folder), never handed to a second attempt.
 */
import assert from "node:assert/strict";
import {
  OUTPUT_FILE_MAX_BYTES,
  OutputFiles,
  OutputTooLargeError,
  OutputUnreadableError,
} from "../src/engine/output_files.ts";
import { OutputFormatError } from "../src/engine/outputs.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { testTempDir } from "./_tmp.ts";

/** One turn of the event loop: what the files do "later" is done after it. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("output files: every attempt gets a path of its own, where nothing is until it writes", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const held = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const path = files.take("build", 1);
    assert.ok(path.startsWith(`${dir}/`) && path.endsWith(".out"), path);
    assert.ok(!held.has(path), "never two attempts at once");
    held.add(path);
    await nextTurn();
  }
  assert.deepEqual(names(dir), [], "no file made for a task");
  for (const path of held) assert.equal(files.read(path), null, "nothing written: no outputs");
  await nextTurn();
  assert.deepEqual(names(dir), [], "and none made after");
});

Deno.test("output files: a file the task's first append made is read, then removed", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const path = files.take("a", 1);
  Deno.writeTextFileSync(path, "k=v\n", { append: true }); // as `echo k=v >> "$WEFT_OUTPUT"`
  Deno.writeTextFileSync(path, "n=2\n", { append: true });
  assert.deepEqual(files.read(path), { k: "v", n: "2" }, "small: read without waiting");
  assert.deepEqual(names(dir), [path.slice(dir.length + 1)], "removed in a later turn");
  await nextTurn();
  assert.deepEqual(names(dir), []);
  const touched = files.take("b", 1);
  Deno.writeTextFileSync(touched, "");
  assert.equal(files.read(touched), null, "an empty file: no outputs");
  await nextTurn();
  assert.deepEqual(names(dir), [], "and removed as well");
});

Deno.test("output files: no file serves a second attempt, empty or written, and each read one goes", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const empty = files.take("a", 1);
  assert.equal(files.read(empty), null);
  // A process that left the task's group may still write to its path later.
  const written = files.take("c", 1);
  Deno.writeTextFileSync(written, "x=1\n", { append: true });
  assert.deepEqual(await files.read(written), { x: "1" });
  const later = [files.take("b", 1), files.take("d", 1)];
  for (const path of later) {
    assert.ok(![empty, written].includes(path), path);
    assert.equal(files.read(path), null, "nothing there for a new attempt");
  }
  await nextTurn();
  for (const path of [empty, written]) {
    assert.equal(names(dir).includes(path.slice(dir.length + 1)), false, `${path}: removed`);
  }
});

Deno.test("output files: a caller-chosen folder never hands a file out twice", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, true);
  const first = files.take("a", 1);
  assert.equal(files.read(first), null);
  assert.notEqual(files.take("a", 2), first);
  await nextTurn();
  assert.ok(names(dir).includes(first.slice(dir.length + 1)), "kept");
});

Deno.test("output files: what a task wrote is read, and the file is removed afterwards", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const path = files.take("a", 1);
  Deno.writeTextFileSync(path, "version=1.2\nnotes<<EOF\nline 1\nline 2\nEOF\n", { append: true });
  assert.deepEqual(await files.read(path), { version: "1.2", notes: "line 1\nline 2" });
  const empty = files.take("b", 1);
  assert.equal(await files.read(empty), null);
  await nextTurn();
  assert.equal(Deno.statSync(dir).isDirectory, true);
  assert.equal(names(dir).includes(path.slice(dir.length + 1)), false, "read: removed");
  assert.equal(names(dir).includes(empty.slice(dir.length + 1)), false, "empty: removed too");
  assert.ok(![files.take("c", 1), files.take("d", 1)].includes(empty), "never handed out again");
});

Deno.test("output files: a task that removed its file has no outputs", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const path = files.take("a", 1);
  Deno.writeTextFileSync(path, "x=1\n", { append: true });
  Deno.removeSync(path);
  assert.equal(await files.read(path), null);
  await nextTurn();
});

Deno.test("output files: a caller-chosen folder keeps every file, named after the task and attempt", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, true);
  const first = files.take("deploy", 1);
  const second = files.take("deploy", 2);
  assert.match(first, /\/1-deploy-1\.out$/);
  assert.match(second, /\/2-deploy-2\.out$/);
  Deno.writeTextFileSync(first, "x=1\n");
  assert.deepEqual(await files.read(first), { x: "1" });
  assert.equal(await files.read(second), null);
  await nextTurn();
  assert.deepEqual(
    names(dir),
    ["1-deploy-1.out", "2-deploy-2.out"],
    "nothing removed or made ahead",
  );
});

Deno.test("output files: close removes the files read at once, so the folder can be removed", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const path = files.take("a", 1);
  Deno.writeTextFileSync(path, "x=1\n", { append: true });
  assert.deepEqual(await files.read(path), { x: "1" });
  files.close();
  assert.deepEqual(names(dir), [], "the read file removed, in this turn");
  Deno.removeSync(dir); // not recursive: fails if anything is left
  await nextTurn(); // a removal still scheduled finds nothing to do: no error
});

Deno.test("output files: a folder that is gone fails a kept folder's take; the run's own reads no outputs", () => {
  const kept = testTempDir("out-");
  const keeping = new OutputFiles(kept, true);
  keeping.take("a", 1);
  Deno.removeSync(kept, { recursive: true });
  assert.throws(() => keeping.take("b", 1), Deno.errors.NotFound);
  // The run's own folder: the task's own write would have failed, and said so.
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const path = files.take("a", 1);
  Deno.removeSync(dir, { recursive: true });
  assert.equal(files.read(path), null);
});

Deno.test("output files: small outputs are read at once, large ones as well, bad ones name the line", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const small = files.take("a", 1);
  Deno.writeTextFileSync(small, "x=1\n", { append: true });
  const read = files.read(small);
  assert.ok(!(read instanceof Promise), "a small file is read without waiting");
  assert.deepEqual(read, { x: "1" });
  const large = files.take("b", 1);
  const big = "y".repeat(100_000);
  Deno.writeTextFileSync(large, `big=${big}\n`, { append: true });
  assert.deepEqual(await files.read(large), { big });
  const bad = files.take("c", 1);
  Deno.writeTextFileSync(bad, "not an output\n", { append: true });
  assert.ok(await files.read(bad) instanceof OutputFormatError, "the format error, not outputs");
  await nextTurn();
  assert.deepEqual(names(dir).filter((n) => [small, large, bad].some((p) => p.endsWith(n))), []);
});

Deno.test("output files: over OUTPUT_FILE_MAX_BYTES is refused by size (sync and async sizes), at it is read", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const over = files.take("a", 1);
  // Zero bytes: not text, but refused for its size before any parsing.
  Deno.writeFileSync(over, new Uint8Array(OUTPUT_FILE_MAX_BYTES + 1));
  const refused = await files.read(over);
  assert.ok(refused instanceof OutputTooLargeError);
  assert.equal(refused.size, OUTPUT_FILE_MAX_BYTES + 1);
  assert.match(
    refused.reason,
    /\$WEFT_OUTPUT holds more than its limit of 1 MiB; write large data to a file and pass its path/,
  );
  const at = files.take("b", 1);
  Deno.writeTextFileSync(at, "k=" + "v".repeat(OUTPUT_FILE_MAX_BYTES - 3) + "\n");
  const read = await files.read(at);
  assert.ok(read && !(read instanceof Error));
  assert.equal(read.k.length, OUTPUT_FILE_MAX_BYTES - 3);
  const small = files.take("c", 1);
  Deno.writeTextFileSync(small, "k=" + "x".repeat(70_000) + "\n"); // the async path
  assert.deepEqual(await files.read(small), { k: "x".repeat(70_000) });
  assert.equal(OUTPUT_FILE_MAX_BYTES, 1024 * 1024);
});

Deno.test("output files: a path made into a FIFO, a directory, a device or a dangling link fails; gone is no outputs", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const replaced = (make: (path: string) => void) => {
    const path = files.take("t", 1);
    make(path);
    return path;
  };
  const fifo = replaced((path) => {
    const made = new Deno.Command("mkfifo", { args: [path] }).outputSync();
    assert.ok(made.success);
  });
  const cases: [string, RegExp][] = [
    [fifo, /is now a named pipe \(FIFO\), not a regular file/],
    [replaced((path) => Deno.mkdirSync(path)), /is now a directory, not a regular file/],
    [replaced((path) => Deno.symlinkSync("/dev/zero", path)), /is now a character device/],
    [
      replaced((path) => Deno.symlinkSync(`${dir}/missing`, path)),
      /symbolic link to a file that does not exist/,
    ],
  ];
  for (const [path, reason] of cases) {
    // A FIFO is never opened: opening it would wait for a writer, and this would hang.
    const read = await files.read(path);
    assert.ok(read instanceof OutputUnreadableError, path);
    assert.match(read.reason, /\$WEFT_OUTPUT /);
    assert.match(read.reason, reason);
  }
  const target = `${dir}/target.txt`;
  Deno.writeTextFileSync(target, "A=1\n");
  const linked = replaced((path) => Deno.symlinkSync(target, path));
  assert.deepEqual(await files.read(linked), { A: "1" }, "a link to a regular file is read");
  const never = replaced(() => {});
  assert.equal(await files.read(never), null, "never written: no outputs");
});

Deno.test({
  name: "output files: a file that cannot be opened fails with the OS's words quoted" +
    (Deno.uid() === 0 ? " (skipped: root reads a 0000 file anyway)" : ""),
  ignore: Deno.uid() === 0,
}, async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const path = files.take("t", 1);
  Deno.writeTextFileSync(path, "A=1\n");
  Deno.chmodSync(path, 0o000);
  const read = await files.read(path);
  assert.ok(read instanceof OutputUnreadableError);
  assert.match(read.reason, /\$WEFT_OUTPUT could not be read: .*[Pp]ermission denied/);
});

Deno.test("output files: bytes that are not UTF-8 fail with the line and key, small or large, in a heredoc too", async () => {
  const dir = testTempDir("out-");
  const files = new OutputFiles(dir, false);
  const latin1 = (text: string) => Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
  const cases: [Uint8Array, number, RegExp][] = [
    [latin1("ok=1\nk=caf\xe9 \xff\n"), 2, /line 2: the value of "k" is not UTF-8 text/],
    [latin1(`big=${"y".repeat(100_000)}\nname=\xe9t\xe9\n`), 2, /line 2: the value of "name"/],
    [latin1("notes<<EOF\nfine\nline \xe9\nEOF\n"), 3, /line 3: it is not UTF-8 text/],
    // A sequence cut short at the end of the file.
    [
      Uint8Array.from([...new TextEncoder().encode("x=€"), 0xe2, 0x82]),
      1,
      /line 1: the value of "x"/,
    ],
  ];
  for (const [bytes, line, reason] of cases) {
    const path = files.take("a", 1);
    Deno.writeFileSync(path, bytes);
    const read = await files.read(path);
    assert.ok(read instanceof OutputFormatError, String(reason));
    assert.equal(read.line, line);
    assert.match(resolveQuoted(read.reason), reason);
    assert.match(read.reason, /convert it \(iconv -f LATIN1 -t UTF-8\) or encode it \(base64\)/);
  }
  // UTF-8 of every length still reads.
  const fine = files.take("b", 1);
  Deno.writeTextFileSync(fine, "k=café ✓ 😀\n");
  assert.deepEqual(files.read(fine), { k: "café ✓ 😀" });
});
