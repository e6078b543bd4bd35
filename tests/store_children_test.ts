/**
 * Child runs in the stores (store/children.ts, the `children`/`parentRunId` filters of
 * records.ts): the link is kept on the child's record, old records without it still
 * read, listings can leave children out, and a parent finds its children per task.
 */
import assert from "node:assert/strict";
import type { RunInfo } from "../src/engine/events.ts";
import { childRunsOf } from "../src/store/children.ts";
import { KvRunStore } from "../src/store/kv.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import type { RunStore } from "../src/store/run_store.ts";
import { testTempDir } from "./_tmp.ts";

function info(id: string, startedAt: string, parent?: [string, string]): RunInfo {
  return {
    id,
    workflow: parent ? "child" : "parent",
    file: "/w.yml",
    fileHash: "h",
    params: {},
    startedAt,
    host: "h",
    pid: 1,
    resumedFrom: null,
    ...(parent ? { parentRunId: parent[0], parentTaskId: parent[1] } : {}),
  };
}

async function stores(): Promise<Array<[string, RunStore]>> {
  const dir = testTempDir("children-");
  return [
    ["memory", new MemoryRunStore(`${dir}/mem-logs`)],
    ["kv", await KvRunStore.open(`${dir}/weft.kv`, `${dir}/logs`)],
  ];
}

Deno.test("child runs: linked on record, hidden on request, found per parent task", async () => {
  for (const [name, store] of await stores()) {
    try {
      const p = "20261201T010000.000Z-aaaaaaaaaa";
      const other = "20261201T010000.500Z-cccccccccc";
      const c1 = "20261201T010001.000Z-bbbbbbbbb1";
      const c2 = "20261201T010002.000Z-bbbbbbbbb2";
      const c3 = "20261201T010003.000Z-bbbbbbbbb3";
      await store.createRun(info(p, "2026-12-01T01:00:00.000Z"), []);
      // A run as recorded before sub-workflows existed: no link fields at all.
      await store.createRun(info(other, "2026-12-01T01:00:00.500Z"), []);
      await store.createRun(info(c1, "2026-12-01T01:00:01.000Z", [p, "call"]), []);
      await store.createRun(info(c2, "2026-12-01T01:00:02.000Z", [p, "call"]), []);
      await store.createRun(info(c3, "2026-12-01T01:00:03.000Z", [p, "other"]), []);

      const child = await store.getRun(c1);
      assert.equal(child.run.parentRunId, p, name);
      assert.equal(child.run.parentTaskId, "call", name);
      assert.equal((await store.getRun(other)).run.parentRunId, undefined, name);

      const top = (await store.listRuns({ children: false })).map((r) => r.id);
      assert.deepEqual(top, [other, p], name);
      assert.equal((await store.listRuns({})).length, 5, name);

      const parent = (await store.getRun(p)).run;
      assert.deepEqual(await childRunsOf(store, parent), { call: [c1, c2], other: [c3] }, name);
      assert.deepEqual(await childRunsOf(store, (await store.getRun(other)).run), {}, name);
    } finally {
      store.close();
    }
  }
});
