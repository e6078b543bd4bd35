/**
 * scripts/_bundle_merge.ts (packSplitBundle's `merge`): the chunks a dynamically imported
 * chunk always loads with become one module, and the program runs as it did unmerged:
 * the same modules run, in the same order, once each, with live bindings across chunks
 * and colliding names kept apart. A chunk that loads on a way not passing that import
 * stays a chunk of its own, and where one runs amid the merged chunks they make two
 * modules, before it and after it.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { packInto } from "./_packed.ts";

/** A split output: the entry loads `main-A.js`, which later loads `other-B.js`; the entry also loads `side-C.js`. */
const CHUNKS: Record<string, string> = {
  "chunk-log.js": `var seen = [];
function log(x) {
  seen.push(x);
}
export {
  log,
  seen
};
`,
  "entry.js": `import { log, seen } from "./chunk-log.js";
log("entry");
const { run } = await import("./main-A.js");
await run();
const side = await import("./side-C.js");
side.show();
console.log(seen.join(","));
`,
  "main-A.js": `import {
  log
} from "./chunk-log.js";
import {
  bump,
  count,
  crypto as first
} from "./chunk-one.js";
import "./chunk-two.js";
import { shared } from "./chunk-shared.js";
log("main " + first + " " + shared);
async function run() {
  bump();
  log("count " + count);
  const other = await import("./other-B.js");
  other.show();
}
export {
  run
};
`,
  "chunk-one.js": `import { log } from "./chunk-log.js";
var count = 0;
function bump() {
  count++;
}
var crypto = "one";
log("one");
export {
  bump,
  count,
  crypto
};
`,
  "chunk-two.js": `import { log } from "./chunk-log.js";
var crypto = "two";
log("two " + crypto);
`,
  "chunk-shared.js": `import { log } from "./chunk-log.js";
var shared = "shared";
log("shared");
export {
  shared
};
`,
  "other-B.js": `import {
  bump,
  count as now
} from "./chunk-one.js";
import { log } from "./chunk-log.js";
function show() {
  bump();
  log("other " + now);
}
export {
  show
};
`,
  "side-C.js": `import { shared } from "./chunk-shared.js";
import { log } from "./chunk-log.js";
function show() {
  log("side " + shared);
}
export {
  show
};
`,
};

/**
 * {@link CHUNKS} with main-A.js importing chunk-shared.js first: it runs before the
 * chunks only main-A.js loads, as the merged module's import of it does.
 */
const SHARED_FIRST: Record<string, string> = {
  ...CHUNKS,
  "main-A.js": `import { shared } from "./chunk-shared.js";\n` +
    CHUNKS["main-A.js"].replace(`import { shared } from "./chunk-shared.js";\n`, ""),
};

/** Packs `chunks` (merged or not) and runs it: what it printed, and the packed file. */
async function packAndRun(
  chunks: Record<string, string>,
  merge: boolean,
): Promise<{ out: string; packed: string }> {
  const dir = testTempDir("weft-merge-test-");
  try {
    const run = await packInto(dir, chunks, { merge });
    return { out: await run(), packed: await Deno.readTextFile(`${dir}/packed.js`) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The chunk names after merging, in both tests: main-A.js's own chunks are one group, and
 * main-A.js, imported dynamically, a module of its name re-exporting its names from it.
 */
const MERGED_NAMES = [
  "chunk-log.js",
  "chunk-shared.js",
  "entry.js",
  "group-0-main-A.js",
  "main-A.js",
  "other-B.js",
  "side-C.js",
];

/** The chunk names of a packed file (its DEPS table). */
function chunkNames(packed: string): string[] {
  return Object.keys(JSON.parse(/^const DEPS = (.*);$/m.exec(packed)![1])).sort();
}

Deno.test("bundle merge: the chunks loaded only with main-A.js are one module, and run as before", async () => {
  const plain = await packAndRun(SHARED_FIRST, false);
  const merged = await packAndRun(SHARED_FIRST, true);
  assert.equal(
    plain.out,
    "entry,shared,one,two two,main one shared,count 1,other 2,side shared",
  );
  assert.equal(merged.out, plain.out);
  assert.deepEqual(chunkNames(plain.packed), Object.keys(CHUNKS).sort());
  // chunk-shared.js also loads through side-C.js, without main-A.js: not merged. main-A.js
  // is imported dynamically: a module of its name re-exports its names from the group.
  assert.deepEqual(chunkNames(merged.packed), MERGED_NAMES);
});

Deno.test("bundle merge: chunks that ran before one outside the group and after it are two modules", async () => {
  // main-A.js imports chunk-one.js and chunk-two.js before chunk-shared.js, which merged
  // with them would run first: they are one module, main-A.js stays itself, and the
  // order is kept.
  const plain = await packAndRun(CHUNKS, false);
  const merged = await packAndRun(CHUNKS, true);
  assert.equal(
    plain.out,
    "entry,one,two two,shared,main one shared,count 1,other 2,side shared",
  );
  assert.equal(merged.out, plain.out);
  assert.deepEqual(chunkNames(merged.packed), MERGED_NAMES);
});
