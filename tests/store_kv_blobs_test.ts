/**
 * Records of any size in Deno KV: key parts past 2 KiB and values past 64 KiB (params,
 * workflow and task names, task ids) are stored whole and read back whole.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import {
  CHUNK_CHARS,
  decodeValue,
  encodeValue,
  estimateBytes,
  hasBlobs,
  MAX_VALUE_BYTES,
} from "../src/store/kv_blobs.ts";
import { keyPart, MAX_KEY_PART_BYTES } from "../src/store/kv_keys.ts";
import { KvRunStore } from "../src/store/kv.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { fakeRunId, publish, runEvents, runInfo } from "./fixtures/history/events.ts";
import { pendingTaskRecord } from "../src/engine/events.ts";

/** Writes blobs to a map and reads them back, as KvIO does with KV. */
function roundTrip(key: Deno.KvKey, value: unknown): { stored: unknown; back: Promise<unknown> } {
  const { value: stored, blobs } = encodeValue(key, value);
  const chunks = new Map(blobs.map((b) => [JSON.stringify(b.key), b.value]));
  for (const b of blobs) assert.ok(b.value.length <= CHUNK_CHARS);
  const back = hasBlobs(stored)
    ? decodeValue(
      key,
      stored,
      (keys) => Promise.resolve(keys.map((k) => chunks.get(JSON.stringify(k)) ?? null)),
    )
    : Promise.resolve(stored);
  return { stored, back };
}

Deno.test("keyPart keeps short text and hashes what a KV key could not hold", () => {
  assert.equal(keyPart("build"), "build");
  const edge = "é".repeat(MAX_KEY_PART_BYTES / 2); // exactly the limit in UTF-8
  assert.equal(keyPart(edge), edge);
  const long = "x".repeat(3000);
  const hashed = keyPart(long);
  assert.ok(hashed instanceof Uint8Array && hashed.length === 32);
  assert.deepEqual(keyPart(long), hashed, "the same text always gives the same key");
  assert.notDeepEqual(keyPart(long + "y"), hashed);
});

Deno.test("encodeValue leaves small values alone", () => {
  const value = { id: "a", outputs: { k: "v".repeat(1000) } };
  const { value: stored, blobs } = encodeValue(["task", "r", "a"], value);
  assert.equal(stored, value);
  assert.deepEqual(blobs, []);
});

Deno.test("encodeValue gives the estimated size of what is stored, small or moved to blobs", () => {
  const small = { id: "a", outputs: { k: "v".repeat(1000) } };
  assert.equal(encodeValue(["task", "r", "a"], small).bytes, estimateBytes(small));
  const big = encodeValue(["task", "r", "b"], { id: "b", name: "N".repeat(200_000) });
  assert.ok(hasBlobs(big.value));
  assert.equal(big.bytes, estimateBytes(big.value));
  assert.ok(big.bytes <= MAX_VALUE_BYTES);
});

Deno.test("a big string moves to content-addressed blobs and comes back whole", async () => {
  const name = "N".repeat(200_000);
  const value = { id: "a", name, params: { small: "x" } };
  const { stored, back } = roundTrip(["task", "run1", "a"], value);
  assert.ok(hasBlobs(stored));
  assert.ok(JSON.stringify(stored).length < MAX_VALUE_BYTES);
  assert.deepEqual(await back, value);
  // Same content, same blob keys: rewriting a record rewrites the same blobs.
  const again = encodeValue(["task", "run1", "a"], { ...value, status: "done" });
  const first = encodeValue(["task", "run1", "a"], value);
  assert.deepEqual(again.blobs.map((b) => b.key), first.blobs.map((b) => b.key));
  assert.ok(first.blobs.every((b) => b.key[0] === "blob" && b.key[1] === "run1"));
});

Deno.test("two-byte text and surrogate pairs at chunk edges survive", async () => {
  // An emoji (two UTF-16 units) straddling the first chunk boundary.
  const text = "€".repeat(CHUNK_CHARS - 1) + "😀" + "ü".repeat(40_000);
  const { back } = roundTrip(["run", "r"], { params: { text } });
  assert.deepEqual(await back, { params: { text } });
});

Deno.test("many small strings: the whole value goes to a blob", async () => {
  const params: Record<string, string> = {};
  for (let i = 0; i < 20_000; i++) params[`p${i}`] = `value-${i}`;
  const { stored, back } = roundTrip(["run", "r"], { id: "r", params });
  assert.ok(JSON.stringify(stored).length < 1000);
  assert.deepEqual(await back, { id: "r", params });
});

Deno.test("a missing blob chunk reads as gone, not as a corrupt value", async () => {
  const { value: stored } = encodeValue(["run", "r"], { name: "n".repeat(100_000) });
  const value = await decodeValue(
    ["run", "r"],
    stored,
    (keys) => Promise.resolve(keys.map(() => null)),
  );
  assert.equal(value, undefined);
});

Deno.test("KV store: huge params, names and ids are recorded and found", async () => {
  const dir = testTempDir("weft_big_");
  const store = await KvRunStore.open(`${dir}/weft.kv`, `${dir}/logs`);
  try {
    const id = fakeRunId();
    const workflow = "W".repeat(100_000);
    const longTask = "t".repeat(3000);
    const payload = "p".repeat(300_000);
    const recorder = createRecorder(store, `${dir}/logs`);
    publish(
      recorder.listener,
      runEvents({
        id,
        workflow,
        params: { payload },
        tasks: [{ id: "a", lines: [["stdout", "hi"]] }, { id: longTask, lines: [["stdout", "x"]] }],
      }),
    );
    await recorder.flush();
    const [listed] = await store.listRuns({ limit: 1 });
    assert.equal(listed.id, id);
    assert.equal(listed.params.payload, payload);
    assert.equal((await store.listRuns({ workflow }))[0]?.id, id);
    const details = await store.getRun(id);
    assert.equal(details.run.workflow, workflow);
    assert.deepEqual(details.tasks.map((t) => [t.id.length, t.status]), [
      [1, "success"],
      [3000, "success"],
    ]);
    const attempts = await store.listAttempts(id, longTask);
    assert.equal(attempts.length, 1);
    const log = await Deno.readTextFile(`${dir}/logs/${attempts[0].logPath}`);
    assert.equal(log, "O x\n");
    assert.equal((await store.runsForMetrics({ workflow }))[0].tasks.length, 2);

    // A task name of 200 KB in a run still running, then interrupted.
    const other = fakeRunId();
    const big = { ...pendingTaskRecord("b"), name: "n".repeat(200_000) };
    await store.createRun(runInfo({ id: other, pid: 2 ** 22 + 9 }), [big]);
    assert.equal(await store.markInterrupted(other), true);
    assert.equal((await store.getRun(other)).tasks[0].name.length, 200_000);

    // Lookups of ids far beyond any key's size find nothing, without a KV error.
    assert.equal(await store.findRun("x".repeat(5000)), null);
    await assert.rejects(store.getRun("2".repeat(5000)), /no run with id/);

    // Deleting runs deletes their blobs too.
    await store.deleteRun(id);
    await store.deleteRun(other);
    const kv = await Deno.openKv(`${dir}/weft.kv`);
    const left = [];
    for await (const entry of kv.list({ prefix: [] })) left.push(entry.key);
    kv.close();
    assert.deepEqual(left, []);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
