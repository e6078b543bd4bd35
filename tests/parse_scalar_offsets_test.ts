/**
 * src/parse/scalar_offsets.ts: the source offset of every character of a string value,
 * checked against the yaml parser for each way YAML (and JSON) can write a string.
 */
import assert from "node:assert/strict";
import { isMap, isScalar, parseDocument } from "yaml";
import { scalarSourceOffset, type ScalarStyle } from "../src/parse/scalar_offsets.ts";

/** The value of `k` in `text`, its style and start offset, as yaml reads them. */
function scalarOf(text: string): { value: string; start: number; style: ScalarStyle } {
  const doc = parseDocument(text, { version: "1.2" });
  assert.deepEqual(doc.errors, []);
  const map = doc.contents;
  assert.ok(isMap(map));
  const node: unknown = map.get("k", true);
  assert.ok(isScalar(node) && node.range);
  assert.equal(typeof node.value, "string");
  const value = String(node.value);
  return { value, start: node.range[0], style: node.type as ScalarStyle };
}

/** Every character of the value: where it is written (line:col) in `text`. */
function located(text: string, index: number): string {
  const { value, start, style } = scalarOf(text);
  const at = scalarSourceOffset(text, start, style, value, index);
  assert.notEqual(at, undefined, `${style} ${JSON.stringify(text)} index ${index}`);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return `${line}:${at! - before.lastIndexOf("\n")}`;
}

/** Where the first `X` of the value is written. */
function whereX(text: string): string {
  return located(text, scalarOf(text).value.indexOf("X"));
}

Deno.test("verbatim characters map to themselves in every style", () => {
  const cases = [
    "k: a b X c\n",
    'k: "a b X"\n',
    "k: 'a b X'\n",
    "k: |\n  one\n  two X\n",
    "k: >\n  one\n  two X\n",
    "k: |-\n  one\n\n  two X\n",
    "k: >+\n  one\n\n  two X\n\n",
    "k: |2\n    one\n  two X\n",
    "k: >2-\n    one\n  two X\n",
    "k: |  # comment\n  one\n  two X\n",
    "k: |\r\n  one\r\n  two X\r\n",
  ];
  for (const text of cases) {
    const { value, start, style } = scalarOf(text);
    for (let i = 0; i < value.length; i++) {
      const at = scalarSourceOffset(text, start, style, value, i);
      assert.notEqual(at, undefined, `${JSON.stringify(text)} index ${i}`);
      if (/[^\s]/.test(value[i])) assert.equal(text[at!], value[i], `${JSON.stringify(text)} ${i}`);
    }
  }
});

Deno.test("block scalars: a character on line N of the block is at line N", () => {
  assert.equal(whereX("k: |\n  echo a\n  echo ${X}\n"), "3:10");
  assert.equal(whereX("k: >\n  echo a\n  b\n    more X\n"), "4:10");
  assert.equal(whereX("k: >-\n  a\n  b\n\n  c X\n"), "5:5");
  assert.equal(whereX("k: |2-\n    indented\n  X\n"), "3:3");
});

Deno.test("quoted strings: escapes and '' count as what they stand for", () => {
  assert.equal(whereX('k: "a\\n\\"\\u00e9\\x41 X"\n'), "1:21");
  assert.equal(whereX("k: 'it''s X'\n"), "1:11");
  assert.equal(whereX('k: "\\U0001F600 X"\n'), "1:16");
  assert.equal(located('k: "\\u00e9X"\n', 0), "1:5");
});

Deno.test("multi-line flow strings fold their line breaks", () => {
  assert.equal(whereX('k: "one\n  two\n\n  three X"\n'), "4:9");
  assert.equal(whereX("k: 'one\n  two X'\n"), "2:7");
  assert.equal(whereX("k: one\n  two\n  three X\n"), "3:9");
  assert.equal(whereX('k: "joined\\\n  line X"\n'), "2:8");
});

Deno.test("JSON strings are double-quoted YAML strings", () => {
  assert.equal(whereX('{"k": "say \\"hi\\"\\n\\u00e9 X"}'), "1:27");
});

Deno.test("a value the source does not spell is not placed (caller falls back)", () => {
  assert.equal(scalarSourceOffset("k: abc\n", 3, "PLAIN", "xyz", 1), undefined);
  assert.equal(scalarSourceOffset("k: abc\n", 3, "PLAIN", "abc", 9), undefined);
  assert.equal(scalarSourceOffset("k: abc\n", 3, "PLAIN", "abc", 3), 6);
});
