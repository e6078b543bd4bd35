/**
 * Input size on the parse path (kind: a regular expression or recursion whose stack or
 * time grows with the input): a `.json` string of millions of characters, a number of
 * hundreds of digits, a huge unknown key, a header value with a long run of blanks,
 * positions in block scalars of a long file.
 * Each once failed ("Maximum call stack size exceeded", a wrong syntax error) or took
 * minutes; none is timed here, each simply finishes with the right words.
 */
import assert from "node:assert/strict";
import { findJsonError } from "../src/parse/json_error.ts";
import { scalarSourceOffset } from "../src/parse/scalar_offsets.ts";
import { suggest } from "../src/parse/suggest.ts";
import { MAX_NESTING_DEPTH } from "../src/parse/nesting.ts";
import { z } from "zod";
import {
  jsonWrittenScalars,
  parseKeepingText,
  plainJsonScalars,
} from "../src/parse/written_keep.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** Over 8.4 million characters: where V8's regexp backtracking stack overflowed. */
const BIG = 9_000_000;

Deno.test("weft validate / run: a .json string of 9 million characters is read, not a crash", async () => {
  const dir = testTempDir("big-json-");
  const workflow = {
    name: "big",
    tasks: [{
      id: "a",
      type: "shell",
      command: `echo ok # ${"x".repeat(BIG)}`,
    }],
  };
  await Deno.writeTextFile(`${dir}/big.json`, JSON.stringify(workflow));
  const checked = await weft(["validate", "big.json"], { cwd: dir });
  assert.equal(checked.code, 0, checked.stderr.slice(0, 500));
  assert.doesNotMatch(checked.stderr, /internal error/);
  const run = await weft(["run", "big.json", "--json"], { cwd: dir });
  assert.doesNotMatch(run.stderr, /internal error/);
  assert.equal(JSON.parse(run.stdout).status, "success", run.stderr.slice(0, 500));

  // With a problem after the string, positions need the YAML parser: still no crash.
  workflow.tasks.push({ id: "b", type: "shell" } as (typeof workflow.tasks)[0]);
  await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify(workflow));
  const bad = await weft(["validate", "bad.json"], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stdout + bad.stderr, /bad\.json:1:\d{7}: missing key "command" in task "b"/);
});

Deno.test("jsonWrittenScalars: long strings, escapes and numbers in one flat scan", () => {
  const text = JSON.stringify({ a: "y".repeat(BIG), b: '\\"'.repeat(1000), c: [1, 1.10] })
    .replace("1.1]", "1.10]");
  assert.deepEqual(jsonWrittenScalars(text), [
    // With where each is written: an http `data` number validate refuses is shown there.
    { path: ["c", 0], text: "1", offset: text.indexOf("[1,") + 1 },
    { path: ["c", 1], text: "1.10", offset: text.indexOf("1.10]") },
  ]);
});

Deno.test("findJsonError: a number of any length is read whole before the real error", () => {
  const digits = "1".repeat(1000);
  const text = `{"a": ${digits}, }`;
  assert.deepEqual(findJsonError(text), {
    offset: text.indexOf(","),
    message: "trailing comma before '}'",
  });
  assert.equal(findJsonError(`[${digits}.5e+3]`), undefined);
});

Deno.test("suggest: a key of millions of characters is compared by length first", () => {
  assert.equal(suggest("x".repeat(5_000_000), ["command", "cwd", "timeout"]), undefined);
  assert.equal(suggest("comand", ["command", "cwd"]), "command");
  assert.equal(suggest("timeou", ["command", "timeout"]), "timeout");
});

Deno.test("weft validate: a header value with a long run of blanks inside is checked", async () => {
  const dir = testTempDir("hdr-");
  const blanks = " ".repeat(300_000);
  const yaml = (value: string) =>
    `name: h\ntasks:\n  - id: a\n    type: http\n    url: http://127.0.0.1:2/\n` +
    `    headers:\n      X-A: "${value}"\n`;
  await Deno.writeTextFile(`${dir}/ok.yml`, yaml(`a${blanks}b${blanks}`));
  const ok = await weft(["validate", "ok.yml"], { cwd: dir });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  await Deno.writeTextFile(`${dir}/bad.yml`, yaml(`a${blanks}\\nb${blanks}`));
  const bad = await weft(["validate", "bad.yml"], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stdout + bad.stderr, /bad\.yml:7:300\d{3}: .*line break/);
});

Deno.test("scalarSourceOffset: a block scalar is split into lines only as far as it goes", () => {
  // The scalar ends at `b:`; what follows (here a million lines) is never split.
  const rest = "c: x\n".repeat(1_000_000);
  const text = `a: |\n  one\n  two\nb: 1\n${rest}`;
  const start = text.indexOf("|");
  assert.equal(
    scalarSourceOffset(text, start, "BLOCK_LITERAL", "one\ntwo\n", 4),
    text.indexOf("two"),
  );
  assert.equal(
    scalarSourceOffset(text, start, "BLOCK_LITERAL", "one\ntwo\n", 0),
    text.indexOf("one"),
  );
});

Deno.test("plainJsonScalars: jsonWrittenScalars of text without a repeated key or deep nesting", () => {
  const text = '{"a": [1.10, {"b": 2.50, "c\\u0022": -0.0}], "d": {"a": 1}}';
  assert.deepEqual(plainJsonScalars(text), jsonWrittenScalars(text));
  assert.deepEqual(plainJsonScalars(text), [
    { path: ["a", 0], text: "1.10", offset: text.indexOf("1.10") },
    { path: ["a", 1, "b"], text: "2.50", offset: text.indexOf("2.50") },
    { path: ["a", 1, 'c"'], text: "-0.0", offset: text.indexOf("-0.0") },
    { path: ["d", "a"], text: "1", offset: text.lastIndexOf("1}") },
  ]);
  // A key repeated, also when written with an escape, or past the first few keys.
  assert.equal(plainJsonScalars('{"a": 1, "b": {"a": 2}, "a": 3}'), undefined);
  assert.equal(plainJsonScalars('{"a": 1, "\\u0061": 2}'), undefined);
  const many = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
  assert.equal(plainJsonScalars(`{${many.join(", ")}}`)?.length, 40);
  assert.equal(plainJsonScalars(`{${many.join(", ")}, "k7": 0}`), undefined);
  // Nesting: MAX_NESTING_DEPTH levels are fine, one more is not; brackets in strings are text.
  const nest = (n: number) => "[".repeat(n) + '"[{"' + "]".repeat(n);
  assert.deepEqual(plainJsonScalars(nest(MAX_NESTING_DEPTH)), []);
  assert.equal(plainJsonScalars(nest(MAX_NESTING_DEPTH + 1)), undefined);
});

Deno.test("parseKeepingText: written text where the schema takes text, numbers where numbers", () => {
  const schema = z.strictObject({ name: z.string(), n: z.number(), on: z.boolean() });
  const as = (name: unknown, n: unknown, on: unknown) => ({ name, n, on });
  const written = (name: string, n: string, on: string) => [
    { path: ["name"], text: name },
    { path: ["n"], text: n },
    { path: ["on"], text: on },
  ];
  const plain = parseKeepingText(schema, as(10, 10, true), written("10", "10", "true"));
  assert.ok(plain.success);
  assert.deepEqual(plain.data, as("10", 10, true));
  const respelled = parseKeepingText(schema, as(1.1, 1.1, true), written("1.10", "1.10", "true"));
  assert.ok(respelled.success);
  assert.deepEqual(respelled.data, as("1.10", 1.1, true));
  const bool = parseKeepingText(schema, as(false, 2, false), written("false", "2", "false"));
  assert.ok(bool.success);
  assert.deepEqual(bool.data, as("false", 2, false));
});
