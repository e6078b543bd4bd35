/**
 * The modules an entry loads statically, from `deno info --json` (type-only and dynamic
 * imports left out): for the tests that keep heavy modules off a command's way.
 * @module
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url);

interface InfoModule {
  specifier: string;
  dependencies?: Array<{ isDynamic?: boolean; code?: { specifier?: string } }>;
}

/** The specifiers `entry` (a path relative to the repository) loads statically. */
export async function staticGraph(entry: string): Promise<string[]> {
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
