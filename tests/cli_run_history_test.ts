/**
 * What `weft run` does with history once the run has ended (src/cli/run_history.ts
 * `finish`): retention from the workflow's `retention:` and from WEFT_HOME/config.json,
 * and a config.json that cannot be used for it, which is a warning, never the outcome.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { openStore } from "../src/store/open.ts";

/** A private home and folder for one test; `cleanup` removes both. */
function tempDirs(): Promise<{ dir: string; home: string; cleanup: () => Promise<void> }> {
  const dir = testTempDir("weft_run_history_");
  return Promise.resolve({
    dir,
    home: `${dir}/home`,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  });
}

/** Writes a one-task workflow named `name` (with `extra` fields) and returns its path. */
async function workflowFile(dir: string, name: string, extra: object = {}): Promise<string> {
  const path = `${dir}/${name}.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ name, ...extra, tasks: [{ id: "a", command: "true" }] }),
  );
  return path;
}

/** The ids of the recorded runs of `workflow`, newest first. */
async function runIds(home: string, workflow: string): Promise<string[]> {
  const store = await openStore(home, { readOnly: true });
  try {
    return (await store.listRuns({ workflow })).map((run) => run.id);
  } finally {
    store.close();
  }
}

Deno.test("weft run applies WEFT_HOME/config.json retention once the run has ended", async () => {
  const { dir, home, cleanup } = await tempDirs();
  const file = await workflowFile(dir, "kept");
  const first = await weft(["run", "-q", "--home", home, file]);
  assert.equal(first.code, 0, first.stderr);
  await Deno.writeTextFile(`${home}/config.json`, JSON.stringify({ retention: { keep_runs: 2 } }));
  for (let i = 0; i < 2; i++) {
    const result = await weft(["run", "-q", "--home", home, file]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /warning/);
  }
  const ids = await runIds(home, "kept");
  assert.equal(ids.length, 2, "the oldest run was pruned after the third");
  assert.ok(!ids.includes(first.stderr.match(/run (\S+)/)![1]), "the pruned run is the first");
  await cleanup();
});

Deno.test("weft run applies the workflow's own retention once the run has ended", async () => {
  const { dir, home, cleanup } = await tempDirs();
  const file = await workflowFile(dir, "own", { retention: { keep_runs: 1 } });
  const other = await workflowFile(dir, "other");
  assert.equal((await weft(["run", "-q", "--home", home, other])).code, 0);
  for (let i = 0; i < 3; i++) {
    const result = await weft(["run", "-q", "--home", home, file]);
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal((await runIds(home, "own")).length, 1);
  assert.equal((await runIds(home, "other")).length, 1, "another workflow's runs are kept");
  await cleanup();
});

Deno.test("weft run with a config.json that is not JSON warns at the end and keeps its outcome", async () => {
  const { dir, home, cleanup } = await tempDirs();
  const file = await workflowFile(dir, "warned");
  assert.equal((await weft(["run", "-q", "--home", home, file])).code, 0);
  await Deno.writeTextFile(`${home}/config.json`, "{ not json");
  const result = await weft(["run", "-q", "--home", home, file]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.match(lines[0], /^run \S+ success/);
  assert.match(
    lines.at(-1)!,
    /^weft: warning: pruning old history failed: .*config\.json.*not valid JSON/,
  );
  assert.equal((await runIds(home, "warned")).length, 2, "the run is recorded, nothing pruned");
  await cleanup();
});
