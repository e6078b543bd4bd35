/**
 * Packs a code-split `deno bundle` output (an entry plus chunks) into ONE file that
 * loads each chunk only when the program first needs it.
 *
 * Why: a plain one-file bundle is parsed and its `node:` imports initialised at every
 * start (esbuild hoists them), which costs weft ~50 ms before `--version` can answer.
 * Here each chunk is stored gzip-compressed and base64-encoded in a table; a small
 * loader decompresses a chunk on first use, points its static imports at its
 * dependencies' blob: URLs and imports it from a blob: URL. Dynamic `import("./x.js")`
 * calls are rewritten at build time to the loader's `__weftImport("x.js")`. Nothing is
 * read from disk at run time besides the file itself.
 * @module
 */

/** The global the packed file defines for rewritten dynamic imports. */
const IMPORT_FN = "__weftImport";
/** The global holding the packed file's own URL, for the chunks' `import.meta.url`. */
const URL_KEY = "__weftBundleUrl";
/** The global holding node:module's require for the bundle, set before a chunk using it loads. */
const REQUIRE_KEY = "__weftRequire";
/** What `deno bundle` puts at the top of the chunk that defines `__require`. */
const REQUIRE_PRELUDE =
  /import \{ createRequire as __deno_internal_createRequire \} from "node:module";\s*var __require = __deno_internal_createRequire\(import\.meta\.url\);/;

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
export async function packSplitBundle(dir: string, entry: string, banner: string): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile && e.name.endsWith(".js")) names.push(e.name);
  names.sort();
  if (!names.includes(entry)) throw new Error(`bundle: ${entry} missing from ${dir}`);
  const chunks = new Map<string, Chunk>();
  for (const name of names) {
    let code = await Deno.readTextFile(`${dir}/${name}`);
    const deps: string[] = [];
    for (const other of names) {
      const spec = JSON.stringify(`./${other}`);
      // A dynamic import goes through the loader; what remains is a static import.
      code = code.replaceAll(`import(${spec})`, `globalThis.${IMPORT_FN}(${JSON.stringify(other)})`);
      if (code.includes(spec)) deps.push(other);
    }
    // esbuild's runtime chunk makes `__require` with node:module at once, which starts
    // Node compatibility on every command: made lazily instead, for the chunks that use it.
    code = code.replace(REQUIRE_PRELUDE, `var __require = (id) => globalThis.${REQUIRE_KEY}(id);`);
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
    chunks.set(name, { code, deps, require: !defines && /\b__require\b/.test(code) });
  }
  assertAcyclic(chunks);
  const table: Record<string, string> = {};
  const deps: Record<string, string[]> = {};
  const requirers: string[] = [];
  for (const [name, chunk] of chunks) {
    table[name] = await gzipBase64(chunk.code);
    deps[name] = chunk.deps;
    if (chunk.require) requirers.push(name);
  }
  return `${banner}
const CHUNKS = ${JSON.stringify(table)};
const DEPS = ${JSON.stringify(deps)};
const REQUIRERS = new Set(${JSON.stringify(requirers)});
const urls = new Map();
function bytes(base64) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(base64);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
function url(name) {
  let made = urls.get(name);
  if (made === undefined) {
    made = (async () => {
      const gz = new Blob([bytes(CHUNKS[name])]).stream();
      let code = await new Response(gz.pipeThrough(new DecompressionStream("gzip"))).text();
      if (REQUIRERS.has(name) && !globalThis.${REQUIRE_KEY}) {
        const { createRequire } = await import("node:module");
        globalThis.${REQUIRE_KEY} ??= createRequire(import.meta.url);
      }
      const deps = DEPS[name];
      const resolved = await Promise.all(deps.map(url));
      deps.forEach((dep, i) => {
        code = code.replaceAll(JSON.stringify("./" + dep), JSON.stringify(resolved[i]));
      });
      return URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    })();
    urls.set(name, made);
  }
  return made;
}
globalThis.${URL_KEY} = import.meta.url;
globalThis.${IMPORT_FN} = async (name) => import(await url(name));
await import(await url(${JSON.stringify(entry)}));
`;
}

function assertAcyclic(chunks: Map<string, Chunk>): void {
  const state = new Map<string, "open" | "done">();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "open") {
      throw new Error(`bundle: chunks import each other in a cycle: ${[...path, name].join(" -> ")}`);
    }
    state.set(name, "open");
    for (const dep of chunks.get(name)?.deps ?? []) visit(dep, [...path, name]);
    state.set(name, "done");
  };
  for (const name of chunks.keys()) visit(name, []);
}

async function gzipBase64(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  const gz = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (let i = 0; i < gz.length; i += 0x8000) {
    binary += String.fromCharCode(...gz.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
