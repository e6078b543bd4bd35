/**
 * src/model/duration.ts is weft's one way of printing a duration: no message in src/
 * writes one by hand (`${ms} ms`, `${ms / 1000} s`, `${n} seconds`), which printed
 * `no answer within 10000 ms` beside a board that says `10.0s`.
 */
import assert from "node:assert/strict";

const SRC = new URL("../src/", import.meta.url).pathname;

/** Every .ts file under `dir`, as paths relative to src/. */
async function sources(dir = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(SRC + dir)) {
    const path = dir + entry.name;
    if (entry.isDirectory) files.push(...await sources(path + "/"));
    else if (path.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** A value put in a text and followed by a time unit: a duration written by hand. */
const HAND_WRITTEN = /\$\{[^`]*?\} ?(?:ms|s|secs?|seconds|milliseconds|minutes)\b/;
/** The same with the value on lines of its own: `${` … then `} s ago`. */
const HAND_WRITTEN_END = /^\s*\} ?(?:ms|s|secs?|seconds|milliseconds|minutes)\b/;

/**
 * Texts that name a unit on purpose, each for its reason: the formatter itself, and an
 * option's value counted in its own unit (libpq's connect_timeout is whole seconds).
 */
const ALLOWED: [file: string, line: RegExp][] = [
  ["model/duration.ts", /./],
  ["model/pg_uri.ts", /write at most \$\{INT_MAX\} seconds/],
];

Deno.test("no message in src/ writes a duration by hand: model/duration.ts formatDuration does", async () => {
  const found: string[] = [];
  for (const file of await sources()) {
    const lines = (await Deno.readTextFile(SRC + file)).split("\n");
    lines.forEach((line, i) => {
      // Comments and docs may say `(ms)` or `5000 ms`: they are not printed.
      if (
        /^\s*(?:\*|\/\/|\/\*)/.test(line) ||
        !(HAND_WRITTEN.test(line) || HAND_WRITTEN_END.test(line))
      ) return;
      if (ALLOWED.some(([f, l]) => f === file && l.test(line))) return;
      found.push(`src/${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, [], "use formatDuration (src/model/duration.ts) for these");
});
