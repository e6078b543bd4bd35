/**
 * "Did you mean" suggestions (parse/suggest.ts): the index used for many words over one
 * list gives exactly what a scan of the list gives, and task-id hints keep their words.
 */
import assert from "node:assert/strict";
import { didYouMeanTaskId, suggest, SuggestIndex } from "../src/parse/suggest.ts";
import { weft } from "./_run_cli.ts";

/** A small deterministic generator (LCG), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** `word` with `edits` random substitutions, insertions, deletions or swaps. */
function misspell(word: string, edits: number, next: () => number): string {
  const letters = "abcdeksty_01Z";
  let w = word;
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (w.length + 1));
    const c = letters[Math.floor(next() * letters.length)];
    const kind = Math.floor(next() * 4);
    if (kind === 0) w = w.slice(0, at) + c + w.slice(at + 1);
    else if (kind === 1) w = w.slice(0, at) + c + w.slice(at);
    else if (kind === 2) w = w.slice(0, at) + w.slice(at + 1);
    else if (at + 1 < w.length) w = w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
  }
  return w;
}

Deno.test("the index suggests exactly what a scan of every candidate suggests", () => {
  const next = random(7);
  const candidates: string[] = [];
  for (let i = 0; i < 400; i++) {
    const stem = ["task_", "Build", "tst", "deploy-", "a", "ab", "Task_"][i % 7];
    candidates.push(stem + (i % 3 === 0 ? String(i).padStart(4, "0") : String(i)));
  }
  candidates.push("abc", "abcd", "task", "TASK_0003", "task_0003"); // case twins, prefixes
  const index = new SuggestIndex(candidates);
  let suggested = 0;
  for (let n = 0; n < 3000; n++) {
    const base = candidates[Math.floor(next() * candidates.length)];
    const word = n % 10 === 0 ? base.slice(0, 3 + (n % 5)) : misspell(base, n % 4, next);
    const expected = suggest(word, candidates);
    if (expected !== undefined) suggested++;
    assert.equal(index.suggest(word), expected, `for ${JSON.stringify(word)}`);
  }
  assert.ok(suggested > 1000, `only ${suggested} words had a suggestion`);
});

Deno.test("a task id hint is the same for the first words and for thousands after", () => {
  const ids = Array.from({ length: 3000 }, (_, i) => `task_${String(i).padStart(6, "0")}`);
  for (let i = 0; i < 3000; i += 1) {
    const typo = `tsak_${String(i).padStart(6, "0")}`;
    assert.equal(didYouMeanTaskId(typo, ids), `did you mean "task_${String(i).padStart(6, "0")}"?`);
  }
  // Invalid ids are never proposed, also once the ids are indexed.
  const withBad = ["good_one", "bad one", ...ids];
  for (let i = 0; i < 20; i++) assert.equal(didYouMeanTaskId("bad onee", withBad), undefined);
  assert.equal(didYouMeanTaskId("good_onee", withBad), 'did you mean "good_one"?');
});

Deno.test("of candidates equally close in lower case, the closer in exact case wins, in any order", () => {
  // `buildd` is one edit from `build`, two from `Build` (ids are case-sensitive).
  assert.equal(suggest("buildd", ["Build", "build"]), "build");
  assert.equal(suggest("buildd", ["build", "Build"]), "build");
  assert.equal(suggest("Buildd", ["build", "Build"]), "Build");
  assert.equal(suggest("BUILDD", ["Build", "BUILD", "build"]), "BUILD");
  // A case-only difference still beats a real edit; a full tie keeps the first.
  assert.equal(suggest("Deploy", ["deploy", "Deplo"]), "deploy");
  assert.equal(suggest("abcd", ["abce", "abcf"]), "abce");
  assert.equal(didYouMeanTaskId("buildd", ["Build", "build"]), 'did you mean "build"?');
  // The index (past its first scans) ranks the same way.
  const index = new SuggestIndex(["Build", "build", "Test", "test", ...Array(50).fill("x")]);
  for (let i = 0; i < 20; i++) {
    assert.equal(index.suggest("buildd"), "build");
    assert.equal(index.suggest("TEstt"), "Test");
  }
});

Deno.test("weft validate: the did-you-mean of a reference is the id in its own case", async () => {
  const file = new URL("./fixtures/task_id_hints/case_ranking.yml", import.meta.url).pathname;
  const out = await weft(["validate", file]);
  assert.equal(out.code, 2, out.stderr);
  assert.match(
    out.stderr,
    /case_ranking\.yml:9:18: unknown task "buildd" in depends_on of task "deploy"\n {2}hint: did you mean "build"\?\n/,
  );
});
