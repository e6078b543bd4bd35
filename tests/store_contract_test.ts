/**
 * The RunStore contract, run against both implementations (Deno KV in a temp folder,
 * and memory): records, ordering, filters, prefix lookup, interruption, deletion, caps.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { KvRunStore } from "../src/store/kv.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import type { RunStore } from "../src/store/run_store.ts";
import { WeftError } from "../src/model/errors.ts";
import { createRecorder } from "../src/store/recorder.ts";
import {
  fakeRunId,
  pendingTask,
  publish,
  runEvents,
  runInfo,
  startEvents,
} from "./fixtures/history/events.ts";

type Factory = () => Promise<{ store: RunStore; dir: string }>;

const factories: Record<string, Factory> = {
  kv: async () => {
    const dir = testTempDir("weft_store_");
    return { store: await KvRunStore.open(`${dir}/weft.kv`, `${dir}/logs`), dir };
  },
  memory: () => {
    const dir = testTempDir("weft_mem_");
    return Promise.resolve({ store: new MemoryRunStore(`${dir}/logs`), dir });
  },
};

const HOUR = 3_600_000;
const base = Date.parse("2026-01-10T12:00:00Z");
const at = (hoursAgo: number) => new Date(base - hoursAgo * HOUR);

/** Records a whole run through the recorder, as the CLI would. */
async function record(store: RunStore, dir: string, ...runs: Parameters<typeof runEvents>[0][]) {
  const recorder = createRecorder(store, `${dir}/logs`);
  for (const run of runs) publish(recorder.listener, runEvents(run));
  await recorder.flush();
}

function contract(name: string, factory: Factory) {
  const test = (title: string, fn: (store: RunStore, dir: string) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const { store, dir } = await factory();
      try {
        await fn(store, dir);
      } finally {
        store.close();
        await Deno.remove(dir, { recursive: true });
      }
    });

  test("a run and its tasks round-trip in announce order, with hashes", async (store) => {
    const id = fakeRunId(at(1));
    const tasks = ["zeta", "alpha", "mid"].map(pendingTask);
    await store.createRun(runInfo({ id, startedAt: at(1).toISOString() }), tasks, {
      taskHashes: { zeta: "h1", alpha: "h2" },
    });
    await store.updateTask(id, { ...tasks[1], status: "success", outputs: { k: "v" } });
    const details = await store.getRun(id);
    assert.equal(details.run.status, "running");
    assert.deepEqual(details.tasks.map((t) => t.id), ["zeta", "alpha", "mid"]);
    assert.equal(details.tasks[1].status, "success");
    assert.deepEqual(details.tasks[1].outputs, { k: "v" });
    assert.deepEqual(details.taskHashes, { zeta: "h1", alpha: "h2" });
    assert.deepEqual(await store.findRunning(), [details.run]);
  });

  test("finishRun sets status, times and summary; the status index follows", async (store, dir) => {
    const id = fakeRunId(at(2));
    await record(store, dir, {
      id,
      startedAt: at(2).toISOString(),
      tasks: [{ id: "a" }, { id: "b", status: "failed", attempts: 2 }],
    });
    const run = await store.findRun(id);
    assert.equal(run?.status, "failed");
    assert.ok(run?.finishedAt && run.durationMs !== null && run.durationMs > 0);
    assert.deepEqual(run?.summary?.map((s) => [s.id, s.status]), [["a", "success"], [
      "b",
      "failed",
    ]]);
    assert.deepEqual(await store.findRunning(), []);
    assert.deepEqual((await store.listRuns({ status: "failed" })).map((r) => r.id), [id]);
    assert.deepEqual(await store.listRuns({ status: "running" }), []);
    const attempts = await store.listAttempts(id, "b");
    assert.deepEqual(attempts.map((a) => [a.attempt, a.status]), [[1, "failed"], [2, "failed"]]);
  });

  test("listRuns: newest first, limit, workflow, status and since filters", async (store, dir) => {
    const ids: string[] = [];
    const runs = [];
    for (let i = 0; i < 12; i++) {
      const id = fakeRunId(at(24 - i * 2));
      ids.push(id);
      runs.push({
        id,
        startedAt: at(24 - i * 2).toISOString(),
        workflow: i % 3 === 0 ? "nightly" : "deploy",
        tasks: [{ id: "t", status: i % 4 === 0 ? "failed" as const : "success" as const }],
      });
    }
    await record(store, dir, ...runs);
    const newest = [...ids].reverse();
    assert.deepEqual((await store.listRuns()).map((r) => r.id), newest);
    assert.deepEqual((await store.listRuns({ limit: 3 })).map((r) => r.id), newest.slice(0, 3));
    const nightly = await store.listRuns({ workflow: "nightly" });
    assert.deepEqual(nightly.map((r) => r.id), [ids[9], ids[6], ids[3], ids[0]]);
    const failed = await store.listRuns({ status: "failed", limit: 2 });
    assert.deepEqual(failed.map((r) => r.id), [ids[8], ids[4]]);
    const both = await store.listRuns({ workflow: "nightly", status: "failed" });
    assert.deepEqual(both.map((r) => r.id), [ids[0]]);
    const recent = await store.listRuns({ since: at(6) });
    assert.deepEqual(recent.map((r) => r.id), newest.slice(0, 3)); // 2h, 4h and exactly 6h ago
    const oldest = await store.listRuns({ before: at(19), oldestFirst: true });
    assert.deepEqual(oldest.map((r) => r.id), ids.slice(0, 3));
  });

  test("getRun accepts a unique prefix; ambiguous and unknown ones are usage errors", async (store) => {
    await store.createRun(runInfo({ id: "20260110T010203Z-aaa111" }), [pendingTask("a")]);
    await store.createRun(runInfo({ id: "20260110T010203Z-aab222" }), [pendingTask("a")]);
    await store.createRun(runInfo({ id: "20260110T010203Z-b" }), [pendingTask("a")]);
    assert.equal((await store.getRun("20260110T010203Z-aaa")).run.id, "20260110T010203Z-aaa111");
    // An exact id wins even when it is also a prefix of another id.
    await store.createRun(runInfo({ id: "20260110T010203Z-b2" }), [pendingTask("a")]);
    assert.equal((await store.getRun("20260110T010203Z-b")).run.id, "20260110T010203Z-b");
    await assert.rejects(store.getRun("20260110T010203Z-aa"), (e: unknown) => {
      assert.ok(e instanceof WeftError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /ambiguous/);
      assert.match(e.message, /aaa111/);
      assert.match(e.message, /aab222/);
      return true;
    });
    await assert.rejects(store.getRun("1999"), (e: unknown) => {
      assert.ok(e instanceof WeftError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /no run with id "1999"/);
      return true;
    });
    await assert.rejects(store.getRun(""), WeftError);
  });

  test(
    "listFinished: the runs that finished last, newest finish first, whenever they started",
    async (store, dir) => {
      const long = fakeRunId(at(3));
      const short = fakeRunId(at(2));
      const running = fakeRunId(at(1));
      const child = fakeRunId(at(0.9));
      await record(
        store,
        dir,
        { id: long, startedAt: at(3).toISOString(), tasks: [{ id: "a", durationMs: 2.5 * HOUR }] },
        { id: short, startedAt: at(2).toISOString() },
      );
      await store.createRun(runInfo({ id: running, startedAt: at(1).toISOString() }), [
        pendingTask("a"),
      ]);
      await store.createRun(
        { ...runInfo({ id: child, startedAt: at(0.9).toISOString() }), parentRunId: short },
        [pendingTask("a")],
      );
      await store.markInterrupted(child);
      const ids = async (limit: number, children?: boolean) =>
        (await store.listFinished({ limit, children })).map((r) => r.id);
      // Started first, finished last: it comes first; the running run is not listed.
      assert.deepEqual(await ids(1, false), [long]);
      assert.deepEqual(await ids(5, false), [long, short]);
      assert.deepEqual(await ids(5), [long, child, short]);
      // history's order stays by start.
      assert.deepEqual((await store.listRuns({ children: false })).map((r) => r.id), [
        running,
        short,
        long,
      ]);
      // A run ending moves into its place; a deleted one leaves the list.
      await store.markInterrupted(running);
      await store.deleteRun(long);
      assert.deepEqual(await ids(5, false), [running, short]);
    },
  );

  test("markInterrupted keeps finished tasks and marks unfinished ones", async (store, dir) => {
    const id = fakeRunId(at(1));
    const recorder = createRecorder(store, `${dir}/logs`);
    const events = runEvents({
      id,
      startedAt: at(1).toISOString(),
      tasks: [{ id: "done", lines: [["stdout", "hi"]] }, { id: "busy" }, { id: "later" }],
    });
    // Everything up to the start of "busy": run, done finished, busy started.
    const cut = events.findIndex((e) => e.type === "task_started" && e.taskId === "busy") + 1;
    publish(recorder.listener, events.slice(0, cut));
    await recorder.flush();
    assert.equal(await store.markInterrupted(id), true);
    assert.equal(await store.markInterrupted(id), false);
    const details = await store.getRun(id);
    assert.equal(details.run.status, "interrupted");
    assert.deepEqual(
      details.tasks.map((t) => [t.id, t.status, t.reason]),
      [["done", "success", null], ["busy", "interrupted", "crash"], [
        "later",
        "interrupted",
        "crash",
      ]],
    );
    const busy = await store.listAttempts(id, "busy");
    assert.deepEqual(busy.map((a) => [a.status, a.reason]), [["interrupted", "crash"]]);
    // Finished at its last sign of life (busy's start), duration unknown.
    const busyStart = details.tasks.find((t) => t.id === "busy")?.startedAt;
    assert.equal(details.run.finishedAt, busyStart);
    assert.equal(details.run.durationMs, null);
    assert.equal(details.run.summary?.length, 3);
  });

  test(
    "markInterrupted: a loop's iterations on record that never started are interrupted, 0 attempts, and the loop counts them",
    async (store, dir) => {
      const id = fakeRunId(at(1));
      const recorder = createRecorder(store, `${dir}/logs`);
      const start = at(1).toISOString();
      const loop = { ...pendingTask("hosts"), type: "loop" };
      // The iterations, announced as the loop has its items (engine/loop.ts), in their order.
      const iterations = ["hosts[c]", "hosts[a]", "hosts[b]"].map(pendingTask);
      publish(recorder.listener, [
        { type: "run_started", run: runInfo({ id, startedAt: start }), tasks: [loop] },
        { type: "task_started", runId: id, taskId: "hosts", attempt: 1, at: start },
        { type: "tasks_added", runId: id, tasks: iterations },
        { type: "task_started", runId: id, taskId: "hosts[c]", attempt: 1, at: start },
      ]);
      await recorder.flush();
      assert.equal(await store.markInterrupted(id), true);
      const { tasks } = await store.getRun(id);
      assert.deepEqual(
        tasks.map((t) => [t.id, t.status, t.attempts, t.reason]),
        [
          ["hosts", "interrupted", 1, "crash"],
          ["hosts[c]", "interrupted", 1, "crash"],
          ["hosts[a]", "interrupted", 0, "crash"],
          ["hosts[b]", "interrupted", 0, "crash"],
        ],
      );
      // As a stopped loop counts them: the one the crash ended ran and failed; two never ran.
      assert.deepEqual(tasks[0].outputs, { total: "3", count: "1", succeeded: "0", failed: "1" });
    },
  );

  test(
    "deleteRun removes the run, its tasks, attempts, indexes and log files",
    async (store, dir) => {
      const keep = fakeRunId(at(3));
      const drop = fakeRunId(at(2));
      await record(
        store,
        dir,
        {
          id: keep,
          startedAt: at(3).toISOString(),
          tasks: [{ id: "a", lines: [["stdout", "x"]] }],
        },
        {
          id: drop,
          startedAt: at(2).toISOString(),
          tasks: [{ id: "a", lines: [["stdout", "y"]] }],
        },
      );
      await Deno.stat(`${dir}/logs/${drop}/a.1.log`);
      await store.deleteRun(drop);
      assert.equal(await store.findRun(drop), null);
      assert.deepEqual(await store.listAttempts(drop), []);
      assert.deepEqual((await store.listRuns()).map((r) => r.id), [keep]);
      assert.deepEqual(await store.listRuns({ workflow: "demo", status: "success" }), [
        await store.findRun(keep),
      ]);
      await assert.rejects(Deno.stat(`${dir}/logs/${drop}`), Deno.errors.NotFound);
      await Deno.stat(`${dir}/logs/${keep}/a.1.log`);
    },
  );

  test("huge outputs and errors are capped and marked; records stay small", async (store) => {
    const id = fakeRunId(at(1));
    await store.createRun(runInfo({ id }), [pendingTask("big")]);
    const huge = "x".repeat(200_000);
    await store.updateTask(id, {
      ...pendingTask("big"),
      status: "failed",
      error: "e".repeat(100_000),
      outputs: { a: huge, b: huge, c: "small", d: huge },
    });
    const details = await store.getRun(id);
    const task = details.tasks[0];
    assert.ok(JSON.stringify(task).length < 60 * 1024);
    assert.equal(task.outputs.a.length, 16 * 1024);
    assert.equal(task.outputs.c, "small");
    assert.deepEqual(details.truncatedOutputs.big, ["a", "b", "d"]);
    assert.ok((task.error ?? "").length <= 4096);
  });

  test("a run with 1,500 tasks is recorded (more than one atomic write holds)", async (store) => {
    const id = fakeRunId(at(1));
    const tasks = Array.from({ length: 1500 }, (_, i) => pendingTask(`t${i}`));
    await store.createRun(runInfo({ id }), tasks);
    const finished = tasks.map((t) => ({ ...t, status: "success" as const, durationMs: 5 }));
    await store.finishRun({
      id,
      workflow: "demo",
      status: "success",
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: 1,
      tasks: finished,
    });
    const details = await store.getRun(id);
    assert.equal(details.tasks.length, 1500);
    assert.equal(details.tasks[1499].id, "t1499");
    assert.ok(details.tasks.every((t) => t.status === "success"));
    const [metrics] = await store.runsForMetrics({});
    assert.equal(metrics.tasks.length, 1500);
  });

  test("runsForMetrics returns task outcomes of finished runs since a time", async (store, dir) => {
    const old = fakeRunId(at(48));
    const fresh = fakeRunId(at(1));
    await record(
      store,
      dir,
      { id: old, startedAt: at(48).toISOString(), tasks: [{ id: "a" }] },
      {
        id: fresh,
        startedAt: at(1).toISOString(),
        tasks: [{ id: "a" }, { id: "b", status: "skipped" }],
      },
    );
    const runs = await store.runsForMetrics({ since: at(24) });
    assert.deepEqual(runs.map((r) => r.run.id), [fresh]);
    assert.deepEqual(runs[0].tasks.map((t) => [t.id, t.status]), [["a", "success"], [
      "b",
      "skipped",
    ]]);
  });

  test("runsForMetrics filters by workflow and forgets deleted runs", async (store, dir) => {
    const kept = fakeRunId(at(2));
    const gone = fakeRunId(at(1));
    await record(
      store,
      dir,
      { id: kept, startedAt: at(2).toISOString(), tasks: [{ id: "a" }] },
      { id: gone, startedAt: at(1).toISOString(), tasks: [{ id: "a" }] },
    );
    const [first] = await store.runsForMetrics({});
    const workflow = first.run.workflow;
    assert.deepEqual((await store.runsForMetrics({ workflow: "no-such-flow" })).length, 0);
    await store.deleteRun(gone);
    const left = await store.runsForMetrics({ workflow });
    assert.deepEqual(left.map((r) => r.run.id), [kept]);
  });

  test("a started run is visible with its tasks before any finishes", async (store, dir) => {
    const id = fakeRunId(at(1));
    const recorder = createRecorder(store, `${dir}/logs`);
    publish(recorder.listener, startEvents({ id, tasks: [{ id: "a" }, { id: "b" }] }));
    await recorder.flush();
    const details = await store.getRun(id);
    assert.deepEqual(details.tasks.map((t) => t.status), ["pending", "pending"]);
  });
}

for (const [name, factory] of Object.entries(factories)) contract(name, factory);
