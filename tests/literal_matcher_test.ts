/** LiteralMatcher: the same matches as one regex alternation, for strings of any size. */
import assert from "node:assert/strict";
import { LiteralMatcher, REGEX_LITERAL_LIMIT } from "../src/engine/literal_matcher.ts";

/** What `s0|s1|…` finds, left to right (the reference; only for strings V8 compiles). */
function byRegex(strings: string[], text: string): Array<[number, string]> {
  const pattern = new RegExp(
    strings.filter((s) => s !== "").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
    "g",
  );
  return [...text.matchAll(pattern)].map((m) => [m.index, m[0]]);
}

function found(matcher: LiteralMatcher, text: string): Array<[number, string]> {
  return [...matcher.matches(text)].map((m) => [m.index, m.text]);
}

/** A deterministic pseudo-random generator (no Math.random: failures must repeat). */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

Deno.test("LiteralMatcher: strings over the regex limit give the alternation's matches, priority and overlaps included", () => {
  const random = generator(7);
  const word = (length: number) =>
    Array.from({ length }, () => "ab/%"[Math.floor(random() * 4)]).join("");
  for (let round = 0; round < 200; round++) {
    // Long strings (indexOf) mixed with short ones (regex), overlapping and prefixes of
    // each other, in an order that is not by length.
    const long = word(REGEX_LITERAL_LIMIT + 1 + Math.floor(random() * 50));
    const strings = [word(3), long.slice(0, 5), long, long.slice(1), word(2), long.slice(2, 900)];
    const text = word(20) + long + word(5) + long.slice(1) + word(30) + long.slice(0, 7) + word(10);
    const matcher = new LiteralMatcher(strings);
    assert.deepEqual(found(matcher, text), byRegex(strings, text), `round ${round}`);
    const replaced = matcher.replace(text, (m) => `<${m.length}>`);
    const reference = text.replace(
      new RegExp(strings.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g"),
      (m) => `<${m.length}>`,
    );
    assert.equal(replaced, reference);
  }
});

Deno.test("LiteralMatcher: a string of 300,000 characters, which no regex can hold, is found", () => {
  const secret = "z/17+".repeat(60_000);
  // What weft did before: V8 compiles (lazily, at the first search) no such expression.
  const escaped = secret.replaceAll("+", "\\+");
  assert.throws(() => new RegExp(`${escaped}|tiny`, "g").exec("x"), /too large/);
  const matcher = new LiteralMatcher([secret, "tiny"]);
  const text = `a tiny ${secret} b ${secret.slice(1)} tiny`;
  assert.equal(matcher.replace(text, () => "***"), `a *** *** b ${secret.slice(1)} ***`);
  assert.equal(matcher.replace("nothing here", () => "***"), "nothing here");
});

Deno.test("LiteralMatcher: empty strings and duplicates are ignored; no strings match nothing", () => {
  assert.deepEqual(found(new LiteralMatcher([]), "abc"), []);
  assert.equal(new LiteralMatcher(["", ""]).replace("abc", () => "*"), "abc");
  assert.deepEqual(found(new LiteralMatcher(["ab", "ab", ""]), "abab"), [[0, "ab"], [2, "ab"]]);
});

/** The characters covered by some occurrence (overlaps included), as a reference. */
function coveredByBruteForce(strings: string[], text: string): boolean[] {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const s of strings) {
    if (s === "") continue;
    for (let at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
      for (let k = at; k < at + s.length; k++) covered[k] = true;
    }
  }
  return covered;
}

Deno.test("LiteralMatcher.replaceAll covers every occurrence, overlapping ones included, regex and indexOf alike", () => {
  const matcher = new LiteralMatcher(["AAAA1111", "1111BBBB"]);
  assert.equal(matcher.replaceAll("x AAAA1111BBBB y", "***"), "x *** y");
  // `replace` (the alternation) leaves the second secret's end behind.
  assert.equal(matcher.replace("AAAA1111BBBB", () => "***"), "***BBBB");
  // Occurrences that only touch stay two stretches.
  assert.equal(matcher.replaceAll("AAAA11111111BBBB", "*"), "**");
  assert.deepEqual([...matcher.spans("..AAAA1111BBBB..")], [{ index: 2, end: 14 }]);
  const random = generator(11);
  const word = (length: number) =>
    Array.from({ length }, () => "ab"[Math.floor(random() * 2)]).join("");
  for (let round = 0; round < 200; round++) {
    const long = word(REGEX_LITERAL_LIMIT + 1 + Math.floor(random() * 20));
    // Longest first, as Secrets lists them: then at each position the longest is found.
    const strings = [word(4), word(6), long, long.slice(3, 12), word(5)]
      .sort((a, b) => b.length - a.length);
    const text = word(30) + long.slice(0, 40) + word(10) + long + word(40);
    const covered = coveredByBruteForce(strings, text);
    const reference = text.replace(/./g, (c, i) => covered[i] ? "\0" : c).replace(/\0+/g, "*");
    // Brute force merges touching stretches too; spans keep them apart: compare coverage.
    const spans = [...new LiteralMatcher(strings).spans(text)];
    const mine = new Array<boolean>(text.length).fill(false);
    for (const { index, end } of spans) for (let k = index; k < end; k++) mine[k] = true;
    assert.deepEqual(mine, covered, `round ${round}`);
    assert.equal(new LiteralMatcher(strings).replaceAll(text, "*").replace(/\*+/g, "*"), reference);
  }
});

Deno.test("LiteralMatcher.has: whether any string occurs, short (regex) or long (indexOf), again and again", () => {
  const long = "L".repeat(2000);
  const matcher = new LiteralMatcher(["abcd", long]);
  for (let i = 0; i < 2; i++) {
    assert.equal(matcher.has("xx abcd yy"), true);
    assert.equal(matcher.has(`x${long}`), true);
    assert.equal(matcher.has("abc d"), false);
  }
  assert.equal(new LiteralMatcher([]).has("anything"), false);
});
