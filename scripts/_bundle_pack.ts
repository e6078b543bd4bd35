/**
 * Packs a code-split `deno bundle` output (an entry plus chunks) into ONE file that
 * loads each chunk only when the program first needs it.
 *
 * Why: a plain one-file bundle is parsed and its `node:` imports initialised at every
 * start (esbuild hoists them), which costs weft ~50 ms before `--version` can answer.
 * Here the chunks are stored back to back as one brotli stream, base64-encoded, in a
 * table (a JSON comment at the end of the file, read only when a chunk is missing from
 * the cache); a small loader decompresses the table on the first chunk it needs, writes
 * the chunk to a private cache folder (or, when it cannot, points its static imports at
 * its dependencies' blob: URLs) and imports it from there. Dynamic `import("./x.js")`
 * calls are rewritten at build time to the loader's `__weftImport("x.js")`. Nothing is
 * read from the source tree at run time.
 *
 * Why one stream: the table is in the file Deno reads and compiles at every start, and
 * even as a comment each MB of it cost ~15 ms of start-up here (Deno copies the source
 * several times; measured: `--version` of the bundle 67 ms with its 1.07 MB table, 52 ms
 * without). The chunks share most of their words, so compressed together with brotli
 * they take ~30% less than each one gzip-compressed alone.
 * @module
 */
import { brotliCompressSync, constants } from "node:zlib";
import { STALE_TEMPORARY_MS } from "../src/stale_temporaries.ts";
import { type MergeChunk, mergeChunks, staticImports } from "./_bundle_merge.ts";

/** Opens the comment at the end of the packed file that holds the chunk table (JSON). */
const TABLE_MARK = "/* weft chunk table\n";
/** The global the packed file defines for rewritten dynamic imports. */
const IMPORT_FN = "__weftImport";
/** The global holding the packed file's own URL, for the chunks' `import.meta.url`. */
const URL_KEY = "__weftBundleUrl";
/** The global holding node:module's require for the bundle, set before a chunk using it loads. */
const REQUIRE_KEY = "__weftRequire";
/** The global answering `__require` of {@link LAZY_BUILTINS} (undefined for other ids). */
const LAZY_KEY = "__weftLazyBuiltin";
/** What `deno bundle` puts at the top of the chunk that defines `__require`. */
const REQUIRE_PRELUDE =
  /import \{ createRequire as __deno_internal_createRequire \} from "node:module";\s*var __require = __deno_internal_createRequire\(import\.meta\.url\);/;

/**
 * Builtins whose `__require` the loader answers without node:module: a proxy that
 * loads the module on first property access (`process.getBuiltinModule`), and for
 * `process.env` reads Deno.env, since touching `process` itself starts Node
 * compatibility (~10 ms). `yaml` requires both at load and reads only `env` on the
 * `weft validate` path (issue 12 §3).
 */
const LAZY_BUILTINS = ["node:process", "node:buffer", "process", "buffer"];

/** Whether `code` calls `__require` with anything but a literal from {@link LAZY_BUILTINS}. */
function needsNodeModule(code: string): boolean {
  // The chunk's `import { __require } from "./chunk-….js"` names it without calling it.
  const body = code.replace(/^import \{[^}]*\} from "[^"]*";$/gm, "");
  for (const m of body.matchAll(/\b__require\b(\(\s*("[^"]*")\s*\))?/g)) {
    if (m[2] === undefined || !LAZY_BUILTINS.includes(JSON.parse(m[2]))) return true;
  }
  return false;
}

/** How {@link packSplitBundle} packs. */
export interface PackOptions {
  /**
   * Chunks that always load together are merged into one module (scripts/_bundle_merge.ts),
   * which costs a `deno bundle` more; false (the default): every chunk as it is.
   */
  merge?: boolean;
}

/** One chunk of the split bundle: its code and the chunks it imports statically. */
interface Chunk {
  code: string;
  deps: string[];
  /** The chunk calls esbuild's `__require` (CommonJS code): node:module must be loaded. */
  require: boolean;
}

/**
 * Reads every `.js` file of `dir` (the `--outdir` of `deno bundle --code-splitting`)
 * and returns the source of the one packed file, whose evaluation runs `entry`
 * (a file name in `dir`). Throws when the chunks import each other in a cycle (the
 * loader resolves static imports depth-first) or a chunk is missing.
 */
export async function packSplitBundle(
  dir: string,
  entry: string,
  banner: string,
  options: PackOptions = {},
): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".js")) names.push(e.name);
  }
  names.sort();
  if (!names.includes(entry)) throw new Error(`bundle: ${entry} missing from ${dir}`);
  const chunks = new Map<string, MergeChunk>();
  for (const name of names) {
    let code = await Deno.readTextFile(`${dir}/${name}`);
    for (const other of names) {
      // A dynamic import goes through the loader; what remains is a static import.
      code = code.replaceAll(
        `import(${JSON.stringify(`./${other}`)})`,
        `globalThis.${IMPORT_FN}(${JSON.stringify(other)})`,
      );
    }
    // esbuild's runtime chunk makes `__require` with node:module at once, which starts
    // Node compatibility on every command: made lazily instead, for the chunks that use it.
    code = code.replace(
      REQUIRE_PRELUDE,
      `var __require = (id) => globalThis.${LAZY_KEY}(id) ?? globalThis.${REQUIRE_KEY}(id);`,
    );
    // A chunk runs from a blob: URL; to node:module's createRequire and to weft's own
    // modules it presents the packed file's URL (its place on disk).
    code = code.replaceAll("import.meta.url", `globalThis.${URL_KEY}`);
    if (/\bimport\.meta\.(dirname|filename|resolve)\b/.test(code)) {
      throw new Error(`bundle: ${name} uses import.meta paths the packed file cannot give`);
    }
    if (/\bimport\(\s*["']\.\//.test(code)) {
      throw new Error(`bundle: ${name} imports a relative module the packer cannot resolve`);
    }
    const defines = /\bvar __require = /.test(code);
    chunks.set(name, { code, require: !defines && needsNodeModule(code) });
  }
  if (options.merge) await mergeChunks(chunks, entry, IMPORT_FN);
  const linked = new Map<string, Chunk>();
  for (const [name, chunk] of chunks) {
    const deps = [...chunks.keys()].filter((other) => staticImports(chunk.code, other));
    linked.set(name, { ...chunk, deps });
  }
  assertAcyclic(linked);
  const deps: Record<string, string[]> = {};
  const requirers: string[] = [];
  const sizes: Record<string, number> = {};
  const at: Record<string, number> = {};
  const codes: Uint8Array[] = [];
  let offset = 0;
  for (const [name, chunk] of linked) {
    const code = new TextEncoder().encode(chunk.code);
    codes.push(code);
    at[name] = offset;
    offset += code.length;
    deps[name] = chunk.deps;
    sizes[name] = code.length;
    if (chunk.require) requirers.push(name);
  }
  const table: ChunkTable = { at, brotli: packChunks(codes) };
  const key = await sha256Hex(JSON.stringify([table, deps, requirers]));
  return `${banner}
const KEY = ${JSON.stringify(key.slice(0, 24))};
const DEPS = ${JSON.stringify(deps)};
const REQUIRERS = new Set(${JSON.stringify(requirers)});
/** Each chunk's size in bytes: a cached file of another size (cut short, emptied) is rewritten. */
const SIZES = ${JSON.stringify(sizes)};
const urls = new Map();
let folder;
/** The private folder chunks are written to, so that Deno caches their compiled code; null: none. */
function cacheFolder() {
  folder ??= (async () => {
    try {
      const xdg = Deno.env.get("XDG_CACHE_HOME");
      const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
      const base = xdg ? xdg + "/weft" : home ? home + "/.cache/weft" : null;
      if (!base) return null;
      // Created with the first chunk written (below), not checked at every start.
      return base.replaceAll("\\\\", "/") + "/bundle-" + KEY;
    } catch {
      return null;
    }
  })();
  return folder;
}
const fileUrls = new Map();
function fileUrl(path) {
  let made = fileUrls.get(path);
  if (made === undefined) fileUrls.set(path, made = toFileUrl(path));
  return made;
}
function toFileUrl(path) {
  const parts = path.split("/").map((p, i) => i === 0 && /^[A-Za-z]:$/.test(p) ? p : encodeURIComponent(p));
  return "file://" + (path.startsWith("/") ? "" : "/") + parts.join("/");
}
function bytes(base64) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(base64);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
let table;
/**
 * The chunk table, read from the comment closing this file on the first chunk not
 * found in the cache, and decompressed: { at: each chunk's first byte in code, code:
 * every chunk's UTF-8 bytes back to back }. A comment, not a string literal of the same
 * size, which cost every start (\`--version\` included) more to parse.
 */
function chunks() {
  table ??= (async () => {
    const here = import.meta.url;
    const source = here.startsWith("file:")
      ? await Deno.readTextFile(new URL(here))
      : await (await fetch(here)).text();
    const start = source.lastIndexOf(${JSON.stringify(TABLE_MARK)});
    const end = source.lastIndexOf("*/");
    if (start < 0 || end < start) throw new Error("weft: this bundle file is damaged (no chunk table)");
    const { at, brotli } = JSON.parse(source.slice(start + ${TABLE_MARK.length}, end));
    const stream = new Blob([bytes(brotli)]).stream().pipeThrough(new DecompressionStream("brotli"));
    return { at, code: new Uint8Array(await new Response(stream).arrayBuffer()) };
  })();
  return table;
}
async function text(name) {
  const { at, code } = await chunks();
  return new TextDecoder().decode(code.subarray(at[name], at[name] + SIZES[name]));
}
let swept;
/**
 * Removes the temporary files (CHUNK.UUID.tmp) that a weft killed between a chunk's
 * write and its rename left in this bundle's folder, once they are
 * ${
    STALE_TEMPORARY_MS / 3_600_000
  } hour old (src/stale_temporaries.ts): a live writer's is milliseconds old. Only this
 * bundle's chunks' names, and only on the path that writes a chunk (a start that finds
 * every chunk cached reads no folder); once per process. Never throws.
 */
function sweep(dir) {
  swept ??= (async () => {
    try {
      const now = Date.now();
      for await (const e of Deno.readDir(dir)) {
        const m = /^(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp$/.exec(e.name);
        if (!e.isFile || !m || !Object.hasOwn(DEPS, m[1])) continue;
        const path = dir + "/" + e.name;
        const info = await Deno.lstat(path).catch(() => null);
        if (info?.mtime && now - info.mtime.getTime() > ${STALE_TEMPORARY_MS}) {
          await Deno.remove(path).catch(() => {});
        }
      }
    } catch {
      // An unreadable folder: the chunks still load.
    }
  })();
  return swept;
}
function url(name) {
  let made = urls.get(name);
  if (made === undefined) {
    made = (async () => {
      if (REQUIRERS.has(name) && !globalThis.${REQUIRE_KEY}) {
        const { createRequire } = await import("node:module");
        globalThis.${REQUIRE_KEY} ??= createRequire(import.meta.url);
      }
      const deps = DEPS[name];
      const resolved = await Promise.all(deps.map(url));
      const dir = await cacheFolder();
      if (dir && resolved.every((u, i) => u === fileUrl(dir + "/" + deps[i]))) {
        const file = dir + "/" + name;
        try {
          // lstat is paid anyway; its size catches a cached file cut short or emptied,
          // which would otherwise fail to parse or, worse, run part of the program.
          // Synchronous: a tiny call, where each async one cost ~0.15 ms of start-up.
          const info = Deno.lstatSync(file);
          if (!info.isFile || info.size !== SIZES[name]) throw new Error("stale");
          return fileUrl(file);
        } catch {
          const temporary = file + "." + crypto.randomUUID() + ".tmp";
          try {
            await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
            await Deno.writeTextFile(temporary, await text(name), { mode: 0o600 });
            await Deno.rename(temporary, file);
            await sweep(dir);
            return fileUrl(file);
          } catch {
            // Not writable after all (a full disk leaves the file made, empty or cut
            // short): not left behind for each start to add to; from memory below.
            await Deno.remove(temporary).catch(() => {});
          }
        }
      }
      let code = await text(name);
      deps.forEach((dep, i) => {
        code = code.replaceAll(JSON.stringify("./" + dep), JSON.stringify(resolved[i]));
      });
      return URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    })();
    urls.set(name, made);
  }
  return made;
}
const LAZY = new Map();
globalThis.${LAZY_KEY} = (id) => {
  if (!${JSON.stringify(LAZY_BUILTINS)}.includes(id)) return undefined;
  const full = id.startsWith("node:") ? id : "node:" + id;
  let made = LAZY.get(full);
  if (made === undefined) {
    let real;
    const load = () => (real ??= globalThis.process.getBuiltinModule(full));
    const env = new Proxy({}, {
      get: (_, k) => typeof k === "string" ? Deno.env.get(k) : undefined,
      has: (_, k) => typeof k === "string" && Deno.env.get(k) !== undefined,
      set: (_, k, v) => (Deno.env.set(String(k), String(v)), true),
      deleteProperty: (_, k) => (Deno.env.delete(String(k)), true),
      ownKeys: () => Object.keys(Deno.env.toObject()),
      getOwnPropertyDescriptor: (_, k) => {
        const value = typeof k === "string" ? Deno.env.get(k) : undefined;
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
    });
    made = new Proxy({}, {
      get: (_, k) => full === "node:process" && k === "env" ? env : Reflect.get(load(), k),
      has: (_, k) => Reflect.has(load(), k),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, k) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), k);
        return d && { ...d, configurable: true };
      },
    });
    LAZY.set(full, made);
  }
  return made;
};
globalThis.${URL_KEY} = import.meta.url;
globalThis.${IMPORT_FN} = async (name) => import(await url(name));
await import(await url(${JSON.stringify(entry)}));
${TABLE_MARK}${JSON.stringify(table)}
*/
`;
}

function assertAcyclic(chunks: Map<string, Chunk>): void {
  const state = new Map<string, "open" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "open") {
      throw new Error(
        `bundle: chunks import each other in a cycle: ${[...path, name].join(" -> ")}`,
      );
    }
    state.set(name, "open");
    for (const dep of chunks.get(name)?.deps ?? []) visit(dep, [...path, name]);
    state.set(name, "done");
  };
  for (const name of chunks.keys()) visit(name, []);
}

/**
 * The chunk table of the packed file (JSON): `at` maps each chunk's name to the offset of
 * its first byte in the decompressed stream (its length is in SIZES); `brotli` is every
 * chunk's UTF-8 code back to back, in one brotli stream (RFC 7932), base64-encoded.
 */
interface ChunkTable {
  at: Record<string, number>;
  brotli: string;
}

/**
 * `codes` back to back in one brotli stream, base64-encoded. Quality 10: 11 gains ~2%
 * more for twice the build time (~4 s for weft); the loader's DecompressionStream reads
 * either.
 */
function packChunks(codes: Uint8Array[]): string {
  const all = new Uint8Array(codes.reduce((n, code) => n + code.length, 0));
  let offset = 0;
  for (const code of codes) {
    all.set(code, offset);
    offset += code.length;
  }
  const packed = brotliCompressSync(all, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 10,
      [constants.BROTLI_PARAM_SIZE_HINT]: all.length,
    },
  });
  return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength).toBase64();
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
