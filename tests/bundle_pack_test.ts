/**
 * scripts/_bundle_pack.ts: CommonJS code in a chunk that requires only `node:process`
 * and `node:buffer` (as `yaml` does) runs without node:module being loaded, with the
 * same values as the real modules; any other require still goes through node:module.
 * The chunks are stored together in one brotli stream, and each loads as it was written.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { packSplitBundle } from "../scripts/_bundle_pack.ts";
import { STALE_TEMPORARY_MS } from "../src/stale_temporaries.ts";
import { packInto } from "./_packed.ts";
import { MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const PRELUDE = `import { createRequire as __deno_internal_createRequire } from "node:module";
var __require = __deno_internal_createRequire(import.meta.url);
export { __require };
`;

async function runPacked(chunks: Record<string, string>): Promise<{ out: string; packed: string }> {
  const dir = testTempDir("weft-pack-test-");
  try {
    await Deno.mkdir(`${dir}/split`);
    for (const [name, code] of Object.entries(chunks)) {
      await Deno.writeTextFile(`${dir}/split/${name}`, code);
    }
    const packed = await packSplitBundle(`${dir}/split`, "entry.js", "// test");
    await Deno.writeTextFile(`${dir}/packed.js`, packed);
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", `${dir}/packed.js`],
      env: { XDG_CACHE_HOME: `${dir}/cache`, WEFT_PACK_TEST: "seen" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, stderr);
    return { out: new TextDecoder().decode(r.stdout), packed };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("bundle pack: process.env and Buffer through the lazy builtins, no node:module", async () => {
  const { out, packed } = await runPacked({
    "chunk-rt.js": PRELUDE,
    "entry.js": `import { __require } from "./chunk-rt.js";
var node_process = __require("node:process");
var node_buffer = __require("node:buffer");
console.log(JSON.stringify({
  env: node_process.env.WEFT_PACK_TEST ?? null,
  missing: node_process.env.WEFT_PACK_MISSING ?? null,
  hasEnv: "WEFT_PACK_TEST" in node_process.env,
  platform: node_process.platform === Deno.build.os,
  base64: node_buffer.Buffer.from("hi").toString("base64"),
}));
`,
  });
  assert.match(packed, /const REQUIRERS = new Set\(\[\]\);/);
  // The chunk table is a comment at the end (skipped by the parser), not a string literal.
  assert.match(
    packed,
    /\n\/\* weft chunk table\n\{"at":\{"chunk-rt\.js":0,"entry\.js":\d+\},"brotli":"[A-Za-z0-9+/=]+"\}\n\*\/\n$/,
  );
  assert.deepEqual(JSON.parse(out), {
    env: "seen",
    missing: null,
    hasEnv: true,
    platform: true,
    base64: "aGk=",
  });
});

Deno.test("bundle pack: any other require still loads node:module for its chunk", async () => {
  const { out, packed } = await runPacked({
    "chunk-rt.js": PRELUDE,
    "entry.js": `import { __require } from "./chunk-rt.js";
console.log(typeof __require("node:os").cpus);
`,
  });
  assert.match(packed, /const REQUIRERS = new Set\(\["entry\.js"\]\);/);
  assert.equal(out.trim(), "function");
});

/** The chunk table at the end of a packed file: { at, brotli } (scripts/_bundle_pack.ts). */
function tableOf(packed: string): { at: Record<string, number>; brotli: string } {
  const mark = "/* weft chunk table\n";
  return JSON.parse(packed.slice(packed.lastIndexOf(mark) + mark.length, packed.lastIndexOf("*/")));
}

async function unbrotli(base64: string): Promise<Uint8Array> {
  const stream = new Blob([Uint8Array.fromBase64(base64)]).stream()
    .pipeThrough(new DecompressionStream("brotli"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("bundle pack: the chunks are one brotli stream, each at its offset, compressed together", async () => {
  // Twenty chunks sharing a body, as weft's chunks share most of their words: compressed
  // together, the table holds that body about once, where each chunk compressed alone
  // (the old table) held it twenty times.
  const shared = Array.from(
    { length: 300 },
    (_, i) => `export function step${i}(input) { return input.map((x) => x * ${i} + ${i % 7}); }`,
  )
    .join("\n");
  const chunks: Record<string, string> = { "entry.js": "" };
  const imports: string[] = [];
  for (let i = 0; i < 20; i++) {
    chunks[`chunk-${i}.js`] = `${shared}\nexport const mark${i} = "é ${i} ✓";\n`;
    imports.push(`import { mark${i} } from "./chunk-${i}.js";`);
  }
  chunks["entry.js"] = `${imports.join("\n")}\nconsole.log([${
    Array.from({ length: 20 }, (_, i) => `mark${i}`).join(", ")
  }].join(","));\n`;
  const { out, packed } = await runPacked(chunks);
  assert.equal(out.trim(), Array.from({ length: 20 }, (_, i) => `é ${i} ✓`).join(","));

  const table = tableOf(packed);
  const code = await unbrotli(table.brotli);
  const sizes = JSON.parse(/^const SIZES = (.*);$/m.exec(packed)![1]);
  const names = Object.keys(chunks).sort();
  assert.deepEqual(Object.keys(table.at), names);
  // Back to back in name order: each chunk's bytes at its offset, and nothing else.
  let offset = 0;
  for (const name of names) {
    assert.equal(table.at[name], offset, name);
    const bytes = code.subarray(offset, offset + sizes[name]);
    if (name !== "entry.js") assert.equal(new TextDecoder().decode(bytes), chunks[name], name);
    offset += sizes[name];
  }
  assert.equal(code.length, offset);
  const oneChunk = new TextEncoder().encode(chunks["chunk-0.js"]).length;
  assert.ok(
    table.brotli.length < oneChunk / 2,
    `table ${table.brotli.length} chars for 20 chunks of ${oneChunk} bytes`,
  );
});

Deno.test("bundle pack: without a cache folder every chunk loads from memory, multi-byte text intact", async () => {
  const dir = testTempDir("weft-pack-test-");
  try {
    await Deno.mkdir(`${dir}/split`);
    const chunks: Record<string, string> = {
      "chunk-a.js": `export const a = "naïve ✓ 日本";\n`,
      "chunk-b.js": `import { a } from "./chunk-a.js";\nexport const b = a + " → b";\n`,
      "entry.js": `import { b } from "./chunk-b.js";\nconsole.log(b);\n`,
    };
    for (const [name, code] of Object.entries(chunks)) {
      await Deno.writeTextFile(`${dir}/split/${name}`, code);
    }
    await Deno.writeTextFile(
      `${dir}/packed.js`,
      await packSplitBundle(`${dir}/split`, "entry.js", "// test"),
    );
    // No HOME and no XDG_CACHE_HOME: no folder to cache chunks in (blob: URLs instead).
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", `${dir}/packed.js`],
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    assert.equal(new TextDecoder().decode(r.stdout).trim(), "naïve ✓ 日本 → b");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle pack: a cached chunk cut short, emptied or replaced by a link is rewritten, never run", async () => {
  const dir = testTempDir("weft-pack-test-");
  try {
    // The dependency's last line defines what the entry prints: cut short, it would
    // still parse and print the wrong value.
    const run = await packInto(dir, {
      "chunk-dep.js": `export let word = "partial";\nword = "whole";\n`,
      "entry.js": `import { word } from "./chunk-dep.js";\nconsole.log(word);\n`,
    });
    assert.equal(await run(), "whole");
    const [bundleDir] = [...Deno.readDirSync(`${dir}/cache/weft`)].map((e) => e.name);
    const cached = (name: string) => `${dir}/cache/weft/${bundleDir}/${name}`;
    const dep = await Deno.readTextFile(cached("chunk-dep.js"));
    const entry = await Deno.readTextFile(cached("entry.js"));

    await Deno.writeTextFile(cached("chunk-dep.js"), `export let word = "partial";\n`);
    assert.equal(await run(), "whole");
    assert.equal(await Deno.readTextFile(cached("chunk-dep.js")), dep);

    await Deno.writeTextFile(cached("entry.js"), "");
    assert.equal(await run(), "whole");
    assert.equal(await Deno.readTextFile(cached("entry.js")), entry);

    await Deno.writeTextFile(`${dir}/elsewhere.js`, dep);
    await Deno.remove(cached("chunk-dep.js"));
    await Deno.symlink(`${dir}/elsewhere.js`, cached("chunk-dep.js"));
    assert.equal(await run(), "whole");
    assert.equal((await Deno.lstat(cached("chunk-dep.js"))).isSymlink, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    `bundle pack: a cache disk too full for a chunk runs it from memory and leaves no temporary file${
      MOUNTABLE ? "" : NEEDS_MOUNT
    }`,
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("64k", async (cache) => {
      const dir = testTempDir("weft-pack-test-");
      try {
        await Deno.mkdir(`${dir}/split`);
        // Bigger than the whole disk: its write fails part way (ENOSPC).
        await Deno.writeTextFile(
          `${dir}/split/chunk-big.js`,
          `export const big = "${"x".repeat(200_000)}";\n`,
        );
        await Deno.writeTextFile(
          `${dir}/split/entry.js`,
          `import { big } from "./chunk-big.js";\nconsole.log(big.length);\n`,
        );
        await Deno.writeTextFile(
          `${dir}/packed.js`,
          await packSplitBundle(`${dir}/split`, "entry.js", "// test"),
        );
        for (let i = 0; i < 2; i++) {
          const r = await new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", "--no-config", `${dir}/packed.js`],
            env: { XDG_CACHE_HOME: cache },
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
          assert.equal(new TextDecoder().decode(r.stdout).trim(), "200000");
        }
        const left: string[] = [];
        const walk = (at: string) => {
          for (const e of Deno.readDirSync(at)) {
            if (e.isDirectory) walk(`${at}/${e.name}`);
            else left.push(e.name);
          }
        };
        walk(cache);
        assert.deepEqual(left.filter((name) => name.endsWith(".tmp")), []);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }),
});

Deno.test("bundle pack: a chunk's temporary file a killed writer left is removed once an hour old, and only its own", async () => {
  const dir = testTempDir("weft-pack-test-");
  try {
    const run = await packInto(dir, {
      "chunk-dep.js": `export const word = "whole";\n`,
      "entry.js": `import { word } from "./chunk-dep.js";\nconsole.log(word);\n`,
    });
    assert.equal(await run(), "whole");
    const [bundleDir] = [...Deno.readDirSync(`${dir}/cache/weft`)].map((e) => e.name);
    const folder = `${dir}/cache/weft/${bundleDir}`;
    const old = new Date(Date.now() - STALE_TEMPORARY_MS - 60_000);
    const plant = (name: string, mtime?: Date) => {
      Deno.writeTextFileSync(`${folder}/${name}`, "export const word = ");
      if (mtime) Deno.utimeSync(`${folder}/${name}`, mtime, mtime);
      return name;
    };
    // A writer killed between write and rename: its chunk is missing, its temporary left.
    Deno.removeSync(`${folder}/chunk-dep.js`);
    const stale = plant(`chunk-dep.js.${crypto.randomUUID()}.tmp`, old);
    const staleEntry = plant(`entry.js.${crypto.randomUUID()}.tmp`, old);
    // A live writer's (just made), and files not named as this bundle's chunks' temporaries.
    const live = plant(`chunk-dep.js.${crypto.randomUUID()}.tmp`);
    const foreign = [
      plant(`notes.js.${crypto.randomUUID()}.tmp`, old),
      plant("chunk-dep.js.tmp", old),
      plant("mine.tmp", old),
    ];
    assert.equal(await run(), "whole");
    const left = new Set([...Deno.readDirSync(folder)].map((e) => e.name));
    assert.ok(left.has("chunk-dep.js"), "the missing chunk is written again");
    assert.equal(left.has(stale), false, "the stale temporary of a chunk is removed");
    assert.equal(left.has(staleEntry), false, "so is another chunk's");
    assert.ok(left.has(live), "a live writer's temporary is kept");
    for (const name of foreign) assert.ok(left.has(name), `${name} is not the loader's: kept`);
    // A start that finds every chunk cached writes nothing and reads no folder.
    const planted = plant(`entry.js.${crypto.randomUUID()}.tmp`, old);
    assert.equal(await run(), "whole");
    assert.ok(Deno.statSync(`${folder}/${planted}`).isFile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
