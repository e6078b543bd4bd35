/**
 * Listing runs from the KV store (src/store/kv_list.ts): a listing starts at its time
 * bound, so oldest first from `since` (a parent's child runs, a fire's run: what
 * `weft status ID` and the daemon ask for) reads no run started before it, where it read
 * history from its oldest run (`weft status` of a run in the middle of 100,000 took a
 * second). Ids out of start order by up to ID_ORDER_SLACK_MS (whole-second ids of earlier
 * versions) are still listed.
 */
import assert from "node:assert/strict";
import { boundedSelector, listStoredRuns } from "../src/store/kv_list.ts";
import { KvIO } from "../src/store/kv_io.ts";
import type { RunFilter, RunRecord } from "../src/store/run_store.ts";
import { testTempDir } from "./_tmp.ts";

/** A KvIO that counts the entries its listings read. */
class CountingIO extends KvIO {
  read = 0;
  override async listPage<T>(
    selector: Deno.KvListSelector,
    options: { limit: number; reverse?: boolean; cursor?: string },
  ) {
    const page = await super.listPage<T>(selector, options);
    this.read += page.entries.length;
    return page;
  }
}

const T0 = Date.parse("2026-06-01T00:00:00.000Z");
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "");

/** `n` runs, one a minute from T0, under ["run", id], and one with a whole-second id. */
async function history(n: number) {
  const kv = await Deno.openKv(`${testTempDir("kv-list-")}/weft.kv`);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${stamp(T0 + i * 60_000)}-${i.toString(16).padStart(10, "0")}`;
    ids.push(id);
    const run = {
      id,
      workflow: "w",
      status: "success",
      startedAt: new Date(T0 + i * 60_000).toISOString(),
    };
    await kv.set(["run", id], run as unknown as RunRecord);
  }
  return { kv, io: new CountingIO(kv), ids };
}

Deno.test("kv list: oldest first from since reads no run started before it", async () => {
  const { kv, io, ids } = await history(300);
  try {
    const since = new Date(T0 + 297 * 60_000);
    const runs = await listStoredRuns(io, { since, oldestFirst: true });
    assert.deepEqual(runs.map((r) => r.id), ids.slice(297));
    assert.ok(io.read <= 3, `${io.read} runs read for 3 listed`);
    // Newest first up to `before` starts there too; a limit ends it.
    io.read = 0;
    const before = new Date(T0 + 3 * 60_000);
    const older = await listStoredRuns(io, { before });
    assert.deepEqual(older.map((r) => r.id), ids.slice(0, 3).reverse());
    // And the run that started at `before`, within the slack: read, not listed.
    assert.ok(io.read <= 4, `${io.read} runs read for 3 listed`);
  } finally {
    kv.close();
  }
});

Deno.test("kv list: a run whose id is out of start order within the slack is still listed", async () => {
  const { kv, io } = await history(3);
  try {
    // An earlier version's id carries whole seconds: it sorts after the same second's others.
    const at = T0 + 10 * 60_000 + 500;
    const id = `${stamp(at).replace(/\.\d{3}Z$/, "Z")}-oldformat0`;
    await kv.set(["run", id], {
      id,
      workflow: "w",
      status: "success",
      startedAt: new Date(at).toISOString(),
    });
    const since = new Date(at);
    assert.deepEqual((await listStoredRuns(io, { since, oldestFirst: true })).map((r) => r.id), [
      id,
    ]);
    const before = new Date(at + 1);
    assert.equal((await listStoredRuns(io, { before })).at(0)?.id, id);
  } finally {
    kv.close();
  }
});

Deno.test("boundedSelector: a start or end at the bound's id, widened by the slack; none without one", () => {
  const since = new Date("2026-06-01T00:00:05.000Z");
  const f = (filter: RunFilter) => boundedSelector(["run"], filter);
  assert.deepEqual(f({ since, oldestFirst: true }), {
    prefix: ["run"],
    start: ["run", "20260601T000003.000Z"],
  });
  assert.deepEqual(f({ before: since }), { prefix: ["run"], end: ["run", "20260601T000007.000Z"] });
  assert.deepEqual(boundedSelector(["run_wf", "w"], { since, oldestFirst: true }), {
    prefix: ["run_wf", "w"],
    start: ["run_wf", "w", "20260601T000003.000Z"],
  });
  // Newest first stops at `since` by itself (timeBound); oldest first stops at `before`.
  assert.deepEqual(f({ since }), { prefix: ["run"] });
  assert.deepEqual(f({ before: since, oldestFirst: true }), { prefix: ["run"] });
  assert.deepEqual(f({}), { prefix: ["run"] });
  // A time no id can spell (past year 9999, or not a time) bounds nothing.
  assert.deepEqual(f({ since: new Date("+012000-01-01T00:00:00Z"), oldestFirst: true }), {
    prefix: ["run"],
  });
  assert.deepEqual(f({ before: new Date(NaN) }), { prefix: ["run"] });
});
