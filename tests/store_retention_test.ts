/**
 * Retention: keep-days, keep-runs, per workflow and global, dry runs, logs deleted with
 * runs, child runs deleted with their caller.
 */
import { exists, testTempDir } from "./_tmp.ts";
import { weft } from "./_run_cli.ts";
import assert from "node:assert/strict";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { applyRetention, pruneRuns } from "../src/store/retention.ts";
import type { RunStore } from "../src/store/run_store.ts";
import { fakeRunId, publish, runEvents, startEvents } from "./fixtures/history/events.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const DAY = 86_400_000;

/** A store with runs `daysAgo` old (alternating workflows a/b), each with a log file. */
async function seeded(daysAgo: number[]): Promise<{ store: RunStore; ids: string[]; dir: string }> {
  const dir = testTempDir("weft_ret_");
  const store = await openStore(`${dir}/home`);
  const recorder = createRecorder(store, store.logsDir);
  const ids: string[] = [];
  daysAgo.forEach((days, i) => {
    const started = new Date(NOW.getTime() - days * DAY);
    const id = fakeRunId(started);
    ids.push(id);
    publish(
      recorder.listener,
      runEvents({
        id,
        startedAt: started.toISOString(),
        workflow: i % 2 ? "b" : "a",
        tasks: [{ id: "t", lines: [["stdout", `run ${i}`]] }],
      }),
    );
  });
  await recorder.flush();
  return { store, ids, dir };
}

Deno.test("keep-days deletes older runs and their log folders", async () => {
  const { store, ids, dir } = await seeded([40, 35, 20, 10, 1]);
  const deleted = await pruneRuns(store, { keepDays: 30, now: NOW });
  assert.deepEqual(deleted.map((r) => r.id), ids.slice(0, 2));
  assert.deepEqual((await store.listRuns()).map((r) => r.id), ids.slice(2).reverse());
  assert.equal(exists(`${store.logsDir}/${ids[0]}`), false);
  assert.equal(exists(`${store.logsDir}/${ids[2]}/t.1.log`), true);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("keep-runs keeps the newest N, globally or within one workflow; dry-run deletes nothing", async () => {
  const { store, ids, dir } = await seeded([9, 8, 7, 6, 5, 4]); // a: 0,2,4  b: 1,3,5
  const planned = await pruneRuns(store, { keepRuns: 2, workflow: "a", dryRun: true });
  assert.deepEqual(planned.map((r) => r.id), [ids[0]]);
  assert.equal((await store.listRuns()).length, 6);
  assert.deepEqual((await pruneRuns(store, { keepRuns: 2, workflow: "a" })).map((r) => r.id), [
    ids[0],
  ]);
  assert.deepEqual((await pruneRuns(store, { keepRuns: 3 })).map((r) => r.id), [ids[1], ids[2]]);
  assert.deepEqual((await store.listRuns()).map((r) => r.id), [ids[5], ids[4], ids[3]]);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a running run is never pruned", async () => {
  const { store, ids, dir } = await seeded([50]);
  const recorder = createRecorder(store, store.logsDir);
  const live = fakeRunId(new Date(NOW.getTime() - 60 * DAY));
  publish(
    recorder.listener,
    startEvents({ id: live, startedAt: new Date(NOW.getTime() - 60 * DAY).toISOString() }),
  );
  await recorder.flush();
  const deleted = await pruneRuns(store, { keepDays: 1, keepRuns: 0, now: NOW });
  assert.deepEqual(deleted.map((r) => r.id), [ids[0]]);
  assert.equal((await store.findRun(live))?.status, "running");
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyRetention: the workflow's setting for its runs, the global one for all", async () => {
  const { store, ids, dir } = await seeded([100, 90, 50, 40, 3, 2]); // a: 0,2,4  b: 1,3,5
  // Workflow a keeps 1 run; globally nothing older than 60 days.
  const deleted = await applyRetention(store, {
    workflow: "a",
    workflowRetention: { keep_runs: 1 },
    globalRetention: { keep_days: 60 },
  }, NOW);
  assert.deepEqual(new Set(deleted.map((r) => r.id)), new Set([ids[0], ids[2], ids[1]]));
  assert.deepEqual((await store.listRuns()).map((r) => r.id), [ids[5], ids[4], ids[3]]);
  // Nothing due: nothing deleted.
  assert.deepEqual(await applyRetention(store, { workflow: "b", globalRetention: {} }, NOW), []);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

const CHILDREN = new URL("./fixtures/retention_children/", import.meta.url).pathname;

interface Listed {
  id: string;
  workflow: string;
  parentRunId?: string;
}

/** `weft history --all --json` of `home`: every run, child runs included. */
async function allRuns(home: string): Promise<Listed[]> {
  const r = await weft(["history", "--all", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test("a workflow's retention deletes its runs' child runs with them, however deep (weft run)", async () => {
  const home = `${testTempDir()}/home`;
  for (let i = 0; i < 3; i++) {
    const r = await weft(["run", `${CHILDREN}parent.yml`, "-q"], { env: { WEFT_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
  }
  const runs = await allRuns(home);
  assert.deepEqual(runs.map((r) => r.workflow).sort(), ["child", "grandchild", "parent"]);
  const ids = new Set(runs.map((r) => r.id));
  for (const run of runs) {
    if (run.parentRunId) assert.ok(ids.has(run.parentRunId), `${run.id} names a deleted caller`);
  }
  assert.deepEqual(
    [...Deno.readDirSync(`${home}/logs`)].map((e) => e.name).sort(),
    [...ids].sort(),
  );
});

Deno.test("weft history prune --keep-runs: a deleted run's child runs go too; --dry-run lists them", async () => {
  const home = `${testTempDir()}/home`;
  const env = { WEFT_HOME: home };
  // child.yml has no retention of its own: its runs (and theirs) are kept until pruned.
  for (let i = 0; i < 2; i++) {
    assert.equal((await weft(["run", `${CHILDREN}child.yml`, "-q"], { env })).code, 0);
  }
  assert.equal((await allRuns(home)).length, 4);
  const dry = await weft([
    "history",
    "prune",
    "--keep-runs",
    "1",
    "--workflow",
    "child",
    "--dry-run",
    "--json",
  ], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual((JSON.parse(dry.stdout) as Listed[]).map((r) => r.workflow).sort(), [
    "child",
    "grandchild",
  ]);
  assert.equal((await allRuns(home)).length, 4, "a dry run deletes nothing");
  const pruned = await weft(["history", "prune", "--keep-runs", "1", "--workflow", "child"], {
    env,
  });
  assert.equal(pruned.code, 0, pruned.stderr);
  const left = await allRuns(home);
  assert.deepEqual(left.map((r) => r.workflow).sort(), ["child", "grandchild"]);
  assert.equal(
    left.find((r) => r.workflow === "grandchild")!.parentRunId,
    left.find((r) => r.workflow === "child")!.id,
  );
});

Deno.test("the run just made (kept) is never deleted by retention, and counts among the newest", async () => {
  // ids[0] sorts oldest, as the run made after the clock was stepped back does.
  const { store, ids, dir } = await seeded([40, 3, 2, 1]);
  const deleted = await applyRetention(store, {
    workflow: "a",
    globalRetention: { keep_runs: 2, keep_days: 30 },
    keep: [ids[0]],
  }, NOW);
  assert.deepEqual(deleted.map((r) => r.id).sort(), [ids[1], ids[2]]);
  assert.deepEqual((await store.listRuns()).map((r) => r.id), [ids[3], ids[0]]);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a child workflow's own retention and prune never delete a child run whose caller stays", async () => {
  const home = `${testTempDir()}/home`;
  const env = { WEFT_HOME: home };
  const run = async (file: string) => {
    const r = await weft(["run", `${CHILDREN}${file}`, "-q"], { env });
    assert.equal(r.code, 0, r.stderr);
  };
  const called = async () => (await allRuns(home)).filter((r) => r.parentRunId).length;
  // own_child.yml keeps 1 run of its own; caller.yml (no retention) calls it twice a run.
  await run("caller.yml");
  await run("caller.yml");
  assert.equal(await called(), 4);
  // Its own runs (standalone) are cut to one; those its callers made stay.
  await run("own_child.yml");
  await run("own_child.yml");
  let runs = await allRuns(home);
  assert.equal(runs.filter((r) => r.workflow === "own_child" && !r.parentRunId).length, 1);
  assert.equal(await called(), 4);
  const dry = await weft(
    ["history", "prune", "--keep-runs", "1", "--workflow", "own_child", "--dry-run", "--json"],
    { env },
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal((JSON.parse(dry.stdout) as Listed[]).filter((r) => r.parentRunId).length, 0);
  const pruned = await weft(["history", "prune", "--keep-runs", "1", "--workflow", "own_child"], {
    env,
  });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal(await called(), 4);
  // The caller's own prune takes its older run's children with it, and only those.
  const callers = await weft(["history", "prune", "--keep-runs", "1", "--workflow", "caller"], {
    env,
  });
  assert.equal(callers.code, 0, callers.stderr);
  runs = await allRuns(home);
  const caller = runs.filter((r) => r.workflow === "caller");
  assert.equal(caller.length, 1);
  const children = runs.filter((r) => r.parentRunId);
  assert.deepEqual(children.map((r) => r.parentRunId), [caller[0].id, caller[0].id]);
  assert.deepEqual(
    [...Deno.readDirSync(`${home}/logs`)].map((e) => e.name).sort(),
    runs.map((r) => r.id).sort(),
  );
});
