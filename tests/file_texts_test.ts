/**
 * tests/_file_texts.ts, the reader of what weft left in a home for the "nowhere in clear"
 * checks: it reads every file but the space reserve, whose random bytes hold no value.
 */
import assert from "node:assert/strict";
import { textsUnder } from "./_file_texts.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("textsUnder reads every file below a folder, but its weft.reserve and `except`", () => {
  const home = testTempDir("texts-");
  Deno.mkdirSync(`${home}/logs/run`, { recursive: true });
  Deno.writeTextFileSync(`${home}/weft.kv`, "kv-text");
  Deno.writeTextFileSync(`${home}/logs/run/a.log`, "log-text");
  Deno.writeTextFileSync(`${home}/weft.reserve`, "reserve-text");
  Deno.writeTextFileSync(`${home}/skipped`, "skipped-text");
  const all = textsUnder(home, `${home}/skipped`);
  assert.ok(all.includes("kv-text") && all.includes("log-text"), all);
  assert.ok(!all.includes("reserve-text"), "the space reserve is left out");
  assert.ok(!all.includes("skipped-text"), "`except` is left out");
});
