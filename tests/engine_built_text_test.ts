/**
 * Texts weft builds from its own words and values (engine/built_text.ts,
 * tasks/path_field.ts markedResolve, model/data_text.ts ownParts): a secret lying wholly
 * in weft's own part of such a text is kept where a message quotes it; one touching a
 * value, or in text weft did not build, is masked.
 */
import assert from "node:assert/strict";
import { ownParts, ownText, quoteData, resolveQuoted } from "../src/model/data_text.ts";
import { Secrets } from "../src/engine/secrets.ts";
import { markedResolve } from "../src/tasks/path_field.ts";

function secrets(...values: string[]): Secrets {
  const s = new Secrets();
  for (const value of values) s.add(value);
  return s;
}

Deno.test("ownParts: the plain text and the stretches outside quoteData", () => {
  assert.deepEqual(ownParts(ownText("/srv/") + quoteData("x") + ".js"), {
    text: "/srv/x.js",
    own: [{ index: 0, end: 5 }, { index: 6, end: 9 }],
  });
  // Unmarked, or marks that do not pair up: all data.
  assert.deepEqual(ownParts("/srv/x").own, []);
  assert.deepEqual(ownParts(ownText("/srv/") + "\uE000x").own, []);
});

Deno.test("Secrets.maskQuoted: a folder named as the secret is kept, the value's part masked", () => {
  const s = secrets("deploy");
  s.addBuilt(ownText("/srv/deploy/") + quoteData("deploy") + ".js");
  assert.equal(s.maskQuoted("/srv/deploy/deploy.js"), "/srv/deploy/***.js");
  // Quoted inside a longer text (an OS error, a JSON string): found there too.
  assert.equal(s.maskQuoted(`open '/srv/deploy/deploy.js'`), "open '/srv/deploy/***.js'");
  // Text weft did not build is masked as before.
  assert.equal(s.maskQuoted("/home/deploy/x"), "/home/***/x");
  assert.equal(
    s.maskMessage(`looked for ${quoteData("/srv/deploy/deploy.js")}`),
    "looked for /srv/deploy/***.js",
  );
});

Deno.test("Secrets.maskQuoted: a secret reaching from weft's part into a value's is masked whole", () => {
  const s = secrets("deploy/v1");
  s.addBuilt(ownText("/srv/deploy/") + quoteData("v1"));
  assert.equal(s.maskQuoted("/srv/deploy/v1"), "/srv/***");
});

Deno.test("Secrets: the same text built as weft's own and from a value is masked (neither trusted)", () => {
  const s = secrets("deploy");
  s.addBuilt(ownText("/srv/deploy"));
  s.addBuilt(ownText("/srv/") + quoteData("deploy"));
  assert.equal(s.maskQuoted("/srv/deploy"), "/srv/***");
  s.addBuilt(ownText("/srv/deploy"));
  assert.equal(s.maskQuoted("/srv/deploy"), "/srv/***");
});

Deno.test("Secrets.maskKeeping: an output that is, whole, a built path keeps its own part", () => {
  const s = secrets("deploy");
  s.addBuilt(ownText("/srv/deploy/out/") + quoteData("deploy") + ".txt");
  assert.equal(s.maskKeeping("/srv/deploy/out/deploy.txt"), "/srv/deploy/out/***.txt");
  // Only whole: a task's own output holding it is the task's data, masked.
  assert.equal(s.maskKeeping("see /srv/deploy/out/deploy.txt"), "see /srv/***/out/***.txt");
});

Deno.test("markedResolve: the base and what the file writes are weft's own; `..` worked out", () => {
  const marked = ownText("") + "../out/" + quoteData("v") + ".txt";
  const shown = markedResolve("/srv/deploy/app", marked, "/srv/deploy/out/v.txt");
  assert.equal(resolveQuoted(shown), "/srv/deploy/out/v.txt");
  assert.deepEqual(ownParts(shown).own, [{ index: 0, end: 16 }, { index: 17, end: 21 }]);
  // An absolute path written: the base plays no part.
  const abs = markedResolve("/elsewhere", ownText("/srv/deploy/x"), "/srv/deploy/x");
  assert.deepEqual(ownParts(abs), { text: "/srv/deploy/x", own: [{ index: 0, end: 13 }] });
});

Deno.test("markedResolve: a `..` taking away part of a raw value quotes the path whole", () => {
  // `${raw(v)}/../x` with v = "a/deploy": resolve drops "deploy", cutting the value's marks.
  const marked = ownText("") + quoteData("a/deploy") + "/../x";
  const shown = markedResolve("/srv", marked, "/srv/a/x");
  assert.deepEqual(ownParts(shown), { text: "/srv/a/x", own: [] });
  // A value starting the path with an absolute path: kept as data where it lands.
  const start = markedResolve(
    "/srv",
    ownText("") + quoteData("/data/deploy") + "/x",
    "/data/deploy/x",
  );
  assert.deepEqual(ownParts(start), { text: "/data/deploy/x", own: [{ index: 12, end: 14 }] });
});
