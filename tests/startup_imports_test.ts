/**
 * Start-up (issue 12 §3): what `weft history`, `weft status` and every `--help` load
 * before doing their work — the CLI (src/cli/main.ts with every verb's definition) and
 * the store (src/store/open.ts) — imports no `node:` or `npm:` module at load. Any of
 * them starts Deno's Node compatibility layer or an npm package, 5–25 ms on every
 * command; they belong behind `await import()` where a verb needs them.
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url);

interface InfoModule {
  specifier: string;
  dependencies?: Array<{ isDynamic?: boolean; code?: { specifier?: string } }>;
}

/** The modules `entry` loads statically (type-only and dynamic imports left out). */
async function staticGraph(entry: string): Promise<string[]> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const info = JSON.parse(new TextDecoder().decode(r.stdout));
  const modules = new Map<string, InfoModule>(
    (info.modules as InfoModule[]).map((m) => [m.specifier, m]),
  );
  const redirects: Record<string, string> = info.redirects ?? {};
  const seen = new Set<string>();
  const stack: string[] = [...info.roots];
  while (stack.length > 0) {
    const next = stack.pop()!;
    const specifier = redirects[next] ?? next;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const d of modules.get(specifier)?.dependencies ?? []) {
      if (!d.isDynamic && d.code?.specifier) stack.push(d.code.specifier);
    }
  }
  return [...seen];
}

/**
 * The one npm package the store loads at once: @noble/hashes (pure ESM, no Node
 * compatibility, ~3 ms from source) for the SHA-256 of key parts and log file names,
 * which the store computes synchronously (src/store/sha256.ts).
 */
const STORE_HASH = /^npm:\/?@noble\/hashes@/;

for (const entry of ["main.ts", "src/cli/main.ts", "src/store/open.ts"]) {
  Deno.test(`startup imports: ${entry} loads no node: or npm: module statically`, async () => {
    const graph = await staticGraph(entry);
    assert.ok(graph.some((s) => s.endsWith(`/${entry}`)), "the entry itself is in its graph");
    const allowed = entry === "src/store/open.ts" ? STORE_HASH : /^$/;
    assert.deepEqual(graph.filter((s) => /^(node|npm):/.test(s) && !allowed.test(s)), []);
  });
}

Deno.test("startup imports: the way into a JSON file loads no yaml and no node:", async () => {
  // parse/problems.ts (weft validate, weft run) loads a clean .json workflow without the
  // YAML parser, whose npm package Deno loads as CommonJS (~20 ms with Node's module
  // loader), and without node: modules (Node compatibility, ~5 ms).
  const graph = await staticGraph("src/parse/problems.ts");
  assert.ok(graph.some((s) => s.includes("zod")), "the model is loaded");
  assert.deepEqual(graph.filter((s) => /yaml|^node:/.test(s)), []);
});

Deno.test("startup imports: the full checks (YAML files) load no node: module statically", async () => {
  // In the bundle the YAML parser needs no Node compatibility; node:path would start it.
  const graph = await staticGraph("src/parse/mod.ts");
  assert.ok(graph.some((s) => s.includes("yaml")), "the YAML parser is loaded");
  assert.deepEqual(graph.filter((s) => /^node:/.test(s)), []);
});

Deno.test("startup imports: the engine and its task runners load no node:fs or node:url", async () => {
  // A static node:fs starts most of Node compatibility (~10 ms) on every `weft run`.
  const graph = await staticGraph("src/engine/mod.ts");
  assert.ok(graph.some((s) => s.endsWith("/src/tasks/data_processor.ts")));
  assert.deepEqual(graph.filter((s) => /^node:(fs|url)/.test(s)), []);
});

Deno.test("startup imports: a run without notifications does not load src/notify/mod.ts", async () => {
  const graph = await staticGraph("src/cli/notify_wiring.ts");
  assert.ok(graph.some((s) => s.endsWith("/src/notify/wanted.ts")));
  assert.deepEqual(graph.filter((s) => s.endsWith("/src/notify/mod.ts")), []);
});
