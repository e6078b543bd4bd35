/**
 * Start-up (issue 12 §3): what `weft history`, `weft status` and every `--help` load
 * before doing their work — the CLI (src/cli/main.ts with every verb's definition) and
 * the store (src/store/open.ts) — imports no `node:` or `npm:` module at load. Any of
 * them starts Deno's Node compatibility layer or an npm package, 5–25 ms on every
 * command; they belong behind `await import()` where a verb needs them.
 */
import assert from "node:assert/strict";

import { staticGraph } from "./_static_graph.ts";

for (const entry of ["main.ts", "src/cli/main.ts", "src/store/open.ts"]) {
  Deno.test(`startup imports: ${entry} loads no node: or npm: module statically`, async () => {
    const graph = await staticGraph(entry);
    assert.ok(graph.some((s) => s.endsWith(`/${entry}`)), "the entry itself is in its graph");
    assert.deepEqual(graph.filter((s) => /^(node|npm):/.test(s)), []);
  });
}

Deno.test("startup imports: the way into a JSON file loads no yaml and no node:", async () => {
  // parse/problems.ts (weft validate, weft run) loads a clean .json workflow without the
  // YAML parser, whose npm package Deno loads as CommonJS (~20 ms with Node's module
  // loader), and without node: modules (Node compatibility, ~5 ms).
  const graph = await staticGraph("src/parse/clean_json.ts");
  assert.ok(graph.some((s) => s.includes("zod")), "the model is loaded");
  assert.deepEqual(graph.filter((s) => /yaml|^node:/.test(s)), []);
});

Deno.test("startup imports: the way into a JSON file loads the model's schema only to validate", async () => {
  // A run whose workflow the validated cache holds (parse/validated_cache.ts) checks
  // nothing: zod and the schema it builds (~30 ms of start-up) load with
  // parse/clean_json.ts, which problems.ts imports only when it validates.
  const graph = await staticGraph("src/parse/problems.ts");
  assert.ok(graph.some((s) => s.endsWith("/src/parse/validated_cache.ts")));
  assert.deepEqual(graph.filter((s) => /^npm:/.test(s) || s.endsWith("/clean_json.ts")), []);
  const dynamic = await dynamicImports("src/parse/problems.ts");
  assert.ok(dynamic.some((s) => s.endsWith("/src/parse/clean_json.ts")));
});

Deno.test("startup imports: the full checks (YAML files) load no node: module statically", async () => {
  // In the bundle the YAML parser needs no Node compatibility; node:path would start it.
  const graph = await staticGraph("src/parse/mod.ts");
  assert.ok(graph.some((s) => s.includes("yaml")), "the YAML parser is loaded");
  assert.deepEqual(graph.filter((s) => /^node:/.test(s)), []);
});

Deno.test("startup imports: the engine and its task runners load no node:fs or node:url", async () => {
  // A static node:fs starts most of Node compatibility (~10 ms) on every `weft run` (of
  // a task type whose runner has it: src/tasks/mod.ts loads each runner when used).
  const runners = ["shell", "http", "javascript", "python", "data_processor", "docker"]
    .map((name) => `src/tasks/${name}.ts`).concat("src/tasks/database/runner.ts");
  for (const entry of ["src/engine/mod.ts", ...runners]) {
    const graph = await staticGraph(entry);
    assert.ok(graph.some((s) => s.endsWith(`/${entry}`)), `${entry} is in its graph`);
    assert.deepEqual(graph.filter((s) => /^node:(fs|url)/.test(s)), [], entry);
  }
});

Deno.test("startup imports: a run without notifications does not load src/notify/mod.ts", async () => {
  const graph = await staticGraph("src/cli/notify_wiring.ts");
  assert.ok(graph.some((s) => s.endsWith("/src/notify/wanted.ts")));
  assert.deepEqual(graph.filter((s) => s.endsWith("/src/notify/mod.ts")), []);
});

/**
 * The modules `weft run` loads before its first task (src/cli/run.ts's imports, in the
 * order it makes them; src/cli/launch.ts's; the store, the recorder) and the task
 * runner of a shell task. The one npm package among them: @noble/hashes (the resume
 * fingerprints of every task, store/resume.ts, when the validated cache has none). The
 * model (zod, croner) loads only to validate (see the test above).
 */
const RUN_PATH = [
  "src/cli/run.ts",
  "src/parse/problems.ts",
  "src/engine/params.ts",
  "src/cli/render/progress.ts",
  "src/cli/signals.ts",
  "src/cli/launch.ts",
  "src/engine/mod.ts",
  "src/tasks/spawner.ts",
  "src/cli/run_history.ts",
  "src/engine/secrets.ts",
  "src/cli/notify_wiring.ts",
  "src/store/open.ts",
  "src/store/recorder.ts",
  "src/store/resume.ts",
  "src/store/retention.ts",
  "src/tasks/shell.ts",
];
const RUN_NPM = /^npm:\/?@noble\/hashes@/;

Deno.test("startup imports: the way of `weft run` to a shell task loads no node: module", async () => {
  // Any node: module starts Deno's Node compatibility layer, ~10 ms of every run
  // (issue 8 §5); src/path.ts stands in for node:path there. Task types other than
  // shell load their modules only when a run uses them (src/tasks/mod.ts).
  const found = new Set<string>();
  for (const entry of RUN_PATH) {
    const graph = await staticGraph(entry);
    assert.ok(graph.some((s) => s.endsWith(`/${entry}`)), `${entry} is in its graph`);
    for (const s of graph) if (/^(node|npm):/.test(s) && !RUN_NPM.test(s)) found.add(s);
  }
  assert.deepEqual([...found], []);
});

/**
 * The verbs other than `weft run` that load a workflow file to run or inspect it, with
 * the modules each loads (dynamically) on its way to the loaded workflow.
 */
const LOADING_VERBS: Record<string, string[]> = {
  "src/cli/schedule_manage.ts": ["src/schedule/from_trigger.ts", "src/engine/params.ts"],
  "src/cli/schedule_backfill.ts": ["src/engine/params.ts", "src/cli/launch.ts"],
  "src/cli/alerts.ts": [],
  "src/cli/daemon.ts": [
    "src/schedule/daemon_lock.ts",
    "src/schedule/daemon.ts",
    "src/schedule/clock.ts",
    "src/store/kv_schedules.ts",
    "src/cli/launch.ts",
  ],
};

/** The modules `entry` imports itself with `await import()` (not their imports). */
async function dynamicImports(entry: string): Promise<string[]> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const info = JSON.parse(new TextDecoder().decode(r.stdout));
  const self = info.modules.find((m: { specifier: string }) => m.specifier === info.roots[0]);
  return (self?.dependencies ?? [])
    .filter((d: { isDynamic?: boolean }) => d.isDynamic)
    .map((d: { code?: { specifier?: string } }) => d.code?.specifier ?? "");
}

Deno.test("startup imports: schedule add/backfill, alerts and daemon load a JSON file without yaml", async () => {
  // They load the workflow through parse/problems.ts's quick path, as `weft run` does;
  // parse/mod.ts (the YAML parser, ~20 ms) only when the file is YAML or has a problem.
  for (const [verb, way] of Object.entries(LOADING_VERBS)) {
    const dynamic = await dynamicImports(verb);
    assert.ok(
      dynamic.some((s) => s.endsWith("/src/parse/problems.ts")),
      `${verb} loads problems.ts`,
    );
    assert.deepEqual(dynamic.filter((s) => s.endsWith("/src/parse/mod.ts")), [], verb);
    for (const entry of [verb, "src/parse/problems.ts", ...way]) {
      const graph = await staticGraph(entry);
      assert.ok(graph.some((s) => s.endsWith(`/${entry}`)), `${entry} is in its graph`);
      assert.deepEqual(graph.filter((s) => /yaml/.test(s)), [], `${verb}: ${entry}`);
    }
  }
});
