/**
 * KvIO's batching within Deno KV's limits per atomic operation: 1,000 mutations and
 * 80 KiB of keys. A run's task records go out in as few writes as those limits allow
 * (each write is a transaction with its fsync before the first task may start), and
 * never in one that KV refuses, whatever the task ids.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { KvRunStore } from "../src/store/kv.ts";
import { keyBytes } from "../src/store/kv_io.ts";
import { fakeRunId, pendingTask, runInfo } from "./fixtures/history/events.ts";

/** A Deno.Kv that counts the atomic operations committed through it. */
function countingCommits(kv: Deno.Kv): { kv: Deno.Kv; commits: () => number } {
  let commits = 0;
  const wrapped = new Proxy(kv, {
    get(target, name) {
      if (name === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = () => (commits++, commit());
          return op;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv: wrapped, commits: () => commits };
}

async function withStore(
  fn: (store: KvRunStore, commits: () => number) => Promise<void>,
): Promise<void> {
  const dir = testTempDir("weft_kv_io_");
  const counting = countingCommits(await Deno.openKv(`${dir}/weft.kv`));
  const store = new KvRunStore(counting.kv, `${dir}/logs`);
  try {
    await fn(store, counting.commits);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("keyBytes: exact for ASCII keys, an upper bound for others", () => {
  // tag + bytes + terminator per part; a number is a tag and 8 bytes.
  assert.equal(keyBytes(["task", "ab", 1]), 6 + 4 + 9);
  assert.equal(keyBytes(["é"]), 4);
  assert.equal(keyBytes(["日"]), 5);
  assert.equal(keyBytes(["a\u0000b"]), 6); // KV escapes a NUL byte in two
  assert.equal(keyBytes([new Uint8Array(3)]), 8);
});

Deno.test("a run of 1,000 tasks is created in two writes: its tasks, then the run record", async () => {
  await withStore(async (store, commits) => {
    const id = fakeRunId();
    const tasks = Array.from({ length: 1000 }, (_, i) => pendingTask(`t${i}`));
    await store.createRun(runInfo({ id }), tasks);
    assert.equal(commits(), 2);
    const details = await store.getRun(id);
    assert.equal(details.tasks.length, 1000);
    assert.deepEqual(details.tasks.map((t) => t.id), tasks.map((t) => t.id));
  });
});

Deno.test("task ids of 128 characters, some not ASCII, never make a write KV refuses", async () => {
  for (const letter of ["a", "é", "日"]) {
    await withStore(async (store, commits) => {
      const id = fakeRunId();
      // 600 keys of ~150 to ~400 bytes: far beyond 80 KiB of keys in one write.
      const tasks = Array.from(
        { length: 600 },
        (_, i) => pendingTask(`${String(i).padStart(4, "0")}${letter.repeat(124)}`),
      );
      await store.createRun(runInfo({ id }), tasks);
      assert.ok(commits() >= 2, `${letter}: ${commits()} writes`);
      const details = await store.getRun(id);
      assert.equal(details.run.status, "running");
      assert.deepEqual(details.tasks.map((t) => t.id), tasks.map((t) => t.id));
      const report: RunReport = {
        id,
        workflow: details.run.workflow,
        status: "success",
        startedAt: details.run.startedAt,
        finishedAt: new Date().toISOString(),
        durationMs: 1,
        tasks: details.tasks.map((t) => ({ ...t, status: "success" })),
      };
      await store.finishRun(report);
      const finished = await store.getRun(id);
      assert.equal(finished.run.status, "success");
      assert.ok(finished.tasks.every((t) => t.status === "success"));
    });
  }
});
