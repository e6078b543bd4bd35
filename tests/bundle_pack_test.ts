/**
 * scripts/_bundle_pack.ts: CommonJS code in a chunk that requires only `node:process`
 * and `node:buffer` (as `yaml` does) runs without node:module being loaded, with the
 * same values as the real modules; any other require still goes through node:module.
 */
import assert from "node:assert/strict";
import { packSplitBundle } from "../scripts/_bundle_pack.ts";

const PRELUDE = `import { createRequire as __deno_internal_createRequire } from "node:module";
var __require = __deno_internal_createRequire(import.meta.url);
export { __require };
`;

async function runPacked(chunks: Record<string, string>): Promise<{ out: string; packed: string }> {
  const dir = await Deno.makeTempDir({ prefix: "weft-pack-test-" });
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
    /\n\/\* weft chunk table\n\{"chunk-rt\.js":"[A-Za-z0-9+/=]+","entry\.js":"[A-Za-z0-9+/=]+"\}\n\*\/\n$/,
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
