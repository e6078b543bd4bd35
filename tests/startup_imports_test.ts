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

for (const entry of ["main.ts", "src/cli/main.ts", "src/store/open.ts"]) {
  Deno.test(`startup imports: ${entry} loads no node: or npm: module statically`, async () => {
    const graph = await staticGraph(entry);
    assert.ok(graph.some((s) => s.endsWith(`/${entry}`)), "the entry itself is in its graph");
    assert.deepEqual(graph.filter((s) => /^(node|npm):/.test(s)), []);
  });
}
