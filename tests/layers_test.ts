/**
 * Imports point one way (DESIGN.md §3): `cli`, `server`, `schedule` → `engine`, `store`,
 * `notify` → `tasks`, `graph`, `expr` → `model`; `parse` reads files into the model with
 * `expr` and `graph`. Every relative import (static, `export … from` and `import()`) of
 * every file under src/ is read and checked against what its layer may import.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

const SRC = new URL("../src/", import.meta.url).pathname;

/** The layers each layer may import besides itself (and files at src/'s top). */
const MAY_IMPORT: Record<string, string[]> = {
  model: [],
  expr: ["model"],
  graph: ["model"],
  tasks: ["model", "expr"],
  parse: ["model", "expr", "graph"],
};

/** Layers nobody else imports, and the layers the engine must not reach up to. */
const TOP = ["cli"];
const ABOVE_ENGINE = ["cli", "server", "schedule"];

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Each import of a file as [importing layer, imported layer, specifier]. */
async function crossImports(): Promise<Array<[string, string, string]>> {
  const found: Array<[string, string, string]> = [];
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)"(\.{1,2}\/[^"]+)"/gm;
  for await (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split("/")[0];
    for (const match of (await Deno.readTextFile(file)).matchAll(specifier)) {
      const target = relative(SRC, join(dirname(file), match[1]));
      const to = target.split("/")[0];
      if (to !== from && !target.startsWith("..") && target.includes("/")) {
        found.push([from, to, `${relative(SRC, file)} -> ${target}`]);
      }
    }
  }
  return found;
}

Deno.test("each lower layer imports only the layers below it", async () => {
  const wrong = (await crossImports())
    .filter(([from, to]) => MAY_IMPORT[from] !== undefined && !MAY_IMPORT[from].includes(to))
    .map(([, , what]) => what);
  assert.deepEqual(wrong, []);
});

Deno.test("nothing imports cli, and the engine reaches up to no front end", async () => {
  const all = await crossImports();
  assert.ok(all.length > 0, "the scan found imports between layers");
  const wrong = all
    .filter(([from, to]) => TOP.includes(to) || (from === "engine" && ABOVE_ENGINE.includes(to)))
    .map(([, , what]) => what);
  assert.deepEqual(wrong, []);
});
