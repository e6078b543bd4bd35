/**
 * The recorder fed with synthetic engine event sequences: log files and their format,
 * attempt records, ordering, the run record before tasks, masking, write errors.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import type { EngineEvent } from "../src/engine/events.ts";
import { openStore } from "../src/store/open.ts";
import { MemoryRunStore } from "../src/store/memory.ts";
import type { RecordBatch, RunStore } from "../src/store/run_store.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { Secrets } from "../src/engine/secrets.ts";
import { readLog } from "../src/store/log_reader.ts";
import { fakeRunId, publish, runEvents, startEvents } from "./fixtures/history/events.ts";

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const dir = testTempDir("weft_rec_");
  try {
    await fn(`${dir}/home`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("logs: one file per attempt, each line tagged O/E, size and lines in the attempt record", async () => {
  await withHome(async (home) => {
    const store = await openStore(home);
    const recorder = createRecorder(store, store.logsDir);
    const id = fakeRunId();
    publish(
      recorder.listener,
      runEvents({
        id,
        tasks: [{
          id: "flaky",
          status: "success",
          attempts: 2,
          lines: [["stdout", "out line"], ["stderr", "err line"], ["stdout", "  spaced  "]],
          outputs: { version: "1.2.3" },
        }],
      }),
    );
    await recorder.flush();
    const expected = "O out line\nE err line\nO   spaced  \n";
    for (const attempt of [1, 2]) {
      const path = `${store.logsDir}/${id}/flaky.${attempt}.log`;
      assert.equal(await Deno.readTextFile(path), expected);
    }
    const attempts = await store.listAttempts(id, "flaky");
    assert.deepEqual(attempts.map((a) => [a.attempt, a.status, a.reason]), [
      [1, "failed", "exit_code"],
      [2, "success", null],
    ]);
    for (const a of attempts) {
      assert.equal(a.logPath, `${id}/flaky.${a.attempt}.log`);
      assert.equal(a.logBytes, new TextEncoder().encode(expected).length);
      assert.equal(a.logLines, 3, "weft status says `last 10 of N lines` by it");
      assert.ok(a.finishedAt && a.durationMs !== null);
    }
    assert.deepEqual(attempts[1].outputs, { version: "1.2.3" });
    const lines: { stream: string; text: string }[] = [];
    await readLog(`${store.logsDir}/${attempts[0].logPath}`, undefined, (piece) => {
      if (piece.starts) lines.push({ stream: piece.stream, text: "" });
      lines[lines.length - 1].text += new TextDecoder().decode(piece.bytes);
    });
    assert.deepEqual(lines, [
      { stream: "stdout", text: "out line" },
      { stream: "stderr", text: "err line" },
      { stream: "stdout", text: "  spaced  " },
    ]);
    const details = await store.getRun(id);
    assert.equal(details.tasks[0].attempts, 2);
    assert.equal(details.run.status, "success");
    store.close();
  });
});

Deno.test("a task with no output has no log file and a null logPath", async () => {
  const store = new MemoryRunStore();
  const dir = testTempDir();
  const recorder = createRecorder(store, dir);
  const id = fakeRunId();
  publish(recorder.listener, runEvents({ id, tasks: [{ id: "quiet" }] }));
  await recorder.flush();
  const [attempt] = await store.listAttempts(id);
  assert.equal(attempt.logPath, null);
  assert.equal(attempt.logBytes, 0);
  assert.equal(attempt.logLines, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run_started's write resolves before anything else is written; order is kept", async () => {
  const writes: string[] = [];
  const store = new MemoryRunStore();
  const spy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        writes.push(String(prop));
        return value.apply(target, args);
      };
    },
  });
  const dir = testTempDir();
  const recorder = createRecorder(spy, dir);
  const id = fakeRunId();
  const [started, ...rest] = runEvents({ id, tasks: [{ id: "a" }, { id: "b" }] });
  const ready = recorder.listener(started);
  assert.ok(ready instanceof Promise);
  await ready;
  assert.deepEqual(writes, ["createRun"]);
  assert.ok(await store.findRun(id));
  publish(recorder.listener, rest);
  await recorder.flush();
  assert.equal(writes[0], "createRun");
  assert.equal(writes.at(-1), "finishRun");
  assert.ok(writes.slice(1, -1).every((w) => w === "writeRecords"));
  const details = await store.getRun(id);
  assert.deepEqual(details.tasks.map((t) => t.status), ["success", "success"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a failed write is reported by flush once, and later events are still written", async () => {
  const store = new MemoryRunStore();
  let fail = true;
  const flaky: RunStore = {
    logsDir: store.logsDir,
    createRun: (...a) => store.createRun(...a),
    writeRecords: (batch) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error("disk on fire"));
      }
      return store.writeRecords(batch);
    },
    updateTask: (...a) => store.updateTask(...a),
    recordAttempt: (...a) => store.recordAttempt(...a),
    finishRun: (...a) => store.finishRun(...a),
    heartbeat: (...a) => store.heartbeat(...a),
    listProcesses: (...a) => store.listProcesses(...a),
    findRun: (...a) => store.findRun(...a),
    getRun: (...a) => store.getRun(...a),
    wholeOutputs: (...a) => store.wholeOutputs(...a),
    listAttempts: (...a) => store.listAttempts(...a),
    listRuns: (...a) => store.listRuns(...a),
    listFinished: (...a) => store.listFinished(...a),
    runsForMetrics: (...a) => store.runsForMetrics(...a),
    findRunning: () => store.findRunning(),
    markInterrupted: (...a) => store.markInterrupted(...a),
    deleteRun: (...a) => store.deleteRun(...a),
    finishDeletes: () => store.finishDeletes(),
    addNotifications: (...a) => store.addNotifications(...a),
    getState: (key) => store.getState(key),
    setState: (...a) => store.setState(...a),
    listState: (prefix) => store.listState(prefix),
    close: () => store.close(),
  };
  const dir = testTempDir();
  const recorder = createRecorder(flaky, dir);
  const id = fakeRunId();
  const events = runEvents({ id, tasks: [{ id: "a" }, { id: "b" }] });
  // run_started, then a's first event alone, so only that write fails.
  await recorder.listener(events[0]);
  await recorder.listener(events[1]);
  publish(recorder.listener, events.slice(2));
  await assert.rejects(recorder.flush(), /disk on fire/);
  await recorder.flush();
  const details = await store.getRun(id);
  assert.equal(details.run.status, "success");
  assert.deepEqual(details.tasks.map((t) => t.status), ["success", "success"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("no secret value reaches any file under WEFT_HOME", async () => {
  await withHome(async (home) => {
    const secret = "s3cr3t-Value-42";
    const declared = "hunter2-declared";
    const store = await openStore(home);
    const recorder = createRecorder(store, store.logsDir, { secretValues: [secret, declared] });
    const id = fakeRunId();
    const events: EngineEvent[] = runEvents({
      id,
      params: { token: secret },
      tasks: [{
        id: "leaky",
        status: "failed",
        lines: [["stdout", `token is ${secret}`], ["stderr", `pw=${declared};`]],
        outputs: { echoed: secret, plain: "x" },
      }],
    });
    for (const e of events) {
      if (e.type === "task_finished") e.task.error = `failed with ${secret}`;
    }
    publish(recorder.listener, events);
    await recorder.flush();
    store.close();
    const log = await Deno.readTextFile(`${home}/logs/${id}/leaky.1.log`);
    assert.equal(log, "O token is ***\nE pw=***;\n");
    const needles = [secret, declared].map((s) => new TextEncoder().encode(s));
    for await (const path of walk(home)) {
      const bytes = await Deno.readFile(path);
      for (const needle of needles) {
        assert.equal(indexOf(bytes, needle), -1, `${path} holds a secret`);
      }
    }
    // Still readable, and masked rather than dropped.
    const reopened = await openStore(home);
    const details = await reopened.getRun(id);
    assert.deepEqual(details.run.params, { token: "***" });
    assert.deepEqual(details.tasks[0].outputs, { echoed: "***", plain: "x" });
    reopened.close();
  });
});

Deno.test("a secret that is a common word masks data only: names, ids, statuses, keys are kept", async () => {
  await withHome(async (home) => {
    const secrets = new Secrets();
    secrets.add("postgres");
    // The output key is written in the task's definition (engine/start_secrets.ts).
    secrets.protectWrittenNames(() => ["postgres"]);
    const store = await openStore(home);
    const recorder = createRecorder(store, store.logsDir, { secrets });
    const id = fakeRunId();
    const events = runEvents({
      id,
      workflow: "postgres-backup",
      params: { postgres: "postgres" },
      tasks: [{
        id: "dump-postgres",
        lines: [["stdout", "postgres dumped"], ["stdout", "late-secret-value"]],
        outputs: { postgres: "postgres" },
      }],
    });
    // A task's own secret, found once the run started (engine: attempt_context.ts).
    const lateAt = events.findIndex((e) => e.type === "output");
    publish(recorder.listener, events.slice(0, lateAt));
    secrets.add("late-secret-value");
    publish(recorder.listener, events.slice(lateAt));
    await recorder.flush();
    const details = await store.getRun(id);
    assert.equal(details.run.workflow, "postgres-backup");
    assert.deepEqual(details.run.params, { postgres: "***" });
    assert.deepEqual(details.tasks.map((t) => [t.id, t.status]), [["dump-postgres", "success"]]);
    assert.deepEqual(details.tasks[0].outputs, { postgres: "***" });
    const log = await Deno.readTextFile(`${home}/logs/${id}/dump-postgres.1.log`);
    assert.equal(log, "O *** dumped\nO ***\n");
    const listed = await store.listRuns({ workflow: "postgres-backup" });
    assert.deepEqual(listed.map((r) => r.id), [id]);
    store.close();
  });
});

Deno.test("unannounced tasks (not in run_started) are recorded after announced ones", async () => {
  const store = new MemoryRunStore();
  const dir = testTempDir();
  const recorder = createRecorder(store, dir);
  const id = fakeRunId();
  publish(recorder.listener, startEvents({ id, tasks: [{ id: "a" }] }));
  const at = new Date().toISOString();
  publish(recorder.listener, [
    { type: "task_started", runId: id, taskId: "loop.0", attempt: 1, at },
    { type: "output", runId: id, taskId: "loop.0", attempt: 1, stream: "stdout", line: "x", at },
  ]);
  await recorder.flush();
  const details = await store.getRun(id);
  assert.deepEqual(details.tasks.map((t) => [t.id, t.status]), [["a", "pending"], [
    "loop.0",
    "running",
  ]]);
  assert.equal(await Deno.readTextFile(`${dir}/${id}/loop.0.1.log`), "O x\n");
  await Deno.remove(dir, { recursive: true });
});

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** A MemoryRunStore whose finishRun calls are recorded: the `tasks` each was given. */
function finishSpy(store: MemoryRunStore, fail = false): {
  store: RunStore;
  finished: (string[] | undefined)[];
} {
  const finished: (string[] | undefined)[] = [];
  let failNext = fail;
  const spy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "writeRecords" && failNext) {
        return () => {
          failNext = false;
          return Promise.reject(new Error("disk on fire"));
        };
      }
      if (prop !== "finishRun") return typeof value === "function" ? value.bind(target) : value;
      return (...args: Parameters<RunStore["finishRun"]>) => {
        finished.push(args[1]?.map((t) => t.id));
        return store.finishRun(...args);
      };
    },
  });
  return { store: spy, finished };
}

Deno.test("run_finished writes only the task records the queue has not written as they are", async () => {
  const memory = new MemoryRunStore();
  const { store, finished } = finishSpy(memory);
  const dir = testTempDir();
  const recorder = createRecorder(store, dir);
  const id = fakeRunId();
  const events = runEvents({
    id,
    tasks: [{ id: "a" }, { id: "b" }, { id: "c", status: "skipped" }],
  });
  // The report's copy of b differs from what task_finished gave (a later change); a's and
  // c's are equal copies (new objects, same content).
  const done = events.at(-1)!;
  assert.equal(done.type, "run_finished");
  if (done.type !== "run_finished") return;
  done.report.tasks = done.report.tasks.map((t) =>
    t.id === "b" ? { ...t, outputs: { late: "yes" } } : structuredClone(t)
  );
  publish(recorder.listener, events);
  await recorder.flush();
  assert.deepEqual(finished, [["b"]]);
  const details = await memory.getRun(id);
  assert.equal(details.run.status, "success");
  assert.deepEqual(details.tasks.map((t) => [t.id, t.status]), [
    ["a", "success"],
    ["b", "success"],
    ["c", "skipped"],
  ]);
  assert.deepEqual(details.tasks[1].outputs, { late: "yes" });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("after a failed record write, run_finished writes every task record again", async () => {
  const memory = new MemoryRunStore();
  const { store, finished } = finishSpy(memory, true);
  const dir = testTempDir();
  const recorder = createRecorder(store, dir);
  const id = fakeRunId();
  const events = runEvents({ id, tasks: [{ id: "a" }, { id: "b" }] });
  await recorder.listener(events[0]); // run_started
  await recorder.listener(events[1]); // a's first record: its write fails
  publish(recorder.listener, events.slice(2));
  await assert.rejects(recorder.flush(), /disk on fire/);
  assert.deepEqual(finished, [undefined]); // undefined: all of the report's tasks
  const details = await memory.getRun(id);
  assert.deepEqual(details.tasks.map((t) => [t.id, t.status]), [["a", "success"], [
    "b",
    "success",
  ]]);
  await Deno.remove(dir, { recursive: true });
});

/** A memory store that keeps every record batch it was given, in order. */
class BatchLog extends MemoryRunStore {
  readonly batches: RecordBatch[] = [];
  override writeRecords(batch: RecordBatch): Promise<void> {
    this.batches.push(batch);
    return super.writeRecords(batch);
  }
}

const statuses = (batch: RecordBatch) => [
  batch.tasks.map(({ task }) => `${task.id}:${task.status}`),
  batch.attempts.map((a) => `${a.taskId}.${a.attempt}:${a.status}`),
];

Deno.test("a task that starts and ends within one batch has only its final records written", async () => {
  const store = new BatchLog();
  const dir = testTempDir();
  const recorder = createRecorder(store, dir);
  const id = fakeRunId();
  // All queued in one turn behind run_started's write: one batch.
  publish(recorder.listener, runEvents({ id, tasks: [{ id: "a" }] }).slice(0, -1));
  await recorder.flush();
  assert.deepEqual(store.batches.map(statuses), [[["a:success"], ["a.1:success"]]]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a task whose start was written before it ended keeps its running record until then", async () => {
  const store = new BatchLog();
  const dir = testTempDir();
  const recorder = createRecorder(store, dir);
  const id = fakeRunId();
  const events = runEvents({ id, tasks: [{ id: "a" }] }).slice(0, -1);
  publish(recorder.listener, events.slice(0, 2)); // run_started, task_started
  await recorder.flush();
  // What a crash now would leave: the task and its attempt running.
  const details = await store.getRun(id);
  assert.equal(details.tasks[0].status, "running");
  assert.deepEqual((await store.listAttempts(id)).map((a) => a.status), ["running"]);
  publish(recorder.listener, events.slice(2));
  await recorder.flush();
  assert.deepEqual(store.batches.map(statuses), [
    [["a:running"], ["a.1:running"]],
    [["a:success"], ["a.1:success"]],
  ]);
  await Deno.remove(dir, { recursive: true });
});
