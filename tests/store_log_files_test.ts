/**
 * Log file names: task and run ids never reach the file system raw; what LogWriter
 * writes and counts.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { logFilePath, LogWriter, safeFileName } from "../src/store/log_files.ts";
import { StorageError } from "../src/store/faults.ts";

Deno.test("plain ids are kept as file names", () => {
  assert.equal(safeFileName("build_2-x"), "build_2-x");
  assert.equal(
    logFilePath("20261126T002650.123Z-3f9a1c0b7e", "build", 2),
    "20261126T002650.123Z-3f9a1c0b7e/build.2.log",
  );
  assert.equal(safeFileName("20261126T002650Z-3f9a1c"), "20261126T002650Z-3f9a1c");
});

Deno.test("odd, long and unicode ids become safe, distinct, short names", () => {
  const ids = ["..", ".", "a/b", "../../etc", "a b", "é", "€", " ac", "x".repeat(3000), "%20ac"];
  const names = ids.map(safeFileName);
  for (const name of names) {
    assert.match(name, /^[A-Za-z0-9_-]{0,48}~[0-9a-f]{16}$|^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/);
    assert.ok(name !== "." && name !== ".." && !name.includes("/"), name);
    assert.ok(new TextEncoder().encode(name).length <= 100, name);
  }
  assert.equal(new Set(names).size, ids.length, "no two ids share a file");
  assert.equal(safeFileName("x".repeat(3000)), safeFileName("x".repeat(3000)));
});

Deno.test("a log of a task with a hostile id lands inside the run's folder", async () => {
  const dir = testTempDir("weft_logname_");
  try {
    const writer = new LogWriter(`${dir}/logs`);
    const rel = logFilePath("r1", "../../escape", 1);
    writer.append(rel, "stdout", "hello");
    await writer.closeAll();
    assert.equal(await Deno.readTextFile(`${dir}/logs/${rel}`), "O hello\n");
    const entries = [...Deno.readDirSync(`${dir}/logs/r1`)].map((e) => e.name);
    assert.deepEqual(entries, [rel.split("/")[1]]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["logs"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("LogWriter.has: a file that was given a line, until it is closed", async () => {
  const dir = testTempDir("weft_loghas_");
  try {
    const writer = new LogWriter(dir);
    const rel = logFilePath("r1", "a", 1);
    assert.equal(writer.has(rel), false, "no line yet: nothing to close");
    writer.append(rel, "stdout", "hello");
    assert.equal(writer.has(rel), true);
    assert.equal(await writer.close(rel), "O hello\n".length);
    assert.equal(writer.has(rel), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("LogWriter.lineCount: a long line given in pieces counts once, a runner's text per line", async () => {
  const dir = testTempDir("weft_loglines_");
  try {
    const writer = new LogWriter(dir);
    const rel = logFilePath("r1", "a", 1);
    assert.equal(writer.lineCount(rel), 0);
    writer.append(rel, "stdout", "one");
    writer.append(rel, "stdout", "long start", true);
    writer.append(rel, "stdout", " more", true, true);
    writer.append(rel, "stdout", " end", false, true);
    writer.append(rel, "stderr", "two\nthree"); // a runner's text, not a process's line
    assert.equal(writer.lineCount(rel), 4);
    await writer.close(rel);
    assert.equal(writer.lineCount(rel), 0, "forgotten once closed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("LogWriter: reused buffers keep many flushes of several files byte-exact", async () => {
  const dir = testTempDir();
  const writer = new LogWriter(dir);
  const expected: Record<string, string> = { "r/a.1.log": "", "r/b.1.log": "" };
  const shared = new Uint8Array(200_000); // a sender's buffer, reused after each call
  for (let i = 0; i < 3000; i++) {
    const path = i % 3 ? "r/a.1.log" : "r/b.1.log";
    const text = `${i}:` + String.fromCharCode(97 + (i % 26)).repeat((i * 7919) % 150_000);
    const { written } = new TextEncoder().encodeInto(text, shared);
    const waiting = writer.append(path, "stdout", shared.subarray(0, written));
    shared.fill(0x3f);
    expected[path] += `O ${text}\n`;
    if (waiting) await waiting;
  }
  await writer.closeAll();
  for (const [path, text] of Object.entries(expected)) {
    assert.equal(await Deno.readTextFile(`${dir}/${path}`), text, path);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("LogWriter: every file whose lines a failed write lost is told, not only the first", async () => {
  const dir = testTempDir("logs-");
  // A file where the logs folder should be: every file's write fails (as on a full disk).
  await Deno.writeTextFile(`${dir}/logs`, "not a folder");
  const seen: StorageError[] = [];
  const writer = new LogWriter(`${dir}/logs`, (e) => seen.push(e));
  for (let i = 0; i < 2000; i++) writer.append("run/a.1.log", "stdout", `a ${i}`);
  for (let i = 0; i < 3000; i++) writer.append("run/b.1.log", "stdout", `b ${i}`);
  await writer.flushAll();
  assert.equal(await writer.close("run/a.1.log"), 0);
  assert.equal(await writer.close("run/b.1.log"), 0);
  assert.equal(seen.length, 1, "onError is called once");
  for (const file of ["a", "b"]) {
    const lost = writer.takeLost(`run/${file}.1.log`);
    assert.ok(lost, `${file}: its lost lines are told`);
    assert.match(lost.summary, /cannot create the log folder/);
  }
  assert.equal(writer.takeLost("run/a.1.log"), null, "told once");
});

Deno.test("LogWriter.stop: the files whose lines it drops are told, with its cause", async () => {
  const dir = testTempDir("logs-");
  const writer = new LogWriter(dir);
  writer.append("run/done.1.log", "stdout", "written before the stop");
  await writer.flushAll();
  writer.append("run/pending.1.log", "stdout", "buffered at the stop");
  const cause = new StorageError("cannot record the run", dir, new Error("disk gone"));
  writer.stop(cause);
  writer.append("run/later.1.log", "stderr", "printed after the stop");
  assert.equal(await writer.close("run/done.1.log"), "O written before the stop\n".length);
  assert.equal(await writer.close("run/pending.1.log"), 0);
  assert.equal(await writer.close("run/later.1.log"), 0);
  assert.equal(writer.takeLost("run/done.1.log"), null, "all its lines went in");
  assert.equal(writer.takeLost("run/pending.1.log"), cause);
  assert.equal(writer.takeLost("run/later.1.log"), cause);
});

Deno.test("LogWriter: a line that never ended is stored as a cut line whose rest never comes", async () => {
  const dir = testTempDir("weft_logunended_");
  const encode = (text: string) => new TextEncoder().encode(text);
  try {
    const writer = new LogWriter(dir);
    // A last line with no newline, on each stream; the other stream's lines after one.
    writer.append("r/a.1.log", "stdout", encode("a"));
    writer.append("r/a.1.log", "stdout", encode("b"), false, false, true);
    writer.append("r/a.1.log", "stderr", encode("err"), false, false, true);
    // One in pieces, the last one empty after the other stream cut it (no `o ` record).
    writer.append("r/b.1.log", "stdout", encode("long"), true);
    writer.append("r/b.1.log", "stderr", encode("e"));
    writer.append("r/b.1.log", "stdout", encode(""), false, true, true);
    // A runner's text: the last of its lines is the one left open.
    writer.append("r/c.1.log", "stdout", "x\ny", false, false, true);
    // A long line the attempt ended in: not ended either.
    writer.append("r/d.1.log", "stdout", encode("cut"), true);
    await writer.closeAll();
    const read = (name: string) => Deno.readTextFileSync(`${dir}/r/${name}.1.log`);
    assert.equal(read("a"), "O a\nO b\n~O\nE err\n~E\n");
    assert.equal(read("b"), "O long\n~O\nE e\n");
    assert.equal(read("c"), "O x\nO y\n~O\n");
    assert.equal(read("d"), "O cut\n~O\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
