/**
 * Merges chunks that always load together into one module each, for the packed bundle
 * (scripts/_bundle_pack.ts).
 *
 * Why: `deno bundle --code-splitting` gives a chunk for each set of dynamic imports that
 * reach a module (~240 for weft; `weft run` loaded 123 of them), and Deno pays a fixed
 * CPU cost for each module it loads (read, code cache, instantiation; ~0.2 ms here),
 * whatever its size. esbuild (`deno bundle` again, without splitting) links each set of
 * chunks into one module, renaming what collides; the other chunks import what they use
 * from it under names that say the chunk it came from.
 *
 * Which chunks: a chunk joins the group of an import target R (a chunk some code imports
 * dynamically) when R imports it, directly or not, and nothing loads it without loading
 * R: every way from the entry to it, along static and dynamic imports, passes R. Such a
 * chunk was loaded exactly when R was, and ran as part of R's import; esbuild keeps the
 * ES module evaluation order, so it still does, in the same order. But a merged
 * module's imports of chunks outside it run before all of its code: where a chunk
 * outside (one that may not have run before R's import) ran between chunks of R's,
 * those before it and those after it make two modules (segments). A chunk that fits
 * several groups joins the first R loads of them (the targets taken nearest the entry
 * first). A path that loads no chunk of a group is unchanged.
 * @module
 */

/** The import specifier prefix marking a chunk outside a group, for esbuild. */
const EXTERNAL = "weft-external:";

/** One chunk as the packer holds it: its code and whether it needs node:module. */
export interface MergeChunk {
  code: string;
  require: boolean;
}

/** The chunks of one group, as {@link tops} orders them. */
interface Group {
  /** The import target whose import loads them. */
  root: string;
  members: string[];
  /** The module that replaces them: `group-<k>-<root>`, the k-th part of root's. */
  name: string;
}

/**
 * Replaces, in `chunks` (file name → chunk), each set of chunks that load together (see
 * the module doc) by one module `group-<k>-<target>` and, for its chunks imported
 * dynamically, a module of their name re-exporting their names from it; rewrites the
 * other chunks' static imports of them. `entry` is the packed file's entry chunk;
 * `importFn`, the global its dynamic imports call (`globalThis.<importFn>("x.js")`, see
 * _bundle_pack.ts). Throws when a chunk is not in the form esbuild's split output has
 * (named import and export lists only), or when `deno bundle` fails.
 */
export async function mergeChunks(
  chunks: Map<string, MergeChunk>,
  entry: string,
  importFn: string,
  deno: string = Deno.execPath(),
): Promise<void> {
  const names = [...chunks.keys()];
  const known = new Set(names);
  const statics = new Map(names.map((name) => [name, importList(chunks.get(name)!.code, known)]));
  const call = new RegExp(`globalThis\\.${importFn}\\("([^"]+)"\\)`, "g");
  const dynamics = new Map(names.map((name) => [
    name,
    [...chunks.get(name)!.code.matchAll(call)].map((m) => m[1]),
  ]));
  const edges = (name: string) => [...statics.get(name)!, ...dynamics.get(name)!];
  const groups = findGroups(names, entry, statics, dynamics, edges);
  if (groups.length === 0) return;
  const groupOf = new Map<string, Group>();
  for (const group of groups) for (const name of group.members) groupOf.set(name, group);
  const exported = new Map(
    [...groupOf.keys()].map((name) => [name, exportList(name, chunks.get(name)!.code)]),
  );
  const merged = await bundleGroups(chunks, groups, groupOf, exported, deno);
  const dynamicTargets = new Set(names.flatMap((name) => dynamics.get(name)!));
  for (const group of groups) {
    // Taken from the chunks: esbuild may rename `__require` in the merged code.
    const require = group.members.some((name) => chunks.get(name)!.require);
    for (const name of group.members) chunks.delete(name);
    chunks.set(group.name, { code: merged.get(group.name)!, require });
  }
  for (const [name, chunk] of chunks) {
    if (!groups.some((group) => group.name === name)) {
      chunk.code = rewriteImports(chunk.code, groupOf, exported);
    }
  }
  for (const [name, group] of groupOf) {
    if (!dynamicTargets.has(name)) continue;
    const list = exported.get(name)!.map((e) => `${prefix(name)}${e} as ${e}`);
    chunks.set(name, {
      code: `export { ${list.join(", ")} } from ${JSON.stringify(`./${group.name}`)};\n`,
      require: false,
    });
  }
  for (const [name, chunk] of chunks) {
    for (const member of groupOf.keys()) {
      if (!chunks.has(member) && staticImports(chunk.code, member)) {
        throw new Error(`bundle: ${name} imports ${member} in a form the merge does not rewrite`);
      }
    }
  }
}

/** The groups of chunks to merge (two chunks or more each), as the module doc says. */
function findGroups(
  names: string[],
  entry: string,
  statics: Map<string, string[]>,
  dynamics: Map<string, string[]>,
  edges: (name: string) => string[],
): Group[] {
  const targets = new Set(names.flatMap((name) => dynamics.get(name)!));
  // Nearest the entry first: a target that every way to another passes comes before it.
  const order = [...breadthFirst(entry, edges)].filter((name) => targets.has(name));
  const assigned = new Set<string>();
  const groups: Group[] = [];
  for (const root of order) {
    if (assigned.has(root)) continue;
    const without = reach([entry], edges, root);
    const members = new Set(
      [...reach([root], (name) => statics.get(name)!)]
        .filter((name) => !without.has(name) && !assigned.has(name) && name !== entry),
    );
    const ran = ranBefore(root, without, statics, dynamics);
    for (const [k, segment] of segments(root, members, statics, ran).entries()) {
      if (segment.length < 2) continue;
      for (const name of segment) assigned.add(name);
      groups.push({ root, members: tops(segment, statics), name: `group-${k}-${root}` });
    }
  }
  return groups;
}

/**
 * The chunks that have run whenever `root` is first imported: those every chunk that
 * can import it first (one that loads without it, in `without`) imports statically, as
 * its code runs after them.
 */
function ranBefore(
  root: string,
  without: Set<string>,
  statics: Map<string, string[]>,
  dynamics: Map<string, string[]>,
): Set<string> {
  let common: Set<string> | undefined;
  for (const name of without) {
    if (!dynamics.get(name)!.includes(root)) continue;
    const before = reach([name], (n) => statics.get(n)!);
    common = common ? new Set([...common].filter((n) => before.has(n))) : before;
  }
  return common ?? new Set();
}

/**
 * `members` cut where they would run in another order merged, each part in the order
 * they ran. A merged module's imports of chunks outside it run before any of its code,
 * where unmerged such a chunk ran in its place in `root`'s evaluation order
 * (depth-first, in import order, each chunk after what it imports): the members that
 * ran between two chunks outside (ones that may not have run yet: not in `ran`) make
 * one part.
 */
function segments(
  root: string,
  members: Set<string>,
  statics: Map<string, string[]>,
  ran: Set<string>,
): string[][] {
  const parts: string[][] = [[]];
  const seen = new Set<string>();
  const visit = (name: string) => {
    seen.add(name);
    for (const next of statics.get(name)!) if (!seen.has(next) && !ran.has(next)) visit(next);
    if (members.has(name)) parts.at(-1)!.push(name);
    else if (parts.at(-1)!.length > 0) parts.push([]);
  };
  visit(root);
  return parts;
}

/**
 * `segment` (in the order its chunks ran) with the chunks no other of them imports
 * first, in that order: esbuild, going depth-first from them, meets the chunks and
 * their imports from outside in the order they ran.
 */
function tops(segment: string[], statics: Map<string, string[]>): string[] {
  const imported = new Set(segment.flatMap((name) => statics.get(name)!));
  return [
    ...segment.filter((name) => !imported.has(name)),
    ...segment.filter((name) => imported.has(name)),
  ];
}

/** The chunks of `known` that `code` imports statically, in the order of its imports. */
function importList(code: string, known: Set<string>): string[] {
  const list: string[] = [];
  for (const m of code.matchAll(/^import\s*(?:\{[^}]*\}\s*from\s*)?"\.\/([^"]+)";$/gm)) {
    if (known.has(m[1]) && !list.includes(m[1])) list.push(m[1]);
  }
  for (const name of known) {
    if (staticImports(code, name) && !list.includes(name)) {
      throw new Error(`bundle: a chunk names ${name} in a form the merge does not read`);
    }
  }
  return list;
}

/** Whether `code` imports `./name` statically (a dynamic import is a call of the loader). */
export function staticImports(code: string, name: string): boolean {
  return code.includes(JSON.stringify(`./${name}`));
}

/** The names reachable from `roots` along `edges`, not entering `stop`; `roots` first. */
function reach(roots: string[], edges: (name: string) => string[], stop?: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots].reverse();
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name) || name === stop) continue;
    seen.add(name);
    todo.push(...edges(name));
  }
  return seen;
}

/** The names reachable from `start` along `edges`, in breadth-first order. */
function breadthFirst(start: string, edges: (name: string) => string[]): Set<string> {
  const seen = new Set([start]);
  for (const name of seen) for (const next of edges(name)) seen.add(next);
  return seen;
}

/** The names `code` exports, from its `export { a, b as c };` lists; throws on other forms. */
function exportList(name: string, code: string): string[] {
  const names: string[] = [];
  for (const line of code.matchAll(/^export\b.*$/gm)) {
    if (!/^export \{\s*$|^export \{[^}]*\};?$/.test(line[0])) {
      throw new Error(`bundle: ${name} exports in a form the merge does not read: ${line[0]}`);
    }
  }
  for (const list of code.matchAll(/^export \{([^}]*)\}(\s*from\s*"[^"]*")?;?$/gm)) {
    if (list[2]) throw new Error(`bundle: ${name} re-exports from another module`);
    for (const item of list[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      names.push(item.split(/\s+as\s+/).pop()!);
    }
  }
  return names;
}

/** The prefix of a group's export names for the chunk `name`: its name as an identifier. */
function prefix(name: string): string {
  return name.replace(/\.js$/, "").replace(/[^A-Za-z0-9_$]/g, "_") + "__";
}

/**
 * Each group linked into one module by one `deno bundle` (no splitting) → its code by
 * group name. A group's module exports each member's names with {@link prefix}; its
 * imports of chunks outside it stay imports (of other groups, under their names).
 */
async function bundleGroups(
  chunks: Map<string, MergeChunk>,
  groups: Group[],
  groupOf: Map<string, Group>,
  exported: Map<string, string[]>,
  deno: string,
): Promise<Map<string, string>> {
  const dir = await Deno.makeTempDir({ prefix: "weft-bundle-merge-" });
  try {
    for (const group of groups) {
      const own = new Map([...groupOf].filter(([, g]) => g !== group));
      for (const name of group.members) {
        let code = rewriteImports(chunks.get(name)!.code, own, exported);
        for (const other of [...chunks.keys(), ...groups.map((g) => g.name)]) {
          if (groupOf.get(other) === group || !staticImports(code, other)) continue;
          code = code.replaceAll(JSON.stringify(`./${other}`), JSON.stringify(EXTERNAL + other));
        }
        await Deno.writeTextFile(`${dir}/${name}`, code);
      }
      // The chunks no other imports first (tops): their imports, in their order, decide
      // the order the chunks run in.
      const lines = group.members.map((name) =>
        `export { ${exported.get(name)!.map((e) => `${e} as ${prefix(name)}${e}`).join(", ")} } ` +
        `from ${JSON.stringify(`./${name}`)};`
      );
      await Deno.writeTextFile(`${dir}/${group.name}`, lines.join("\n") + "\n");
    }
    const r = await new Deno.Command(deno, {
      args: [
        "bundle",
        "--quiet",
        "--no-config",
        "--platform",
        "deno",
        "--external",
        `${EXTERNAL}*`,
        "--outdir",
        `${dir}/out`,
        ...groups.map((group) => `${dir}/${group.name}`),
      ],
      cwd: dir,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!r.success) throw new Error("bundle: merging chunks failed (deno bundle)");
    const merged = new Map<string, string>();
    for (const group of groups) {
      const code = await Deno.readTextFile(`${dir}/out/${group.name}`);
      merged.set(group.name, code.replaceAll(`"${EXTERNAL}`, `"./`));
    }
    return merged;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * `code` with its static imports of the chunks in `groupOf` taken from their group's
 * module instead, under the group's names: `import { a, b as c } from "./m.js"` →
 * `import { m__a as a, m__b as c } from "./group-….js"`, `import "./m.js"` →
 * `import "./group-….js"`.
 */
function rewriteImports(
  code: string,
  groupOf: Map<string, Group>,
  exported: Map<string, string[]>,
): string {
  const to = (name: string) => JSON.stringify(`./${groupOf.get(name)!.name}`);
  const named = /^import\s*\{([^}]*)\}\s*from\s*"\.\/([^"]+)";$/gm;
  const out = code.replace(named, (all, list: string, name: string) => {
    if (!groupOf.has(name)) return all;
    const items = list.split(",").map((s) => s.trim()).filter(Boolean).map((item) => {
      const [imported, local = imported] = item.split(/\s+as\s+/);
      if (!exported.get(name)!.includes(imported)) {
        throw new Error(`bundle: ${name} does not export ${imported}`);
      }
      return `${prefix(name)}${imported} as ${local}`;
    });
    return `import { ${items.join(", ")} } from ${to(name)};`;
  });
  return out.replace(
    /^import\s*"\.\/([^"]+)";$/gm,
    (all, name: string) => groupOf.has(name) ? `import ${to(name)};` : all,
  );
}
