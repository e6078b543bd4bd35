/**
 * The validated-workflow cache (src/parse/validated_cache.ts, plain_json.ts) through
 * parse/problems.ts loadWorkflow, given a cache explicitly as the CLI gives one in a
 * built program: a workflow read back equals a fresh validation of the same bytes, and
 * its task hashes equal taskHashes of it; what would not round-trip (http `data` and
 * loop item number tokens) is never kept; an entry that is damaged or records another
 * hash or build is ignored; files are private; the folder keeps a bounded count.
 */
import assert from "node:assert/strict";
import { loadWorkflow } from "../src/parse/problems.ts";
import { cleanJsonWorkflow } from "../src/parse/clean_json.ts";
import { taskHashes } from "../src/store/resume.ts";
import { isPlainJson } from "../src/parse/plain_json.ts";
import {
  buildFolder,
  entryPath,
  entryText,
  MAX_ENTRIES,
  readValidated,
  storeValidated,
  type ValidatedCache,
  validatedCacheFor,
} from "../src/parse/validated_cache.ts";
import type { Workflow } from "../src/model/workflow.ts";
import { fixedRefusalCheck } from "../src/cli/fixed_check.ts";
import { WeftError } from "../src/model/errors.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/validated_cache/", import.meta.url).pathname;
const BUILD = "ab".repeat(32);

function newCache(build = BUILD): ValidatedCache {
  const cache = validatedCacheFor({ XDG_CACHE_HOME: testTempDir("cache-") }, build);
  assert.ok(cache);
  return cache;
}

const hashTasks = (w: Workflow) => Promise.resolve(taskHashes(w));

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A copy of fixture `name` in a fresh folder (the cache keys bytes, not paths). */
function fixture(name: string): string {
  const file = `${testTempDir("wf-")}/${name}`;
  Deno.copyFileSync(`${FIXTURES}${name}`, file);
  return file;
}

for (const name of ["plain.json", "params.json", "secrets.json"]) {
  Deno.test(`validated cache: ${name} comes back as a fresh validation makes it`, async () => {
    const cache = newCache();
    const file = fixture(name);
    const options = { cwd: "/", cache, hashTasks };
    const first = await loadWorkflow(file, options);
    const fresh = cleanJsonWorkflow(Deno.readTextFileSync(file));
    assert.ok(fresh);
    assert.deepStrictEqual(first.workflow, fresh);
    assert.deepStrictEqual(first.taskHashes, taskHashes(fresh));
    // Kept: the entry is for these bytes, and it is what the second load returns.
    assert.equal(first.hash, await sha256(Deno.readFileSync(file)));
    const kept = await readValidated(cache, first.hash);
    assert.ok(kept, "an entry was written");
    assert.deepStrictEqual(kept.workflow, fresh);
    const second = await loadWorkflow(file, options);
    assert.deepStrictEqual(second, first);
    assert.deepStrictEqual(second.taskHashes, taskHashes(second.workflow));
  });
}

for (const name of ["http_data.json", "loop_items.json"]) {
  Deno.test(`validated cache: ${name} holds number tokens, which are never kept`, async () => {
    const cache = newCache();
    const file = fixture(name);
    const loaded = await loadWorkflow(file, { cwd: "/", cache, hashTasks });
    const fresh = cleanJsonWorkflow(Deno.readTextFileSync(file));
    assert.ok(fresh);
    assert.equal(isPlainJson(fresh), false);
    assert.equal(JSON.stringify(loaded.workflow), JSON.stringify(fresh));
    assert.deepStrictEqual(loaded.taskHashes, taskHashes(fresh));
    assert.equal(await readValidated(cache, loaded.hash), undefined);
    assert.throws(() => Deno.statSync(entryPath(cache, loaded.hash)), Deno.errors.NotFound);
  });
}

Deno.test("validated cache: an entry damaged, or of other bytes or another build, is ignored", async () => {
  const cache = newCache();
  const file = fixture("plain.json");
  const fresh = cleanJsonWorkflow(Deno.readTextFileSync(file))!;
  const hash = await sha256(Deno.readFileSync(file));
  const other = { ...fresh, name: "edited" } as Workflow;
  const load = () => loadWorkflow(file, { cwd: "/", cache, hashTasks });
  const put = (text: string) => {
    Deno.mkdirSync(buildFolder(cache), { recursive: true });
    Deno.writeTextFileSync(entryPath(cache, hash), text);
  };
  const good = (await entryText(cache, hash, other))!;
  const damaged = [
    "{not json",
    "",
    "null",
    (await entryText(cache, "0".repeat(64), other))!, // records other bytes
    (await entryText({ ...cache, build: "cd".repeat(32) + "-deno2" }, hash, other))!, // build
    `${good.slice(0, good.indexOf("\n"))}\n{"workflow":3}`, // a payload its sum is not of
    good.replace('"edited"', '"edited by hand"'), // changed after weft wrote it
    good.slice(0, -1), // cut short
    (await entryText(cache, hash, other, { first: "00" }))!, // hashes of other tasks
  ];
  for (const text of damaged) {
    put(text);
    const loaded = await load();
    assert.deepStrictEqual(loaded.workflow, fresh, text.slice(0, 40));
    assert.deepStrictEqual(loaded.taskHashes, taskHashes(fresh));
  }
  // A well-formed entry for these bytes and this build is read as it stands (so the
  // checks above are what kept the others out).
  put(good);
  assert.equal((await load()).workflow.name, "edited");
  // The same entry under another build's cache is not read.
  assert.equal(
    await readValidated({ ...cache, build: "cd".repeat(32) + "-deno2" }, hash),
    undefined,
  );
});

Deno.test("validated cache: the checks that read the file's place run on every load (verifier V3 F4)", async () => {
  const cache = newCache();
  const options = { cwd: "/", cache, hashTasks, refusals: fixedRefusalCheck };
  // Kept from a folder whose path is a fine header value...
  const kept = await loadWorkflow(fixture("file_header.json"), options);
  assert.ok(await readValidated(cache, kept.hash), "an entry was written");
  // ...the same bytes where `${workflow.file}` holds a `;` (refused in a header) are
  // refused all the same, before anything runs (exit 2), as without the cache.
  const odd = `${testTempDir("wf-")}/b;c`;
  Deno.mkdirSync(odd);
  Deno.copyFileSync(`${FIXTURES}file_header.json`, `${odd}/w.json`);
  for (const withCache of [options, { ...options, cache: undefined }]) {
    const error = await loadWorkflow(`${odd}/w.json`, withCache).catch((e) => e);
    assert.ok(error instanceof WeftError, String(error));
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /X-Workflow-File/);
  }
});

Deno.test("validated cache: a validation that looked at the file system is not kept (verifier V3 F4)", async () => {
  const cache = newCache();
  const dir = testTempDir("wf-");
  Deno.mkdirSync(`${dir}/my sh`);
  Deno.copyFileSync("/bin/sh", `${dir}/my sh/sh`);
  const file = `${dir}/w.json`;
  // An absolute `shell` path with a blank is one program when that file exists.
  Deno.writeTextFileSync(
    file,
    JSON.stringify({ name: "sh", tasks: [{ id: "a", shell: `${dir}/my sh/sh`, command: "true" }] }),
  );
  const options = { cwd: "/", cache, hashTasks };
  const first = await loadWorkflow(file, options);
  assert.equal(await readValidated(cache, first.hash), undefined);
  assert.throws(() => Deno.statSync(cache.base), Deno.errors.NotFound); // nothing written
  // Gone: the same bytes are refused, as the run would refuse them.
  Deno.removeSync(`${dir}/my sh/sh`);
  const error = await loadWorkflow(file, options).catch((e) => e);
  assert.ok(error instanceof WeftError, String(error));
  assert.match(error.message, /shell/);
});

Deno.test("validated cache: folders 0700, entries 0600, no temporary file left", async () => {
  const cache = newCache();
  const loaded = await loadWorkflow(fixture("params.json"), { cwd: "/", cache });
  assert.equal(Deno.statSync(cache.base).mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(buildFolder(cache)).mode! & 0o777, 0o700);
  const names = [...Deno.readDirSync(buildFolder(cache))].map((e) => e.name);
  assert.deepEqual(names, [`${loaded.hash}.json`]);
  assert.equal(Deno.statSync(entryPath(cache, loaded.hash)).mode! & 0o777, 0o600);
  // Without hashTasks nothing but the workflow is kept.
  assert.equal((await readValidated(cache, loaded.hash))?.taskHashes, undefined);
});

Deno.test("validated cache: a build keeps its newest entries, and removes only other builds' folders", async () => {
  const cache = newCache();
  const base = cache.base;
  const oldCache = { base, build: "cd".repeat(32) + "-deno2.0.0" };
  await storeValidated(oldCache, "f".repeat(64), "{}");
  Deno.mkdirSync(`${base}/bundle-0123456789abcdef01234567`);
  Deno.mkdirSync(`${base}/validated-notes`); // not a name weft makes
  const empty = { name: "w", tasks: [] } as unknown as Workflow;
  const text = (await entryText(cache, "0".repeat(64), empty))!;
  const hashes: string[] = [];
  for (let i = 0; i < MAX_ENTRIES + 6; i++) {
    const hash = i.toString(16).padStart(64, "0");
    hashes.push(hash);
    await storeValidated(cache, hash, text);
    // Distinct times, oldest first, so "newest" is certain whatever the clock's grain.
    Deno.utimeSync(entryPath(cache, hash), 1_000_000 + i, 1_000_000 + i);
  }
  const kept = [...Deno.readDirSync(buildFolder(cache))].map((e) => e.name).sort();
  // Pruned on each write: the last write's own entry and the 63 newest before it.
  assert.equal(kept.length, MAX_ENTRIES);
  assert.deepEqual(kept, hashes.slice(-MAX_ENTRIES).map((h) => `${h}.json`).sort());
  const folders = [...Deno.readDirSync(base)].map((e) => e.name).sort();
  assert.deepEqual(folders, [
    "bundle-0123456789abcdef01234567",
    `validated-${cache.build}`,
    "validated-notes",
  ]);
});

Deno.test("validated cache: none from source, with WEFT_NO_CACHE, or without a home", () => {
  assert.equal(validatedCacheFor({ HOME: "/h" }, undefined), undefined);
  assert.equal(validatedCacheFor({ HOME: "/h", WEFT_NO_CACHE: "1" }, BUILD), undefined);
  assert.equal(validatedCacheFor({}, BUILD), undefined);
  assert.equal(validatedCacheFor({ HOME: "/h" }, "not/a/hash"), undefined);
  assert.deepEqual(validatedCacheFor({ HOME: "/h", WEFT_NO_CACHE: "" }, BUILD, "2.1.0"), {
    base: "/h/.cache/weft",
    build: `${BUILD}-deno2.1.0`,
  });
  assert.equal(validatedCacheFor({ HOME: "/h", XDG_CACHE_HOME: "/x" }, BUILD)?.base, "/x/weft");
});

Deno.test("validated cache: a folder that cannot be made is no cache, without a word", async () => {
  const dir = testTempDir("blocked-");
  Deno.writeTextFileSync(`${dir}/file`, "");
  const cache = validatedCacheFor({ XDG_CACHE_HOME: `${dir}/file/below` }, BUILD);
  assert.ok(cache);
  const file = fixture("plain.json");
  const loaded = await loadWorkflow(file, { cwd: "/", cache, hashTasks });
  assert.deepStrictEqual(loaded.workflow, cleanJsonWorkflow(Deno.readTextFileSync(file)));
  assert.equal(await readValidated(cache, loaded.hash), undefined);
});

Deno.test("isPlainJson: only data a JSON round trip gives back", () => {
  assert.ok(isPlainJson({ a: [1, "x", null, true, { b: -1.5 }] }));
  const shared = { s: 1 };
  for (
    const value of [
      { a: undefined },
      [1, , 2],
      { n: NaN },
      { n: -0 },
      { d: new Date(0) },
      { m: new Map() },
      Object.create(null),
      { a: shared, b: shared },
      {
        get g() {
          return 1;
        },
      },
      { [Symbol("s")]: 1 },
      { r: (JSON as unknown as { rawJSON(text: string): object }).rawJSON("1.10") },
    ]
  ) {
    assert.equal(isPlainJson(value), false, String(Object.keys(value)));
  }
});
